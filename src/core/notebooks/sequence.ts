// Sequence alignment used by the notebook diff: a longest-common-subsequence grid with nbdime's tie-breaking
// (matches taken from the end, preferring to drop an item of the first sequence), its multilevel variant (align with
// the strictest predicate first, then fill the gaps with looser ones), and a fast key-based LCS for large inputs.

/** A run of `length` items matched from `before` index and `after` index on. */
export type Snake = [before: number, after: number, length: number];

export type Predicate = ((before: number, after: number) => boolean) & {
  /** When set, the predicate is "equal non-negative keys": the grid is filled from the keys, not pair by pair. */
  keys?: [ArrayLike<number>, ArrayLike<number>];
  /** A lower grid limit for an expensive predicate. */
  maxCells?: number;
};

/** Largest grid (before x after items) compared pair by pair; larger regions use `keyedPairs`. */
export const MAX_GRID_CELLS = 1_000_000;
/** Largest grid filled from keys (cheap: no pairwise comparison). */
export const MAX_KEYED_GRID_CELLS = 4_000_000;

function toSnakes(pairs: [number, number][]): Snake[] {
  const snakes: Snake[] = [];
  for (const [i, j] of pairs) {
    const last = snakes[snakes.length - 1];
    if (last && last[0] + last[2] === i && last[1] + last[2] === j) last[2]++;
    else snakes.push([i, j, 1]);
  }
  return snakes;
}

/**
 * LCS of the rectangle [i0, i1) x [j0, j1) under a predicate, by the full grid as nbdime computes it (so ties
 * resolve the same way). Returns null when the rectangle is larger than MAX_GRID_CELLS (MAX_KEYED_GRID_CELLS for a
 * keyed predicate).
 */
export function gridSnakes(compare: Predicate, i0: number, j0: number, i1: number, j1: number): Snake[] | null {
  const n = i1 - i0;
  const m = j1 - j0;
  if (n <= 0 || m <= 0) return [];
  if (n * m > (compare.maxCells ?? (compare.keys ? MAX_KEYED_GRID_CELLS : MAX_GRID_CELLS))) return null;
  const grid = new Uint8Array(n * m);
  if (compare.keys) {
    const [keysBefore, keysAfter] = compare.keys;
    const positions = new Map<number, number[]>();
    for (let y = 0; y < m; y++) {
      const key = keysAfter[j0 + y];
      if (key === undefined || key < 0) continue;
      const list = positions.get(key);
      if (list) list.push(y);
      else positions.set(key, [y]);
    }
    if (positions.size === 0) return [];
    for (let x = 0; x < n; x++) {
      const key = keysBefore[i0 + x];
      if (key !== undefined && key >= 0) for (const y of positions.get(key) ?? []) grid[x * m + y] = 1;
    }
  } else {
    for (let x = 0; x < n; x++) for (let y = 0; y < m; y++) if (compare(i0 + x, j0 + y)) grid[x * m + y] = 1;
  }
  const width = m + 1;
  const lengths = new Int32Array((n + 1) * width);
  for (let x = 1; x <= n; x++) {
    for (let y = 1; y <= m; y++) {
      lengths[x * width + y] = grid[(x - 1) * m + y - 1]
        ? lengths[(x - 1) * width + y - 1]! + 1
        : Math.max(lengths[(x - 1) * width + y]!, lengths[x * width + y - 1]!);
    }
  }
  const pairs: [number, number][] = [];
  let x = n;
  let y = m;
  while (x > 0 && y > 0) {
    if (grid[(x - 1) * m + y - 1]) {
      x--;
      y--;
      pairs.push([i0 + x, j0 + y]);
    } else if (lengths[x * width + y] === lengths[(x - 1) * width + y]) {
      x--;
    } else {
      y--;
    }
  }
  pairs.reverse();
  return toSnakes(pairs);
}

/**
 * nbdime's multilevel alignment: snakes of the strictest predicate (last in `compares`) over the rectangle, then,
 * in each gap between them, the next looser predicate, down to the first. `fallback` aligns a region too large
 * for a grid (by exact keys).
 */
export function multilevelSnakes(
  compares: Predicate[],
  rectangle: [number, number, number, number],
  fallback: (level: number, i0: number, j0: number, i1: number, j1: number) => Snake[],
  level = compares.length - 1,
): Snake[] {
  let [i0, j0] = rectangle;
  const [, , i1, j1] = rectangle;
  const compare = compares[level];
  const snakes = (compare && gridSnakes(compare, i0, j0, i1, j1)) ?? fallback(level, i0, j0, i1, j1);
  if (level === 0) return snakes;
  const result: Snake[] = [[0, 0, 0]];
  for (const [i, j, n] of [...snakes, [i1, j1, 0] as Snake]) {
    if (i > i0 && j > j0)
      for (const snake of multilevelSnakes(compares, [i0, j0, i, j], fallback, level - 1)) result.push(snake);
    if (n > 0) {
      const last = result.at(-1);
      if (last && last[0] + last[2] === i && last[1] + last[2] === j) last[2] += n;
      else result.push([i, j, n]);
    }
    i0 = i + n;
    j0 = j + n;
  }
  if (result[0]?.[2] === 0) result.shift();
  return result;
}

/**
 * LCS of two sequences of integer keys: equal prefix and suffix first, then a full grid when small, else patience
 * anchors (keys unique on both sides, longest increasing run) with recursion between them.
 */
export function keyedPairs(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  aStart = 0,
  bStart = 0,
  aEnd = a.length,
  bEnd = b.length,
  depth = 0,
): [number, number][] {
  const head: [number, number][] = [];
  const tail: [number, number][] = [];
  while (aStart < aEnd && bStart < bEnd && a[aStart] === b[bStart]) head.push([aStart++, bStart++]);
  while (aEnd > aStart && bEnd > bStart && a[aEnd - 1] === b[bEnd - 1]) tail.push([--aEnd, --bEnd]);
  tail.reverse();
  const n = aEnd - aStart;
  const m = bEnd - bStart;
  if (n === 0 || m === 0) return head.concat(tail);
  if (n * m <= 1_000_000) {
    const snakes = gridSnakes((i, j) => a[i] === b[j], aStart, bStart, aEnd, bEnd) ?? [];
    const middle: [number, number][] = [];
    for (const [i, j, length] of snakes) for (let k = 0; k < length; k++) middle.push([i + k, j + k]);
    return head.concat(middle, tail);
  }
  // Patience: keys that occur once on each side anchor the alignment.
  const countA = new Map<number, number>();
  const countB = new Map<number, number>();
  const positionB = new Map<number, number>();
  for (let i = aStart; i < aEnd; i++) countA.set(a[i]!, (countA.get(a[i]!) ?? 0) + 1);
  for (let j = bStart; j < bEnd; j++) {
    const key = b[j]!;
    countB.set(key, (countB.get(key) ?? 0) + 1);
    positionB.set(key, j);
  }
  const candidates: [number, number][] = [];
  for (let i = aStart; i < aEnd; i++) {
    const key = a[i]!;
    const j = positionB.get(key);
    if (countA.get(key) === 1 && countB.get(key) === 1 && j !== undefined) candidates.push([i, j]);
  }
  // No anchors, or nested too deep for the stack: leave the region unmatched.
  if (candidates.length === 0 || depth > 200) return head.concat(tail);
  // Longest increasing subsequence of the after positions.
  const tails: number[] = [];
  const previous = new Int32Array(candidates.length).fill(-1);
  candidates.forEach(([, j], index) => {
    let low = 0;
    let high = tails.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (candidates[tails[mid]!]![1] < j) low = mid + 1;
      else high = mid;
    }
    if (low > 0) previous[index] = tails[low - 1]!;
    tails[low] = index;
  });
  const anchors: [number, number][] = [];
  for (let index = tails.at(-1) ?? -1; index !== -1; index = previous[index] ?? -1) {
    const anchor = candidates[index];
    if (anchor) anchors.push(anchor);
  }
  anchors.reverse();
  const middle: [number, number][] = [];
  let i = aStart;
  let j = bStart;
  for (const [ai, bj] of anchors) {
    for (const pair of keyedPairs(a, b, i, j, ai, bj, depth + 1)) middle.push(pair);
    middle.push([ai, bj]);
    i = ai + 1;
    j = bj + 1;
  }
  for (const pair of keyedPairs(a, b, i, j, aEnd, bEnd, depth + 1)) middle.push(pair);
  return head.concat(middle, tail);
}

/** Snakes from keyed pairs over a rectangle (used as the large-region fallback). */
export function keyedSnakes(
  keysBefore: number[],
  keysAfter: number[],
  i0: number,
  j0: number,
  i1: number,
  j1: number,
): Snake[] {
  return toSnakes(keyedPairs(keysBefore, keysAfter, i0, j0, i1, j1));
}
