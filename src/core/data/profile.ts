// Dataset profiles: one streaming pass through a reader of src/core/formats/data, one accumulator per column.
//
// Exact up to stated limits, sketches above them (each Figure says which):
// - numeric values: up to EXACT_VALUES (4,194,304) per column are held (a ValueStore: counted while they have few
//   distinct values, else in fixed blocks of doubles), so quantiles, distinct
//   count, top values and the histogram are exact; past it the array becomes a uniform reservoir sample of that
//   size: quantiles carry a rank error bound sqrt(ln(2/0.01) / (2 n)) = 0.0008 (99% confidence, DKW inequality)
//   and the distinct count comes from a HyperLogLog (relative standard error 0.0081). Count, nulls, min, max,
//   mean and standard deviation (Welford) stay exact at any size.
// - dates and timestamps: held as epoch milliseconds like numbers, up to EXACT_VALUES per column, so the distinct
//   count (of instants) and top values are exact; past it the distinct count comes from a HyperLogLog and top
//   values are the most frequent among the first EXACT_VALUES. Top values are written in the layout of the
//   column's first timestamp (ISO-8601 in UTC when it had an offset).
// - other values (text, booleans): counted in a map up to EXACT_DISTINCT (1,000,000) distinct values per
//   column; past it the distinct count switches to the HyperLogLog and top values are the most frequent among the
//   first million distinct values.
// Statistics follow pandas: sample standard deviation (ddof 1), quantiles by linear interpolation, pandas' default
// missing-value markers for text formats.
import crypto from 'node:crypto';
import { NA_VALUES } from '../formats/data/csv';
import { parseIsoDateTime } from './datetime';
import { isStreamed, readDataset, type ReadOptions } from '../formats/data/read';
import { chunks, type ColumnBatch, type DataFormat, type DataSource, sourceSize } from '../formats/data/source';
import { type ColumnProfile, type ColumnType, type DatasetProfile, type Figure, type HistogramBin } from './model';
import { HLL_RELATIVE_ERROR, HyperLogLog } from './sketch';
import { SortScratch, ValueStore } from './values';

export const EXACT_VALUES = 4_194_304;
export const EXACT_DISTINCT = 1_000_000;
export const QUANTILES = [0.05, 0.25, 0.5, 0.75, 0.95] as const;
export const HISTOGRAM_BINS = 20;
export const TOP_VALUES = 10;
/** A text column is `categorical` when it has at most this many distinct values (and fewer than its values). */
export const CATEGORICAL_MAX_DISTINCT = 100;
/** The first few bad-row line numbers kept. */
const BAD_LINES_KEPT = 20;

export interface Limits {
  exactValues: number;
  exactDistinct: number;
}

/** Exact powers of ten: a mantissa below 2^53 times or over one of them is correctly rounded (Clinger's fast path). */
const POW10 = [
  1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20,
  1e21, 1e22,
];

/** Where readNumber puts the value it read. */
export interface NumberOut {
  value: number;
}

/**
 * Reads a decimal number ([+-], digits with a point, an exponent) in one pass over the characters, without a regular
 * expression: returns 1 for an integer, 2 for another decimal number, 0 for other text, and puts the value (equal
 * to Number(s)) in `out` when it is a number. Up to 15 significant digits and a power of ten within 22 are computed
 * here exactly; longer ones go to Number().
 */
export function readNumber(s: string, out: NumberOut): 0 | 1 | 2 {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  let negative = false;
  if (c === 43 || c === 45) {
    negative = c === 45;
    i++;
  }
  let digits = 0;
  let mantissa = 0;
  while (i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57) {
    mantissa = mantissa * 10 + (c - 48);
    i++;
    digits++;
  }
  let shape: 1 | 2 = 1;
  let scale = 0;
  let exponent = 0;
  if (i < n) {
    shape = 2;
    if (c === 46) {
      i++;
      while (i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57) {
        mantissa = mantissa * 10 + (c - 48);
        scale++;
        i++;
        digits++;
      }
      if (digits === 0) return 0;
    }
    if (i < n) {
      if (digits === 0 || (c !== 101 && c !== 69)) return 0;
      i++;
      c = s.charCodeAt(i);
      let negativeExponent = false;
      if (c === 43 || c === 45) {
        negativeExponent = c === 45;
        i++;
      }
      const start = i;
      while (i < n && (c = s.charCodeAt(i)) >= 48 && c <= 57) {
        if (exponent < 100_000) exponent = exponent * 10 + (c - 48);
        i++;
      }
      if (i !== n || i === start) return 0;
      if (negativeExponent) exponent = -exponent;
    }
  }
  if (digits === 0) return 0;
  const power = exponent - scale;
  if (digits <= 15 && power >= -22 && power <= 22) {
    const magnitude = power >= 0 ? mantissa * (POW10[power] as number) : mantissa / (POW10[-power] as number);
    out.value = negative ? -magnitude : magnitude;
  } else out.value = Number(s);
  return shape;
}

/** 1 when `s` is an integer ([+-]digits), 2 when it is another decimal number, 0 otherwise. */
export function numberShape(s: string): 0 | 1 | 2 {
  return readNumber(s, { value: 0 });
}

/** The longest missing-value marker. */
const NA_LONGEST = [...NA_VALUES].reduce((longest, v) => Math.max(longest, v.length), 0);
/** The first characters of the missing-value markers: other text skips the set lookup. */
const NA_FIRST = new Uint8Array(128);
for (const v of NA_VALUES) if (v.length > 0 && v.charCodeAt(0) < 128) NA_FIRST[v.charCodeAt(0)] = 1;

/** The boolean a text cell spells (true, True, TRUE, false, False, FALSE), else undefined. */
function booleanOf(s: string): boolean | undefined {
  switch (s) {
    case 'true':
    case 'True':
    case 'TRUE':
      return true;
    case 'false':
    case 'False':
    case 'FALSE':
      return false;
    default:
      return undefined;
  }
}

/**
 * Counts of text keys in first-seen order: a map from key to slot and an array of counts, so counting a key seen
 * before is one hash lookup.
 */
class KeyCounts {
  private readonly slots = new Map<string, number>();
  private readonly counts: number[] = [];

  get size(): number {
    return this.counts.length;
  }

  /** Counts one more `key`; false (and nothing counted) when it is new and `limit` keys are counted already. */
  add(key: string, limit: number): boolean {
    const slot = this.slots.get(key);
    if (slot !== undefined) {
      this.counts[slot] = (this.counts[slot] as number) + 1;
      return true;
    }
    if (this.counts.length >= limit) return false;
    this.slots.set(key, this.counts.length);
    this.counts.push(1);
    return true;
  }

  /** Counts `count` more of `key`, whatever the limit. */
  addCount(key: string, count: number): void {
    const slot = this.slots.get(key);
    if (slot !== undefined) this.counts[slot] = (this.counts[slot] as number) + count;
    else {
      this.slots.set(key, this.counts.length);
      this.counts.push(count);
    }
  }

  keys(): IterableIterator<string> {
    return this.slots.keys();
  }

  forEach(each: (key: string, count: number) => void): void {
    for (const [key, slot] of this.slots) each(key, this.counts[slot] as number);
  }

  toMap(): Map<string, number> {
    const map = new Map<string, number>();
    this.forEach((key, count) => map.set(key, count));
    return map;
  }
}

/** Rank error bound of quantiles from a uniform sample of n values (99% confidence). */
export function reservoirRankError(n: number): number {
  return Math.sqrt(Math.log(2 / 0.01) / (2 * n));
}

/** One column's values as the drift tests need them. */
export interface ColumnData {
  name: string;
  type: ColumnType;
  /** Non-null numeric values, sorted ascending (numeric columns). */
  numeric?: Float64Array;
  /** Counts of each non-null value as text (every column). */
  counts: Map<string, number>;
  /** Non-null values. */
  count: number;
  /** Missing values (pandas reads an integer column with any as floats). */
  nulls?: number;
  exact: boolean;
}

export class ColumnAccumulator {
  count = 0;
  nulls = 0;
  private ints = 0;
  private floats = 0;
  private bools = 0;
  private dates = 0;
  private lists = 0;
  private structs = 0;
  private values = new ValueStore();
  private readonly parsed: NumberOut = { value: 0 };
  private numbersSeen = 0;
  private mean = 0;
  private m2 = 0;
  private min = Infinity;
  private max = -Infinity;
  /** Dates seen while the column had no text counts, as epoch milliseconds. */
  private dateValues = new ValueStore();
  private dateHll: HyperLogLog | undefined;
  /** The first timestamp's text: top values of dates are written in its layout. */
  private dateLayout: string | undefined;
  private dateMin: { ms: number; text: string | undefined } | undefined;
  private dateMax: { ms: number; text: string | undefined } | undefined;
  private textMin: string | undefined;
  private textMax: string | undefined;
  private textMinFirst = -1;
  private textMaxFirst = -1;
  private lenMin = Infinity;
  private lenMax = -Infinity;
  private lenSum = 0;
  private lenCount = 0;
  /** Non-numeric values (numbers too once the column is mixed). */
  private counts: KeyCounts | undefined;
  private hll: HyperLogLog | undefined;
  private rngState = 0x9e3779b9;

  constructor(
    readonly name: string,
    private readonly limits: Limits,
    private readonly scratch?: SortScratch,
  ) {}

  /** A cell of a text format: missing markers are nulls, numbers, booleans and ISO dates are recognised. */
  addText(s: string | null | undefined): void {
    if (s === null || s === undefined || s.length === 0) {
      this.nulls++;
      return;
    }
    const c = s.charCodeAt(0);
    // Numbers first: no missing-value marker reads as a number.
    if ((c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46) {
      const shape = readNumber(s, this.parsed);
      if (shape !== 0) {
        this.count++;
        if (shape === 1) this.ints++;
        else this.floats++;
        this.addNumber(this.parsed.value, s);
        return;
      }
    }
    if (s.length <= NA_LONGEST && c < 128 && NA_FIRST[c] === 1 && NA_VALUES.has(s)) {
      this.nulls++;
      return;
    }
    this.count++;
    if ((s.length === 4 || s.length === 5) && (c === 116 || c === 84 || c === 102 || c === 70)) {
      const b = booleanOf(s);
      if (b !== undefined) {
        this.bools++;
        this.addKey(b ? 'True' : 'False');
        return;
      }
    }
    if (c >= 48 && c <= 57 && s.length >= 10) {
      const ms = parseIsoDateTime(s);
      if (!Number.isNaN(ms)) {
        this.addDate(ms, s);
        return;
      }
    }
    this.addString(s);
  }

  /** A value of JSON or Parquet. */
  addValue(v: unknown): void {
    if (v === null || v === undefined || (typeof v === 'number' && Number.isNaN(v))) {
      this.nulls++;
      return;
    }
    this.count++;
    if (typeof v === 'number') {
      if (Number.isInteger(v)) this.ints++;
      else this.floats++;
      this.addNumber(v, undefined);
    } else if (typeof v === 'bigint') {
      this.ints++;
      this.addNumber(Number(v), undefined);
    } else if (typeof v === 'boolean') {
      this.bools++;
      this.addKey(v ? 'True' : 'False');
    } else if (typeof v === 'string') {
      this.addString(v);
    } else if (v instanceof Date) {
      const ms = v.getTime();
      if (Number.isNaN(ms)) {
        this.dates++;
        this.addKey(String(v));
      } else this.addDate(ms, undefined);
    } else if (v instanceof Uint8Array) {
      this.addString(Buffer.from(v).toString('base64'));
    } else if (Array.isArray(v)) {
      this.lists++;
      this.addKey(stringify(v));
    } else {
      this.structs++;
      this.addKey(stringify(v));
    }
  }

  /**
   * A batch of a column's values (a columnar reader's page): the same figures as addValue of each value and of a
   * null per missing row, without a JS value per row for numbers and instants.
   */
  addBatch(batch: ColumnBatch): void {
    this.nulls += batch.nulls;
    const { index, length } = batch;
    if (batch.kind === 'value') {
      const values = batch.values;
      if (index) for (let i = 0; i < length; i++) this.addValue(values[index[i] as number]);
      else for (let i = 0; i < length; i++) this.addValue(values[i]);
      return;
    }
    const values = batch.values;
    if (batch.kind === 'date') {
      for (let i = 0; i < length; i++) {
        const ms = values[index ? (index[i] as number) : i] as number;
        this.count++;
        // new Date(ms) of an instant out of its range is an Invalid Date, which addValue counts as text.
        if (ms >= -MAX_DATE_MS && ms <= MAX_DATE_MS) this.addDate(ms, undefined);
        else {
          this.dates++;
          this.addKey('Invalid Date');
        }
      }
      return;
    }
    const integer = batch.integer;
    for (let i = 0; i < length; i++) {
      const x = values[index ? (index[i] as number) : i] as number;
      if (x !== x) {
        this.nulls++;
        continue;
      }
      this.count++;
      if (integer || Number.isInteger(x)) this.ints++;
      else this.floats++;
      this.addNumber(x, undefined);
    }
  }

  /** A date as epoch milliseconds, with its text as written (text formats) or none (Parquet, JSON: ISO-8601). */
  private addDate(ms: number, text: string | undefined): void {
    this.dates++;
    if (!this.dateMin || ms < this.dateMin.ms) this.dateMin = { ms, text };
    if (!this.dateMax || ms > this.dateMax.ms) this.dateMax = { ms, text };
    if (this.dateLayout === undefined) this.dateLayout = text ?? ISO_LAYOUT;
    if (this.counts) {
      this.addKey(text ?? new Date(ms).toISOString());
      return;
    }
    if (this.dateValues.length < this.limits.exactValues) {
      this.dateValues.push(ms);
      return;
    }
    if (!this.dateHll) {
      const hll = (this.dateHll = new HyperLogLog());
      this.dateValues.forEachRun((v) => hll.add(String(v)));
    }
    this.dateHll.add(String(ms));
  }

  /** A held date as text, in the layout of the column's first timestamp. */
  private dateText(ms: number): string {
    const iso = new Date(ms).toISOString();
    const layout = this.dateLayout ?? iso;
    const n = layout.length;
    if (n === 10) return iso.slice(0, 10);
    const last = layout.charCodeAt(n - 1);
    const offset =
      last === 90 ||
      (n > 19 &&
        (layout.charCodeAt(n - 6) === 43 ||
          layout.charCodeAt(n - 6) === 45 ||
          layout.charCodeAt(n - 5) === 43 ||
          layout.charCodeAt(n - 5) === 45));
    if (offset || n > 23) return iso;
    const text = iso.slice(0, n);
    return layout.charCodeAt(10) === 32 ? text.slice(0, 10) + ' ' + text.slice(11) : text;
  }

  /** Counts of every non-null value as text, made on first need from the numbers and dates held so far. */
  private ensureCounts(): KeyCounts {
    let counts = this.counts;
    if (counts) return counts;
    counts = this.counts = new KeyCounts();
    this.values.forEachRun((value, count) => counts.addCount(String(value), count));
    this.dateValues.forEachRun((value, count) => counts.addCount(this.dateText(value), count));
    if (this.dateHll) this.hll = this.dateHll;
    this.dateValues = new ValueStore();
    return counts;
  }

  /** Sorted held dates, their distinct instants and top values. */
  private dateStats(): { distinct: number; top: { value: string; count: number }[] } {
    const sorted = this.dateValues.sorted(this.scratch);
    let distinct = 0;
    const top: { value: number; count: number }[] = [];
    runs(sorted, (value, count) => {
      distinct++;
      pushTop(top, { value, count });
    });
    return { distinct, top: top.map((t) => ({ value: this.dateText(t.value), count: t.count })) };
  }

  private addString(s: string): void {
    const length = s.length;
    if (length < this.lenMin) this.lenMin = length;
    if (length > this.lenMax) this.lenMax = length;
    this.lenSum += length;
    this.lenCount++;
    // Text is compared only when its first code unit does not already decide it (-1 for the empty text).
    const first = length === 0 ? -1 : s.charCodeAt(0);
    if (this.textMin === undefined || (first <= this.textMinFirst && s < this.textMin)) {
      this.textMin = s;
      this.textMinFirst = first;
    }
    if (this.textMax === undefined || (first >= this.textMaxFirst && s > this.textMax)) {
      this.textMax = s;
      this.textMaxFirst = first;
    }
    this.addKey(s);
  }

  private addKey(key: string): void {
    // The column is no longer purely numeric or dates: count the numbers and dates seen so far as text too.
    const counts = this.ensureCounts();
    if (!counts.add(key, this.limits.exactDistinct) && !this.hll) {
      this.hll = new HyperLogLog();
      for (const k of counts.keys()) this.hll.add(k);
    }
    this.hll?.add(key);
  }

  private addNumber(x: number, text: string | undefined): void {
    this.numbersSeen++;
    // Welford's online mean and variance.
    const delta = x - this.mean;
    this.mean += delta / this.numbersSeen;
    this.m2 += delta * (x - this.mean);
    if (x < this.min) this.min = x;
    if (x > this.max) this.max = x;
    if (this.counts) this.addKey(text ?? String(x));
    const values = this.values;
    if (values.length < this.limits.exactValues) {
      values.push(x);
      return;
    }
    // Reservoir sampling (algorithm R) past the limit, with a HyperLogLog for the distinct count.
    if (!this.hll) {
      const hll = (this.hll = new HyperLogLog());
      values.forEachRun((v) => hll.add(String(v)));
    }
    if (!this.counts) this.hll.add(String(x));
    const j = Math.floor(this.random() * this.numbersSeen);
    if (j < values.length) values.set(j, x);
  }

  private random(): number {
    // xorshift32: deterministic, so a profile of the same bytes is the same profile.
    let s = this.rngState;
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    this.rngState = s >>> 0;
    return this.rngState / 4294967296;
  }

  get type(): ColumnType {
    const n = this.count;
    if (n === 0) return 'string';
    if (this.ints + this.floats === n) return this.floats === 0 ? 'integer' : 'number';
    if (this.bools === n) return 'boolean';
    if (this.dates === n) return 'datetime';
    if (this.lists === n) return 'list';
    if (this.structs === n) return 'struct';
    const distinct = this.ensureCounts().size;
    if (!this.hll && distinct <= CATEGORICAL_MAX_DISTINCT && distinct < n) return 'categorical';
    return 'string';
  }

  private get numericExact(): boolean {
    return this.numbersSeen <= this.limits.exactValues;
  }

  /** The sorted numeric values held (all of them while exact). */
  sortedValues(): Float64Array {
    return this.values.sorted(this.scratch);
  }

  data(): ColumnData {
    const type = this.type;
    const numeric = type === 'integer' || type === 'number';
    if (numeric) {
      const sorted = this.sortedValues();
      const counts = new Map<string, number>();
      runs(sorted, (value, count) => counts.set(String(value), count));
      return {
        name: this.name,
        type,
        numeric: sorted,
        counts,
        count: this.count,
        nulls: this.nulls,
        exact: this.numericExact,
      };
    }
    if (type === 'datetime' && !this.counts) {
      const counts = new Map<string, number>();
      const sorted = this.dateValues.sorted(this.scratch);
      runs(sorted, (value, count) => {
        const k = this.dateText(value);
        counts.set(k, (counts.get(k) ?? 0) + count);
      });
      return { name: this.name, type, counts, count: this.count, exact: !this.dateHll };
    }
    return {
      name: this.name,
      type,
      counts: this.count > 0 ? this.ensureCounts().toMap() : new Map<string, number>(),
      count: this.count,
      exact: !this.hll,
    };
  }

  profile(): ColumnProfile {
    const type = this.type;
    const out: ColumnProfile = {
      name: this.name,
      type,
      count: this.count,
      nulls: this.nulls,
      distinct: { value: 0, exact: true },
    };
    if (type === 'integer' || type === 'number') {
      const sorted = this.sortedValues();
      const exact = this.numericExact;
      const top: { value: number; count: number }[] = [];
      let distinct = 0;
      runs(sorted, (value, count) => {
        distinct++;
        pushTop(top, { value, count });
      });
      out.distinct = exact
        ? { value: distinct, exact: true }
        : {
            value: this.hll?.estimate() ?? distinct,
            exact: false,
            error: { bound: HLL_RELATIVE_ERROR, kind: 'relative' },
          };
      out.min = this.min;
      out.max = this.max;
      out.mean = this.mean;
      if (this.numbersSeen > 1) out.std = Math.sqrt(this.m2 / (this.numbersSeen - 1));
      const quantiles: Record<string, Figure> = {};
      for (const q of QUANTILES) {
        const value = quantile(sorted, q);
        quantiles[String(q)] = exact
          ? { value, exact: true }
          : { value, exact: false, error: { bound: reservoirRankError(sorted.length), kind: 'rank' } };
      }
      out.quantiles = quantiles;
      out.histogram = histogram(
        sorted,
        this.min,
        this.max,
        HISTOGRAM_BINS,
        exact ? 1 : this.numbersSeen / sorted.length,
      );
      out.topValues = top.map((t) => ({ value: String(t.value), count: t.count }));
      return out;
    }
    if (type === 'datetime' && !this.counts) {
      const { distinct, top } = this.dateStats();
      out.distinct = this.dateHll
        ? { value: this.dateHll.estimate(), exact: false, error: { bound: HLL_RELATIVE_ERROR, kind: 'relative' } }
        : { value: distinct, exact: true };
      out.topValues = top;
      if (this.dateMin && this.dateMax) {
        out.min = dateAsWritten(this.dateMin);
        out.max = dateAsWritten(this.dateMax);
      }
      return out;
    }
    const counts = this.count > 0 ? this.ensureCounts() : new KeyCounts();
    out.distinct = this.hll
      ? { value: this.hll.estimate(), exact: false, error: { bound: HLL_RELATIVE_ERROR, kind: 'relative' } }
      : { value: counts.size, exact: true };
    const top: { value: string; count: number }[] = [];
    counts.forEach((value, count) => pushTop(top, { value, count }));
    out.topValues = top;
    if (type === 'datetime' && this.dateMin && this.dateMax) {
      out.min = dateAsWritten(this.dateMin);
      out.max = dateAsWritten(this.dateMax);
    } else if (
      this.textMin !== undefined &&
      this.textMax !== undefined &&
      (type === 'string' || type === 'categorical')
    ) {
      out.min = this.textMin;
      out.max = this.textMax;
    }
    if (this.lenCount > 0) out.length = { min: this.lenMin, max: this.lenMax, mean: this.lenSum / this.lenCount };
    return out;
  }

  /** Lets go of the values held (after profile(), when no drift values are wanted). */
  release(): void {
    this.values = new ValueStore();
    this.dateValues = new ValueStore();
  }

  get exact(): boolean {
    return !this.hll && !this.dateHll && this.numericExact;
  }
}

/** The largest instant a Date holds, in milliseconds either side of the epoch. */
const MAX_DATE_MS = 8.64e15;

/** The layout of dates read as values (Parquet timestamps): ISO-8601 in UTC with milliseconds. */
const ISO_LAYOUT = '1970-01-01T00:00:00.000Z';

function dateAsWritten(date: { ms: number; text: string | undefined }): string {
  return date.text ?? new Date(date.ms).toISOString();
}

function stringify(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? Number(x) : x)) ?? String(v);
}

/** Calls back once per distinct value of a sorted array with its count. */
function runs(sorted: Float64Array, each: (value: number, count: number) => void): void {
  let i = 0;
  while (i < sorted.length) {
    const v = sorted[i] as number;
    let j = i + 1;
    while (j < sorted.length && sorted[j] === v) j++;
    each(v, j - i);
    i = j;
  }
}

/** Keeps the TOP_VALUES most frequent, most frequent first, ties in first-seen order. */
function pushTop<T extends { count: number }>(top: T[], item: T): void {
  if (top.length === TOP_VALUES && (top[TOP_VALUES - 1] as T).count >= item.count) return;
  let at = top.length;
  while (at > 0 && (top[at - 1] as T).count < item.count) at--;
  top.splice(at, 0, item);
  if (top.length > TOP_VALUES) top.pop();
}

/** pandas' default quantile: linear interpolation between the two nearest ranks. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const h = (n - 1) * q;
  const lo = Math.floor(h);
  const a = sorted[lo] as number;
  if (lo + 1 >= n) return a;
  const b = sorted[lo + 1] as number;
  return a + (h - lo) * (b - a);
}

/** Equal-width bins over [min, max] (the last bin includes max), as numpy.histogram; scale for samples. */
export function histogram(
  sorted: ArrayLike<number>,
  min: number,
  max: number,
  bins: number,
  scale = 1,
): HistogramBin[] {
  if (sorted.length === 0) return [];
  let lo = min;
  let hi = max;
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  // A value's bin, floor((x - lo) / width) clamped, never decreases as x grows (each step rounds monotonically):
  // over sorted values each bin is one run, found by a binary search for where the next bin starts.
  const binOf = (x: number): number => {
    const b = Math.floor((x - lo) / width);
    return b >= bins ? bins - 1 : b < 0 ? 0 : b;
  };
  const n = sorted.length;
  let start = 0;
  while (start < n) {
    const b = binOf(sorted[start] as number);
    let low = start + 1;
    let high = n;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (binOf(sorted[mid] as number) === b) low = mid + 1;
      else high = mid;
    }
    counts[b] = (counts[b] ?? 0) + (low - start);
    start = low;
  }
  return counts.map((count, b) => ({
    lower: lo + b * width,
    upper: b === bins - 1 ? hi : lo + (b + 1) * width,
    count: Math.round(count * scale),
  }));
}

export interface ProfileInput {
  source: DataSource;
  format: DataFormat;
  /** The dataset path relative to the workspace folder (posix). */
  path: string;
  /** `workspace` for the working tree. */
  revision?: string;
  /** The content hash when the caller knows it (a DVC md5); else sha256 of the bytes. */
  hash?: string;
  limits?: Partial<Limits>;
  read?: ReadOptions;
  /** Only the profile is wanted: no column values are kept for drift (`columns` is then empty). */
  profileOnly?: boolean;
}

export interface CollectedDataset {
  profile: DatasetProfile;
  /** Per column, the values the drift tests need. */
  columns: ColumnData[];
}

/** sha256 of a source's bytes, hex. */
export function hashSource(source: DataSource): string {
  const hash = crypto.createHash('sha256');
  for (const chunk of chunks(source)) hash.update(chunk);
  return hash.digest('hex');
}

/** Reads a dataset once and returns its profile and, per column, the values drift tests need. */
export async function collectDataset(input: ProfileInput): Promise<CollectedDataset> {
  const limits: Limits = { exactValues: EXACT_VALUES, exactDistinct: EXACT_DISTINCT, ...input.limits };
  const accumulators: ColumnAccumulator[] = [];
  const scratch = new SortScratch();
  let rows = 0;
  const bad: number[] = [];
  let badCount = 0;
  const text = input.format === 'csv' || input.format === 'tsv';
  // A streamed format is hashed in the same pass as it is read.
  const hashing = input.hash === undefined && isStreamed(input.format) ? crypto.createHash('sha256') : undefined;
  const onChunk = input.read?.onChunk;
  const read: ReadOptions = hashing
    ? {
        ...input.read,
        onChunk: (bytes) => {
          hashing.update(bytes);
          onChunk?.(bytes);
        },
      }
    : { ...input.read };
  const dialect = await readDataset(
    input.source,
    input.format,
    {
      columns(names) {
        const seen = new Set<string>();
        for (let i = accumulators.length; i < names.length; i++) {
          let name = names[i] ?? String(i);
          // Duplicate header names get pandas' suffixes (a, a.1, a.2).
          if (seen.has(name) || accumulators.some((a) => a.name === name)) {
            let k = 1;
            while (seen.has(`${name}.${k}`) || accumulators.some((a) => a.name === `${name}.${k}`)) k++;
            name = `${name}.${k}`;
          }
          seen.add(name);
          const acc = new ColumnAccumulator(name, limits, scratch);
          // A column first seen late (JSON Lines) was null in every earlier row.
          acc.nulls = rows;
          accumulators.push(acc);
        }
      },
      row(cells) {
        rows++;
        const n = accumulators.length;
        if (text)
          for (let i = 0; i < n; i++) (accumulators[i] as ColumnAccumulator).addText(cells[i] as string | undefined);
        else for (let i = 0; i < n; i++) (accumulators[i] as ColumnAccumulator).addValue(cells[i]);
      },
      bad(line) {
        badCount++;
        if (bad.length < BAD_LINES_KEPT) bad.push(line);
      },
      // A columnar format hands over each column's values page by page: no row is ever made.
      columnar: {
        values(column, batch) {
          (accumulators[column] as ColumnAccumulator).addBatch(batch);
        },
        rowsRead(count) {
          rows += count;
        },
      },
    },
    read,
  );
  const columns = accumulators.map((a) => {
    const column = a.profile();
    // A profile alone lets each column's values go as soon as its figures are made.
    if (input.profileOnly) a.release();
    return column;
  });
  const profile: DatasetProfile = {
    path: input.path,
    revision: input.revision ?? 'workspace',
    format: input.format,
    hash: input.hash ?? hashing?.digest('hex') ?? hashSource(input.source),
    bytes: sourceSize(input.source),
    rows,
    columns,
    badRows: { count: badCount, lines: bad },
    exact: accumulators.every((a) => a.exact),
  };
  if (dialect) profile.dialect = { ...dialect };
  // The drift values are made on first use: a profile alone never builds them.
  let data: ColumnData[] | undefined;
  return {
    profile,
    get columns(): ColumnData[] {
      if (input.profileOnly) return [];
      return (data ??= accumulators.map((a) => a.data()));
    },
  };
}

export async function profileDataset(input: ProfileInput): Promise<DatasetProfile> {
  return (await collectDataset({ ...input, profileOnly: true })).profile;
}
