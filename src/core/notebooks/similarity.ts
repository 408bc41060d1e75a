// String similarity as nbdime measures it: Python difflib's SequenceMatcher (no junk heuristics) ratio over code
// points, behind the same cheap upper bounds (real_quick_ratio, quick_ratio) nbdime checks first. Results are cached
// per comparer, so a grid of cell comparisons prepares each text once.

import { codePoints, pythonLength, pythonSplitLines } from './pythonCompat';

/** Above this product of lengths the character ratio is replaced by a line-based estimate (see `ratio`). */
const CHARACTER_RATIO_LIMIT = 16_000_000;
/** Character pairs one comparer may spend on exact ratios; after that every ratio is line-based. */
const CHARACTER_RATIO_BUDGET = 100_000_000;

interface Histogram {
  /** Counts of the ASCII characters, by code. */
  ascii: Int32Array;
  /** Counts of other code points, when there are any. */
  other?: Map<number, number>;
}

interface PreparedText {
  /** A number per distinct text, for caching results per pair. */
  id: number;
  length: number;
  points?: number[];
  histogram?: Histogram;
}

/** Longest-match search of difflib.SequenceMatcher over integer sequences (isjunk=None, autojunk=False). */
class SequenceMatcher {
  private readonly b2j = new Map<number, number[]>();
  private readonly lengthRows: [Int32Array, Int32Array];
  private readonly stampRows: [Float64Array, Float64Array];
  private row = 1;

  constructor(
    private readonly a: ArrayLike<number>,
    private readonly b: ArrayLike<number>,
  ) {
    for (const [j, key] of Array.from(b).entries()) {
      const list = this.b2j.get(key);
      if (list) list.push(j);
      else this.b2j.set(key, [j]);
    }
    this.lengthRows = [new Int32Array(b.length + 1), new Int32Array(b.length + 1)];
    this.stampRows = [new Float64Array(b.length + 1), new Float64Array(b.length + 1)];
  }

  private findLongestMatch(alo: number, ahi: number, blo: number, bhi: number): [number, number, number] {
    let besti = alo;
    let bestj = blo;
    let bestSize = 0;
    let previous: 0 | 1 = 0;
    // A gap in the row numbers so that rows of an earlier search never count as the previous row.
    this.row += 2;
    for (let i = alo; i < ahi; i++) {
      const current: 0 | 1 = previous === 0 ? 1 : 0;
      const row = this.row++;
      const positions = this.b2j.get(this.a[i]!);
      if (positions) {
        const previousLengths = this.lengthRows[previous];
        const previousStamps = this.stampRows[previous];
        const lengths = this.lengthRows[current];
        const stamps = this.stampRows[current];
        for (const j of positions) {
          if (j < blo) continue;
          if (j >= bhi) break;
          const k = (j > 0 && previousStamps[j - 1] === row - 1 ? previousLengths[j - 1]! : 0) + 1;
          lengths[j] = k;
          stamps[j] = row;
          if (k > bestSize) {
            besti = i - k + 1;
            bestj = j - k + 1;
            bestSize = k;
          }
        }
      }
      previous = current;
    }
    return [besti, bestj, bestSize];
  }

  /** Matched elements over all matching blocks (the M of ratio = 2M/T); with weights, the sum of their weights. */
  matches(weights?: ArrayLike<number>): number {
    let total = 0;
    const queue: [number, number, number, number][] = [[0, this.a.length, 0, this.b.length]];
    while (queue.length > 0) {
      const [alo, ahi, blo, bhi] = queue.pop()!;
      const [i, j, k] = this.findLongestMatch(alo, ahi, blo, bhi);
      if (k === 0) continue;
      if (weights) for (let index = i; index < i + k; index++) total += weights[index] ?? 0;
      else total += k;
      if (alo < i && blo < j) queue.push([alo, i, blo, j]);
      if (i + k < ahi && j + k < bhi) queue.push([i + k, ahi, j + k, bhi]);
    }
    return total;
  }
}

function calculateRatio(matches: number, length: number): number {
  return length ? (2.0 * matches) / length : 1.0;
}

/** Compares strings the way nbdime's heuristics do; one instance caches prepared texts for a whole diff. */
export class TextComparer {
  private readonly cache = new Map<string, PreparedText>();
  private budget = CHARACTER_RATIO_BUDGET;
  /** Ratios already computed, by pair of text ids (the levels of an alignment ask for the same pairs again). */
  private readonly ratios = new Map<number, Map<number, number>>();

  private prepare(text: string): PreparedText {
    let prepared = this.cache.get(text);
    if (!prepared) {
      prepared = { id: this.cache.size, length: pythonLength(text) };
      this.cache.set(text, prepared);
    }
    return prepared;
  }

  private pointsOf(text: string): number[] {
    const prepared = this.prepare(text);
    return (prepared.points ??= codePoints(text));
  }

  private histogramOf(text: string): Histogram {
    const prepared = this.prepare(text);
    if (!prepared.histogram) {
      const histogram: Histogram = { ascii: new Int32Array(128) };
      for (const point of this.pointsOf(text)) {
        if (point < 128) histogram.ascii[point] = (histogram.ascii[point] ?? 0) + 1;
        else (histogram.other ??= new Map()).set(point, (histogram.other.get(point) ?? 0) + 1);
      }
      prepared.histogram = histogram;
    }
    return prepared.histogram;
  }

  /** Python's len() of the text. */
  length(text: string): number {
    return this.prepare(text).length;
  }

  /** difflib's quick_ratio: an upper bound of the ratio from the multiset of characters. */
  quickRatio(x: string, y: string): number {
    const histogramX = this.histogramOf(x);
    const histogramY = this.histogramOf(y);
    let matches = 0;
    const asciiX = histogramX.ascii;
    const asciiY = histogramY.ascii;
    for (let code = 0; code < 128; code++) matches += Math.min(asciiX[code] ?? 0, asciiY[code] ?? 0);
    if (histogramX.other && histogramY.other) {
      const [small, large] =
        histogramX.other.size <= histogramY.other.size
          ? [histogramX.other, histogramY.other]
          : [histogramY.other, histogramX.other];
      for (const [point, count] of small) matches += Math.min(count, large.get(point) ?? 0);
    }
    return calculateRatio(matches, this.length(x) + this.length(y));
  }

  /**
   * difflib's ratio(). When the product of the lengths exceeds a work limit (or this comparer has spent its budget),
   * the ratio is estimated from matching lines (characters of equal lines) instead of matching characters, so that
   * very large texts cannot make a diff take minutes.
   */
  ratio(x: string, y: string): number {
    const idX = this.prepare(x).id;
    const idY = this.prepare(y).id;
    let row = this.ratios.get(idX);
    if (!row) this.ratios.set(idX, (row = new Map<number, number>()));
    let ratio = row.get(idY);
    if (ratio === undefined) row.set(idY, (ratio = this.computeRatio(x, y)));
    return ratio;
  }

  private computeRatio(x: string, y: string): number {
    const lengthX = this.length(x);
    const lengthY = this.length(y);
    const work = lengthX * lengthY;
    if (work <= CHARACTER_RATIO_LIMIT && work <= this.budget) {
      this.budget -= work;
      return calculateRatio(new SequenceMatcher(this.pointsOf(x), this.pointsOf(y)).matches(), lengthX + lengthY);
    }
    const ids = new Map<string, number>();
    const linesX = pythonSplitLines(x);
    const linesY = pythonSplitLines(y);
    const toIds = (lines: string[]): number[] =>
      lines.map((line) => {
        let id = ids.get(line);
        if (id === undefined) ids.set(line, (id = ids.size));
        return id;
      });
    const tokensX = toIds(linesX);
    const tokensY = toIds(linesY);
    // Matched characters: the lengths of the lines the same block-matching algorithm pairs up.
    const weights = linesX.map((line) => pythonLength(line));
    return calculateRatio(new SequenceMatcher(tokensX, tokensY).matches(weights), lengthX + lengthY);
  }

  /**
   * nbdime's compare_strings_approximate: equal, or similar above the threshold (difflib ratio, after the
   * real_quick_ratio and quick_ratio cut-offs); when both are longer than maxLength only equality counts.
   */
  similar(x: string, y: string, threshold = 0.7, maxLength?: number): boolean {
    if (x.length > 0 !== y.length > 0) return false;
    if (x === y) return true;
    const lengthX = this.length(x);
    const lengthY = this.length(y);
    if (calculateRatio(Math.min(lengthX, lengthY), lengthX + lengthY) < threshold) return false;
    if (this.quickRatio(x, y) < threshold) return false;
    if (maxLength !== undefined && lengthX > maxLength && lengthY > maxLength) return false;
    return this.ratio(x, y) > threshold;
  }
}
