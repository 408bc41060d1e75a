// The one aggregator of telemetry events: whatever a source reads (a prediction log, OTLP spans) goes through it, so
// the panel, the `service-slo` check and `mlops telemetry summary` see the same figures.
//
// Per group (model@version by default, or model, or caller): requests, errors, error rate, requests per minute,
// latency p50/p95/p99/mean/max, memory mean/max, unique callers, top callers and a time series of buckets with the
// same figures. Percentiles are exact, computed like numpy's default (`linear`: the value at rank (n - 1) * q,
// interpolated between the two nearest order statistics), for up to EXACT_LATENCY_LIMIT latencies in all. Beyond it
// each group keeps a uniform sample (reservoir, seeded, so a run repeats) of its latencies and the summary says
// `exact: false` with the rank error of that sample.
//
// Memory: 12 bytes per latency kept (a double and the bucket it fell in), one counter record per group and bucket,
// one entry per distinct caller of a group (callers that are '' are not counted; up to MAX_TRACKED_CALLERS; later new callers are counted as `(other)`).
import type {
  CallerFigures,
  LatencyFigures,
  TelemetryEvent,
  TelemetryGroup,
  TelemetryPoint,
  TelemetryQuery,
  TelemetrySummary,
} from './types';

/** Latencies kept for exact percentiles, over all groups (96 MB of doubles and 48 MB of bucket indices). */
export const EXACT_LATENCY_LIMIT = 12_000_000;
/** Distinct callers counted per group; callers first seen after that are counted together as OTHER_CALLERS. */
export const MAX_TRACKED_CALLERS = 100_000;
export const OTHER_CALLERS = '(other)';
/** Roughly how many points a series has when the query does not say how wide a bucket is. */
export const TARGET_POINTS = 200;
const MINUTE = 60_000;
/** Bucket widths chosen from when the query gives none (1 minute and up). */
const NICE_WIDTHS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080].map((m) => m * MINUTE);

export type TelemetryAggregate = Omit<TelemetrySummary, 'sources' | 'problems'>;

export interface TelemetryAggregator {
  add(event: TelemetryEvent): void;
  finish(): TelemetryAggregate;
  /**
   * The newest time of every event added, those outside the query's range or models included (-Infinity when none):
   * whether a window guessed to end at some time really ends at the newest event.
   */
  newestSeen(): number;
  /**
   * What was added so far as plain data (typed arrays for the latencies, transferable to another thread), for
   * `merge` into an aggregator of the same query: parts of one file read in parallel give the figures of one read.
   */
  part(): AggregatePart;
  /**
   * Adds parts' counts and latencies, all or none: false (and nothing added) when their latencies cannot join
   * exactly (a part sampled, or more latencies than the exact limit); the caller then reads the events one by one.
   */
  merge(parts: readonly AggregatePart[]): boolean;
}

/** One group of an AggregatePart. */
export interface GroupPart {
  key: string;
  model: string;
  version: string;
  total: Counters;
  /** [unit, counters] per bucket unit. */
  buckets: [number, Counters][];
  callers: [string, { requests: number; errors: number }][];
  /** The latencies kept and the unit of each (the first `kept` entries). */
  latencies: Float64Array;
  units: Uint32Array;
  kept: number;
  seen: number;
  firstTime: number;
  lastTime: number;
}

/** The state of an aggregator as plain data (see TelemetryAggregator.part). */
export interface AggregatePart {
  groups: GroupPart[];
  firstTime: number;
  lastTime: number;
  /** Latencies were sampled: the part's percentiles are not exact. */
  sampled: boolean;
  /** The newest time of every event added (TelemetryAggregator.newestSeen). */
  newestSeen: number;
}

/** numpy's default percentile (`linear`) of ascending `sorted` values; q in 0..100. */
export function percentileOfSorted(sorted: ArrayLike<number>, q: number): number | undefined {
  const n = sorted.length;
  if (n === 0) return undefined;
  const position = ((n - 1) * q) / 100;
  const low = Math.floor(position);
  const high = Math.min(n - 1, low + 1);
  const a = sorted[low]!;
  const b = sorted[high]!;
  const fraction = position - low;
  return fraction === 0 ? a : a + (b - a) * fraction;
}

/** Runs this short are sorted (insertion sort) rather than partitioned. */
const SELECT_SORTS_BELOW = 32;

/** Insertion sort of a[lo..hi]. */
function insertionSort(a: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i <= hi; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= lo && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}

/**
 * Rearranges a[lo..hi] (no NaN) so that a[k] holds the value a sort would put there, every value before it is no
 * larger and every value after it no smaller (quickselect, median of three; after 2·log2(n) rounds without closing in,
 * the rest is sorted, so a hostile order cannot make it quadratic).
 */
export function selectInPlace(a: Float64Array, k: number, lo = 0, hi = a.length - 1): void {
  let rounds = 2 * Math.ceil(Math.log2(hi - lo + 2));
  while (hi - lo >= SELECT_SORTS_BELOW) {
    if (rounds-- === 0) {
      a.subarray(lo, hi + 1).sort();
      return;
    }
    const mid = (lo + hi) >>> 1;
    // Median of three to a[mid], then Hoare partition around it.
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    // a[lo..j] <= pivot <= a[i..hi], and a[j+1..i-1] (if any) equal the pivot.
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
  insertionSort(a, lo, hi);
}

function swap(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/**
 * numpy's default percentiles (`linear`) of `values` (no NaN), like percentileOfSorted of the sorted values but
 * without sorting them: the order statistics each needs are selected in place (the array is reordered), in
 * ascending order, each search confined to the values above the one before.
 */
export function percentilesInPlace(values: Float64Array, qs: readonly number[]): (number | undefined)[] {
  const n = values.length;
  if (n === 0) return qs.map(() => undefined);
  if (n < SELECT_SORTS_BELOW * 4) {
    values.sort();
    return qs.map((q) => percentileOfSorted(values, q));
  }
  const ranks = new Set<number>();
  for (const q of qs) {
    const position = ((n - 1) * q) / 100;
    const low = Math.floor(position);
    ranks.add(low);
    if (position > low) ranks.add(Math.min(n - 1, low + 1));
  }
  const value = new Map<number, number>();
  let from = 0;
  for (const rank of [...ranks].sort((a, b) => a - b)) {
    selectInPlace(values, rank, from, n - 1);
    value.set(rank, values[rank]!);
    from = rank + 1;
  }
  return qs.map((q) => {
    const position = ((n - 1) * q) / 100;
    const low = Math.floor(position);
    const a = value.get(low)!;
    const fraction = position - low;
    return fraction === 0 ? a : a + (value.get(Math.min(n - 1, low + 1))! - a) * fraction;
  });
}

export interface Counters {
  requests: number;
  errors: number;
  latencySum: number;
  latencyCount: number;
  latencyMax: number;
  memorySum: number;
  memoryCount: number;
  memoryMax: number;
}

const counters = (): Counters => ({
  requests: 0,
  errors: 0,
  latencySum: 0,
  latencyCount: 0,
  latencyMax: -Infinity,
  memorySum: 0,
  memoryCount: 0,
  memoryMax: -Infinity,
});

function count(c: Counters, event: TelemetryEvent): void {
  c.requests++;
  if (event.error) c.errors++;
  const latency = event.latencyMs;
  if (latency !== undefined && Number.isFinite(latency)) {
    c.latencySum += latency;
    c.latencyCount++;
    if (latency > c.latencyMax) c.latencyMax = latency;
  }
  const memory = event.memoryMb;
  if (memory !== undefined && Number.isFinite(memory)) {
    c.memorySum += memory;
    c.memoryCount++;
    if (memory > c.memoryMax) c.memoryMax = memory;
  }
}

/** A small seeded generator (mulberry32) for the reservoir: the same log gives the same figures. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Group {
  readonly total = counters();
  /** Bucket index (time / unit) -> counters. */
  readonly buckets = new Map<number, Counters>();
  readonly callers = new Map<string, { requests: number; errors: number }>();
  latencies = new Float64Array(1024);
  units = new Uint32Array(1024);
  /** Latencies kept (<= latencies seen when sampling). */
  kept = 0;
  /** Latencies seen. */
  seen = 0;
  firstTime = Infinity;
  lastTime = -Infinity;

  constructor(
    readonly key: string,
    readonly model: string,
    readonly version: string,
  ) {}

  /** Room for `n` more latencies, grown to the exact size (one copy for the parts merged together). */
  reserve(n: number): void {
    if (this.kept + n <= this.latencies.length) return;
    const grown = new Float64Array(this.kept + n);
    grown.set(this.latencies.subarray(0, this.kept));
    this.latencies = grown;
    const grownUnits = new Uint32Array(this.kept + n);
    grownUnits.set(this.units.subarray(0, this.kept));
    this.units = grownUnits;
  }

  /** Appends latencies and their units. */
  append(latencies: Float64Array, units: Uint32Array, n: number): void {
    this.reserve(n);
    this.latencies.set(latencies.subarray(0, n), this.kept);
    this.units.set(units.subarray(0, n), this.kept);
    this.kept += n;
  }

  keep(latency: number, unit: number): void {
    if (this.kept === this.latencies.length) {
      const grown = new Float64Array(this.latencies.length * 2);
      grown.set(this.latencies);
      this.latencies = grown;
      const units = new Uint32Array(this.units.length * 2);
      units.set(this.units);
      this.units = units;
    }
    this.latencies[this.kept] = latency;
    this.units[this.kept] = unit;
    this.kept++;
  }
}

/** A bucket width of at least a minute giving about TARGET_POINTS points over `rangeMs`. */
export function chooseBucketMs(rangeMs: number): number {
  for (const width of NICE_WIDTHS) if (rangeMs / width <= TARGET_POINTS) return width;
  return Math.ceil(rangeMs / TARGET_POINTS / MINUTE) * MINUTE;
}

const QUANTILES = [50, 95, 99];

/** The latency figures of a run of latencies (reordered in place) and its counters. */
function latencyFigures(latencies: Float64Array, c: Counters): LatencyFigures {
  const figures: LatencyFigures = {};
  if (latencies.length > 0) {
    const [p50, p95, p99] = percentilesInPlace(latencies, QUANTILES);
    figures.p50 = p50;
    figures.p95 = p95;
    figures.p99 = p99;
  }
  if (c.latencyCount > 0) {
    figures.mean = c.latencySum / c.latencyCount;
    figures.max = c.latencyMax;
  }
  return figures;
}

/**
 * Aggregates events into the figures of a summary. Events outside `query.from`..`query.to` (inclusive) and of models
 * not in `query.models` are skipped. Events may come in any order.
 */
export function createAggregator(
  query: TelemetryQuery,
  options: { exactLatencyLimit?: number } = {},
): TelemetryAggregator {
  const exactLimit = Math.max(1, options.exactLatencyLimit ?? EXACT_LATENCY_LIMIT);
  const by = query.by ?? 'version';
  const models = query.models ? new Set(query.models) : undefined;
  const topCount = Math.max(0, query.topCallers ?? 10);
  // Events are counted in units of the query's bucket width, or of a minute when the width is chosen at the end
  // (then units are merged into wider buckets). Indices are time / unit, which fits 32 bits for units >= 1 s.
  const unitMs = query.bucketMs !== undefined ? Math.max(1000, Math.round(query.bucketMs)) : MINUTE;
  const groups = new Map<string, Group>();
  const random = seeded(0x5eed);
  let latenciesKept = 0;
  let sampling = false;
  let firstTime = Infinity;
  let lastTime = -Infinity;

  // The last group and bucket looked up: consecutive events of a log mostly share them.
  let lastGroup: Group | undefined;
  let lastModel = '';
  let lastVersion = '';
  let lastCaller = '';
  const groupOf = (event: TelemetryEvent): Group => {
    if (
      lastGroup &&
      (by === 'caller'
        ? event.caller === lastCaller
        : event.model === lastModel && (by === 'model' || event.version === lastVersion))
    )
      return lastGroup;
    lastModel = event.model;
    lastVersion = event.version;
    lastCaller = event.caller;
    lastGroup = groupOfKey(event);
    return lastGroup;
  };
  const groupNamedOrNew = (key: string, model: string, version: string): Group => {
    let group = groups.get(key);
    if (!group) {
      group = new Group(key, model, version);
      groups.set(key, group);
    }
    return group;
  };
  // model -> version -> group (by version): a lookup without making the key string.
  const byVersion = new Map<string, Map<string, Group>>();
  const groupOfKey = (event: TelemetryEvent): Group => {
    if (by === 'version') {
      let versions = byVersion.get(event.model);
      if (!versions) {
        versions = new Map();
        byVersion.set(event.model, versions);
      }
      let group = versions.get(event.version);
      if (!group) {
        group = groupNamedOrNew(`${event.model}@${event.version}`, event.model, event.version);
        versions.set(event.version, group);
      }
      return group;
    }
    const key = by === 'caller' ? event.caller : event.model;
    return groupNamedOrNew(key, by === 'caller' ? '' : event.model, '');
  };

  let newestSeen = -Infinity;

  const add = (event: TelemetryEvent): void => {
    const time = event.time;
    if (!Number.isFinite(time)) return;
    if (time > newestSeen) newestSeen = time;
    if (query.from !== undefined && time < query.from) return;
    if (query.to !== undefined && time > query.to) return;
    if (models && !models.has(event.model)) return;
    if (time < firstTime) firstTime = time;
    if (time > lastTime) lastTime = time;
    const group = groupOf(event);
    if (time < group.firstTime) group.firstTime = time;
    if (time > group.lastTime) group.lastTime = time;
    count(group.total, event);
    const unit = Math.floor(time / unitMs);
    let bucket = group.buckets.get(unit);
    if (!bucket) {
      bucket = counters();
      group.buckets.set(unit, bucket);
    }
    count(bucket, event);

    let caller = event.caller === '' ? undefined : group.callers.get(event.caller);
    if (!caller && event.caller !== '') {
      if (group.callers.size >= MAX_TRACKED_CALLERS) {
        caller = group.callers.get(OTHER_CALLERS);
        if (!caller) {
          caller = { requests: 0, errors: 0 };
          group.callers.set(OTHER_CALLERS, caller);
        }
      } else {
        caller = { requests: 0, errors: 0 };
        group.callers.set(event.caller, caller);
      }
    }
    if (caller) {
      caller.requests++;
      if (event.error) caller.errors++;
    }

    const latency = event.latencyMs;
    if (latency === undefined || !Number.isFinite(latency)) return;
    group.seen++;
    if (!sampling && latenciesKept < exactLimit) {
      group.keep(latency, unit);
      latenciesKept++;
      if (latenciesKept === exactLimit) sampling = true;
      return;
    }
    // Reservoir sampling (algorithm R) per group, within the room the group has when sampling starts.
    sampling = true;
    if (group.kept === 0) {
      group.keep(latency, unit);
      return;
    }
    const slot = Math.floor(random() * group.seen);
    if (slot < group.kept) {
      group.latencies[slot] = latency;
      group.units[slot] = unit;
    }
  };

  const finish = (): TelemetryAggregate => {
    const from = query.from ?? (Number.isFinite(firstTime) ? firstTime : Date.now());
    const to = query.to ?? (Number.isFinite(lastTime) ? lastTime : from);
    const bucketMs = query.bucketMs !== undefined ? unitMs : chooseBucketMs(Math.max(0, to - from));
    const unitsPerBucket = Math.max(1, Math.round(bucketMs / unitMs));
    const rangeMinutes = Math.max(1, (to - from) / MINUTE);
    let smallestSample = Infinity;
    const result: TelemetryGroup[] = [];
    for (const group of [...groups.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
      if (group.seen > group.kept) smallestSample = Math.min(smallestSample, group.kept);
      result.push(groupFigures(group, unitMs, unitsPerBucket, rangeMinutes, topCount));
    }
    const percentiles: TelemetryAggregate['percentiles'] = Number.isFinite(smallestSample)
      ? { exact: false, rankError: sampleRankError(smallestSample) }
      : { exact: true };
    return { from, to, bucketMs, groups: result, percentiles };
  };

  const part = (): AggregatePart => ({
    groups: [...groups.values()].map((g) => ({
      key: g.key,
      model: g.model,
      version: g.version,
      total: g.total,
      buckets: [...g.buckets],
      callers: [...g.callers],
      latencies: g.latencies,
      units: g.units,
      kept: g.kept,
      seen: g.seen,
      firstTime: g.firstTime,
      lastTime: g.lastTime,
    })),
    firstTime,
    lastTime,
    sampled: sampling,
    newestSeen,
  });

  const merge = (parts: readonly AggregatePart[]): boolean => {
    if (sampling || parts.some((p) => p.sampled)) return false;
    const kept = parts.reduce((n, p) => n + p.groups.reduce((m, g) => m + g.kept, 0), 0);
    if (latenciesKept + kept > exactLimit) return false;
    latenciesKept += kept;
    const room = new Map<string, number>();
    for (const p of parts) for (const g of p.groups) room.set(g.key, (room.get(g.key) ?? 0) + g.kept);
    for (const [key, n] of room) groupNamed(key, parts).reserve(n);
    for (const p of parts) mergePart(p);
    return true;
  };

  const groupNamed = (key: string, parts: readonly AggregatePart[]): Group => {
    const known = groups.get(key);
    if (known) return known;
    const from = parts.flatMap((p) => p.groups).find((g) => g.key === key)!;
    return groupNamedOrNew(key, from.model, from.version);
  };

  const mergePart = (p: AggregatePart): void => {
    if (p.newestSeen > newestSeen) newestSeen = p.newestSeen;
    if (p.firstTime < firstTime) firstTime = p.firstTime;
    if (p.lastTime > lastTime) lastTime = p.lastTime;
    for (const from of p.groups) {
      const group = groupNamed(from.key, [p]);
      lastGroup = undefined;
      if (from.firstTime < group.firstTime) group.firstTime = from.firstTime;
      if (from.lastTime > group.lastTime) group.lastTime = from.lastTime;
      addCounters(group.total, from.total);
      for (const [unit, c] of from.buckets) {
        const bucket = group.buckets.get(unit);
        if (bucket) addCounters(bucket, c);
        else group.buckets.set(unit, { ...c });
      }
      for (const [name, c] of from.callers) {
        let caller = group.callers.get(name);
        if (!caller) {
          const key = group.callers.size >= MAX_TRACKED_CALLERS ? OTHER_CALLERS : name;
          caller = group.callers.get(key);
          if (!caller) {
            caller = { requests: 0, errors: 0 };
            group.callers.set(key, caller);
          }
        }
        caller.requests += c.requests;
        caller.errors += c.errors;
      }
      group.seen += from.seen;
      group.append(from.latencies, from.units, from.kept);
    }
  };

  return { add, finish, part, merge, newestSeen: () => newestSeen };
}

function addCounters(into: Counters, c: Counters): void {
  into.requests += c.requests;
  into.errors += c.errors;
  into.latencySum += c.latencySum;
  into.latencyCount += c.latencyCount;
  into.latencyMax = Math.max(into.latencyMax, c.latencyMax);
  into.memorySum += c.memorySum;
  into.memoryCount += c.memoryCount;
  into.memoryMax = Math.max(into.memoryMax, c.memoryMax);
}

/**
 * The percentiles of figures from two parts together: exact when both are; otherwise not, with the larger rank error
 * when every inexact part states one (an interpolated histogram states none, so the whole states none), or the larger
 * relative error when every inexact part states one (exponential histogram buckets).
 */
export function combinePercentiles(
  a: TelemetryAggregate['percentiles'],
  b: TelemetryAggregate['percentiles'] | undefined,
): TelemetryAggregate['percentiles'] {
  if (!b || b.exact) return a;
  if (a.exact) {
    if (b.rankError !== undefined) return { exact: false, rankError: b.rankError };
    return b.relativeError !== undefined ? { exact: false, relativeError: b.relativeError } : { exact: false };
  }
  if (a.rankError !== undefined && b.rankError !== undefined)
    return { exact: false, rankError: Math.max(a.rankError, b.rankError) };
  if (a.relativeError !== undefined && b.relativeError !== undefined)
    return { exact: false, relativeError: Math.max(a.relativeError, b.relativeError) };
  return { exact: false };
}

/**
 * The rank error of a percentile read from a uniform sample of `n` values: three standard deviations of the sampled
 * rank at the median (the worst case), sqrt(0.25 / n) * 3, as a fraction of the whole.
 */
export function sampleRankError(n: number): number {
  return n > 0 ? 3 * Math.sqrt(0.25 / n) : 1;
}

function groupFigures(
  group: Group,
  unitMs: number,
  unitsPerBucket: number,
  rangeMinutes: number,
  topCount: number,
): TelemetryGroup {
  const c = group.total;
  const n = group.kept;
  const latencies = group.latencies.subarray(0, n);
  const units = group.units.subarray(0, n);
  const bucketOf = (unit: number): number => Math.floor(unit / unitsPerBucket);

  // Merge the unit counters into buckets.
  const merged = new Map<number, Counters>();
  for (const [unit, u] of group.buckets) {
    const b = bucketOf(unit);
    let into = merged.get(b);
    if (!into) {
      into = counters();
      merged.set(b, into);
    }
    addCounters(into, u);
  }
  const order = [...merged.keys()].sort((a, b) => a - b);
  // The slot of each latency's bucket in `order`: a table by unit when the units span a few million, else a map.
  let firstUnit = Infinity;
  let lastUnit = -Infinity;
  for (const unit of group.buckets.keys()) {
    if (unit < firstUnit) firstUnit = unit;
    if (unit > lastUnit) lastUnit = unit;
  }
  const span = order.length ? lastUnit - firstUnit + 1 : 0;
  let slotOfUnit: (unit: number) => number;
  if (span > 0 && span <= 4_000_000) {
    const table = new Int32Array(span);
    const slotOfBucket = new Map<number, number>();
    order.forEach((b, i) => slotOfBucket.set(b, i));
    for (const unit of group.buckets.keys()) table[unit - firstUnit] = slotOfBucket.get(bucketOf(unit))!;
    slotOfUnit = (unit) => table[unit - firstUnit]!;
  } else {
    const slotOf = new Map<number, number>();
    order.forEach((b, i) => slotOf.set(b, i));
    slotOfUnit = (unit) => slotOf.get(bucketOf(unit))!;
  }

  // Latencies grouped by bucket (a counting sort), then each bucket's run sorted for its percentiles.
  const slots = new Uint32Array(n);
  const starts = new Uint32Array(order.length + 1);
  for (let i = 0; i < n; i++) {
    const slot = slotOfUnit(units[i]!);
    slots[i] = slot;
    starts[slot + 1]!++;
  }
  for (let i = 0; i < order.length; i++) starts[i + 1]! += starts[i]!;
  const byBucket = new Float64Array(n);
  const next = starts.slice(0, order.length);
  for (let i = 0; i < n; i++) byBucket[next[slots[i]!]!++] = latencies[i]!;
  const series: TelemetryPoint[] = order.map((b, i) => {
    const u = merged.get(b)!;
    const run = byBucket.subarray(starts[i], starts[i + 1]);
    const point: TelemetryPoint = {
      t: b * unitsPerBucket * unitMs,
      requests: u.requests,
      errors: u.errors,
      latency: latencyFigures(run, u),
    };
    if (u.memoryCount > 0) point.memoryMb = u.memorySum / u.memoryCount;
    return point;
  });

  const callers: CallerFigures[] = [...group.callers].map(([caller, f]) => ({ caller, ...f }));
  callers.sort((a, b) => b.requests - a.requests || (a.caller < b.caller ? -1 : a.caller > b.caller ? 1 : 0));
  const figures: TelemetryGroup = {
    key: group.key,
    model: group.model,
    version: group.version,
    requests: c.requests,
    errors: c.errors,
    errorRate: c.requests > 0 ? c.errors / c.requests : 0,
    requestsPerMinute: c.requests / rangeMinutes,
    latency: latencyFigures(byBucket, c),
    uniqueCallers: group.callers.size,
    topCallers: callers.slice(0, topCount),
    series,
  };
  if (c.memoryCount > 0) figures.memoryMb = { mean: c.memorySum / c.memoryCount, max: c.memoryMax };
  if (Number.isFinite(group.firstTime)) figures.firstTime = group.firstTime;
  if (Number.isFinite(group.lastTime)) figures.lastTime = group.lastTime;
  return figures;
}
