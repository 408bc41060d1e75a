// The numbers a profile holds for one column (values, or dates as epoch milliseconds). Few distinct values are
// counted in a map (a flag or an hour column of millions of rows costs a few entries, and its sorted values come
// from the counts without a sort); past SMALL_DISTINCT distinct values they are held in fixed blocks of
// BLOCK_VALUES, so the memory is the values' own size plus at most one block, with no copy while growing.

/** Distinct values counted in a map before the store holds every value. */
export const SMALL_DISTINCT = 1024;
const BLOCK_BITS = 16;
/** Values per block (the first block grows to this size by doubling). */
export const BLOCK_VALUES = 1 << BLOCK_BITS;
const BLOCK_MASK = BLOCK_VALUES - 1;

export class ValueStore {
  private small: Map<number, number> | undefined = new Map();
  private blocks: Float64Array[] = [];
  private current = new Float64Array(0);
  private fill = 0;
  private count = 0;
  private sortedCache: Float64Array | undefined;

  /** Values added (or held, once sampling replaces some). */
  get length(): number {
    return this.count;
  }

  push(x: number): void {
    this.count++;
    const small = this.small;
    if (!small) {
      this.append(x);
      return;
    }
    const seen = small.get(x);
    if (seen !== undefined) small.set(x, seen + 1);
    else {
      small.set(x, 1);
      if (small.size > SMALL_DISTINCT) this.materialize();
    }
  }

  /** Replaces the `index`-th value held (reservoir sampling). */
  set(index: number, x: number): void {
    if (this.small) this.materialize();
    this.sortedCache = undefined;
    (this.blocks[index >>> BLOCK_BITS] as Float64Array)[index & BLOCK_MASK] = x;
  }

  /** Calls back once per held value, or once per distinct value with its count while they are counted. */
  forEachRun(each: (value: number, count: number) => void): void {
    if (this.small) {
      for (const [value, count] of this.small) each(value, count);
      return;
    }
    if (this.sortedCache) {
      for (let i = 0; i < this.sortedCache.length; i++) each(this.sortedCache[i] as number, 1);
      return;
    }
    for (const block of this.blocks) {
      const n = block === this.current ? this.fill : block.length;
      for (let i = 0; i < n; i++) each(block[i] as number, 1);
    }
  }

  /** Every value, sorted ascending (`scratch`: the sort's working memory, shared by the stores of one profile). */
  sorted(scratch?: SortScratch): Float64Array {
    if (this.small) {
      const keys = Float64Array.from(this.small.keys()).sort();
      const out = new Float64Array(this.count);
      let at = 0;
      for (let k = 0; k < keys.length; k++) {
        const value = keys[k] as number;
        const n = this.small.get(value) as number;
        out.fill(value, at, at + n);
        at += n;
      }
      return out;
    }
    if (this.sortedCache) return this.sortedCache;
    let all: Float64Array;
    if (this.blocks.length === 1) all = this.current.subarray(0, this.fill);
    else {
      all = new Float64Array(this.count);
      let at = 0;
      for (const block of this.blocks) {
        const n = block === this.current ? this.fill : block.length;
        all.set(n === block.length ? block : block.subarray(0, n), at);
        at += n;
      }
    }
    this.blocks = [];
    this.current = new Float64Array(0);
    this.fill = 0;
    if (!isSorted(all)) radixSort(all, scratch);
    this.sortedCache = all;
    return all;
  }

  private append(x: number): void {
    if (this.fill === this.current.length) {
      if (this.current.length < BLOCK_VALUES && this.blocks.length <= 1) {
        const grown = new Float64Array(Math.min(BLOCK_VALUES, Math.max(1024, this.current.length * 2)));
        grown.set(this.current);
        this.current = grown;
        this.blocks[0] = grown;
      } else {
        this.current = new Float64Array(BLOCK_VALUES);
        this.blocks.push(this.current);
        this.fill = 0;
      }
    }
    this.current[this.fill++] = x;
  }

  private materialize(): void {
    const small = this.small;
    if (!small) return;
    this.small = undefined;
    for (const [value, count] of small) for (let i = 0; i < count; i++) this.append(value);
  }
}

const DIGITS = 1 << 16;

/** Working memory for sorts done one after the other (the columns of one profile): one buffer, grown as needed. */
export class SortScratch {
  private buffer = new Uint32Array(0);

  words(n: number): Uint32Array {
    if (this.buffer.length < n) this.buffer = new Uint32Array(n);
    return this.buffer.subarray(0, n);
  }
}

/**
 * Sorts doubles ascending in place, as Float64Array.prototype.sort does (-0 before 0), in four passes of 16 bits
 * over the bits turned into unsigned order (sign bit set for positives, every bit flipped for negatives): faster
 * than the comparison sort for the millions of values a profile holds. NaN is never held; the words are read
 * little-endian, as on every platform Node runs on.
 */
export function radixSort(values: Float64Array, scratch?: SortScratch): Float64Array {
  const n = values.length;
  if (n < 4096) return values.sort();
  const words = new Uint32Array(values.buffer, values.byteOffset, n * 2);
  for (let i = 0; i < n; i++) {
    const hi = words[2 * i + 1] as number;
    if (hi & 0x80000000) {
      words[2 * i + 1] = ~hi >>> 0;
      words[2 * i] = ~(words[2 * i] as number) >>> 0;
    } else words[2 * i + 1] = (hi | 0x80000000) >>> 0;
  }
  let from: Uint32Array = words;
  let to: Uint32Array = scratch ? scratch.words(n * 2) : new Uint32Array(n * 2);
  const offsets = new Uint32Array(DIGITS);
  for (let pass = 0; pass < 4; pass++) {
    const word = pass >> 1;
    const shift = (pass & 1) * 16;
    offsets.fill(0);
    for (let i = 0; i < n; i++) {
      const digit = ((from[2 * i + word] as number) >>> shift) & 0xffff;
      offsets[digit] = (offsets[digit] as number) + 1;
    }
    let sum = 0;
    for (let k = 0; k < DIGITS; k++) {
      const c = offsets[k] as number;
      offsets[k] = sum;
      sum += c;
    }
    for (let i = 0; i < n; i++) {
      const lo = from[2 * i] as number;
      const hi = from[2 * i + 1] as number;
      const digit = ((word ? hi : lo) >>> shift) & 0xffff;
      const p = offsets[digit] as number;
      offsets[digit] = p + 1;
      to[2 * p] = lo;
      to[2 * p + 1] = hi;
    }
    const t = from;
    from = to;
    to = t;
  }
  // Four passes leave the result in `words` again.
  for (let i = 0; i < n; i++) {
    const hi = words[2 * i + 1] as number;
    if (hi & 0x80000000) words[2 * i + 1] = (hi & 0x7fffffff) >>> 0;
    else {
      words[2 * i + 1] = ~hi >>> 0;
      words[2 * i] = ~(words[2 * i] as number) >>> 0;
    }
  }
  return values;
}

function isSorted(values: Float64Array): boolean {
  for (let i = 1; i < values.length; i++) if ((values[i] as number) < (values[i - 1] as number)) return false;
  return true;
}
