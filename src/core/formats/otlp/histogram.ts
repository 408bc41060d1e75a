// Duration histograms read from OTLP metrics: cumulative points turned into the requests of each interval (deltas),
// buckets merged, and latency quantiles estimated from buckets the way Prometheus's histogram_quantile does (linear
// interpolation within the bucket that holds the rank, the first bucket starting at 0, a rank in the +Inf bucket
// giving the highest finite bound). Where the points report a maximum, a rank in the +Inf bucket gives that maximum
// instead, and no estimate is above it.
import { chooseBucketMs, type TelemetryAggregate } from '../../telemetry/aggregate';
import type { LatencyFigures, TelemetryGroup, TelemetryPoint, TelemetryQuery } from '../../telemetry/types';
import type { OtlpHistogramPoint } from './read';

/** The requests of one interval of one series. */
export interface HistogramDelta {
  series: string;
  model: string;
  version: string;
  error: boolean;
  /** Start of the interval (the previous point of a cumulative series, or the point's start time). */
  fromMs?: number;
  /** End of the interval: when the point was collected. */
  timeMs: number;
  count: number;
  sumMs?: number;
  /** Only for delta points and the first point of a cumulative series (a difference has no maximum). */
  maxMs?: number;
  boundsMs: number[];
  counts: number[];
}

/**
 * The requests of each interval: delta points as they are, cumulative points minus the previous point of the same
 * series (a point whose start time changed, or whose counts went down, starts the series again: a restart).
 */
export function histogramDeltas(points: readonly OtlpHistogramPoint[]): HistogramDelta[] {
  const out: HistogramDelta[] = [];
  const bySeries = new Map<string, OtlpHistogramPoint[]>();
  for (const point of points) {
    if (point.temporality !== 'cumulative') {
      out.push(asDelta(point, point.startMs, true));
      continue;
    }
    let list = bySeries.get(point.series);
    if (!list) bySeries.set(point.series, (list = []));
    list.push(point);
  }
  for (const list of bySeries.values()) {
    list.sort((a, b) => a.timeMs - b.timeMs);
    let previous: OtlpHistogramPoint | undefined;
    for (const point of list) {
      if (previous && previous.timeMs === point.timeMs && previous.count === point.count) continue; // a repeat
      if (previous && continues(previous, point)) {
        const delta: HistogramDelta = {
          series: point.series,
          model: point.model,
          version: point.version,
          error: point.error,
          fromMs: previous.timeMs,
          timeMs: point.timeMs,
          count: point.count - previous.count,
          boundsMs: point.boundsMs,
          counts: point.counts.map((c, i) => c - previous!.counts[i]!),
        };
        if (point.sumMs !== undefined && previous.sumMs !== undefined) delta.sumMs = point.sumMs - previous.sumMs;
        if (delta.count > 0) out.push(delta);
      } else out.push(asDelta(point, point.startMs, true));
      previous = point;
    }
  }
  return out.sort((a, b) => a.timeMs - b.timeMs || (a.series < b.series ? -1 : a.series > b.series ? 1 : 0));
}

function continues(previous: OtlpHistogramPoint, point: OtlpHistogramPoint): boolean {
  if (previous.startMs !== point.startMs || point.count < previous.count) return false;
  if (previous.boundsMs.length !== point.boundsMs.length) return false;
  for (let i = 0; i < point.boundsMs.length; i++) if (previous.boundsMs[i] !== point.boundsMs[i]) return false;
  for (let i = 0; i < point.counts.length; i++) if (point.counts[i]! < previous.counts[i]!) return false;
  return true;
}

function asDelta(point: OtlpHistogramPoint, fromMs: number | undefined, withMax: boolean): HistogramDelta {
  const delta: HistogramDelta = {
    series: point.series,
    model: point.model,
    version: point.version,
    error: point.error,
    timeMs: point.timeMs,
    count: point.count,
    boundsMs: point.boundsMs,
    counts: point.counts.slice(),
  };
  if (fromMs !== undefined) delta.fromMs = fromMs;
  if (point.sumMs !== undefined) delta.sumMs = point.sumMs;
  if (withMax && point.maxMs !== undefined) delta.maxMs = point.maxMs;
  return delta;
}

/** Buckets being merged: the bounds of the first histogram added; others' counts go to the bucket holding their bound. */
export class BucketSum {
  boundsMs: number[] | undefined;
  counts: number[] = [];
  total = 0;
  sumMs = 0;
  /** Requests whose sum is known (the mean is sumMs / summed). */
  summed = 0;
  maxMs: number | undefined;
  /** Some requests came from an interval without a maximum. */
  maxUnknown = false;

  add(delta: Pick<HistogramDelta, 'boundsMs' | 'counts' | 'count' | 'sumMs' | 'maxMs'>): void {
    if (!this.boundsMs) {
      this.boundsMs = delta.boundsMs;
      this.counts = new Array<number>(delta.boundsMs.length + 1).fill(0);
    }
    const same =
      delta.boundsMs === this.boundsMs ||
      (delta.boundsMs.length === this.boundsMs.length && delta.boundsMs.every((b, i) => b === this.boundsMs![i]));
    for (let i = 0; i < delta.counts.length; i++) {
      const c = delta.counts[i]!;
      if (c === 0) continue;
      const at = same ? i : bucketIndex(this.boundsMs, delta.boundsMs[i] ?? Number.POSITIVE_INFINITY);
      this.counts[at]! += c;
    }
    this.total += delta.count;
    if (delta.sumMs !== undefined) {
      this.sumMs += delta.sumMs;
      this.summed += delta.count;
    }
    if (delta.maxMs !== undefined) this.maxMs = Math.max(this.maxMs ?? -Infinity, delta.maxMs);
    else if (delta.count > 0) this.maxUnknown = true;
  }

  quantile(q: number): number | undefined {
    return this.boundsMs
      ? histogramQuantile(q, this.boundsMs, this.counts, this.maxUnknown ? undefined : this.maxMs)
      : undefined;
  }
}

/** The bucket of `value`: the first whose upper bound is >= value (the last bucket is +Inf). */
function bucketIndex(boundsMs: readonly number[], value: number): number {
  let low = 0;
  let high = boundsMs.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (boundsMs[mid]! >= value) high = mid;
    else low = mid + 1;
  }
  return low;
}

/**
 * The q-quantile (0..1) of a histogram with upper bounds `boundsMs` (ascending; the last bucket, +Inf, has none) and
 * one count per bucket, by Prometheus's histogram_quantile: find the bucket holding rank q * total and interpolate
 * linearly between its lower and upper bound. A known maximum caps the estimate and stands for the +Inf bucket.
 */
export function histogramQuantile(
  q: number,
  boundsMs: readonly number[],
  counts: readonly number[],
  maxMs?: number,
): number | undefined {
  let total = 0;
  for (const c of counts) total += c;
  if (!(total > 0) || !(q >= 0 && q <= 1)) return undefined;
  const rank = q * total;
  let below = 0;
  let i = 0;
  for (; i < counts.length; i++) {
    if (below + counts[i]! >= rank && counts[i]! > 0) break;
    below += counts[i]!;
  }
  if (i >= counts.length) i = counts.length - 1;
  const cap = (v: number): number => (maxMs !== undefined && v > maxMs ? maxMs : v);
  if (i >= boundsMs.length) {
    // The +Inf bucket: Prometheus answers the highest finite bound; a recorded maximum is better.
    if (maxMs !== undefined) return maxMs;
    return boundsMs.length ? boundsMs[boundsMs.length - 1] : undefined;
  }
  const upper = boundsMs[i]!;
  const lower = i === 0 ? (upper > 0 ? 0 : upper) : boundsMs[i - 1]!;
  if (i === 0 && upper <= 0) return cap(upper);
  const inBucket = counts[i]!;
  return cap(lower + (upper - lower) * ((rank - below) / inBucket));
}

/**
 * The figures of each group (model@version, model, or one group per caller-less model when grouped by caller) from
 * histogram intervals, like the event aggregator's: an interval counts in the bucket of its end time; percentiles are
 * estimated from the merged buckets (histogramQuantile). `bucketMs` aligns the series with other figures.
 */
export function histogramGroups(
  deltas: readonly HistogramDelta[],
  query: TelemetryQuery,
  bucketMs?: number,
): TelemetryAggregate & { intervals: number } {
  const by = query.by ?? 'version';
  const models = query.models ? new Set(query.models) : undefined;
  const kept = deltas.filter(
    (d) =>
      Number.isFinite(d.timeMs) &&
      (query.from === undefined || d.timeMs >= query.from) &&
      (query.to === undefined || d.timeMs <= query.to) &&
      (!models || models.has(d.model)),
  );
  let first = Infinity;
  let last = -Infinity;
  for (const d of kept) {
    first = Math.min(first, d.fromMs !== undefined && Number.isFinite(d.fromMs) ? d.fromMs : d.timeMs);
    last = Math.max(last, d.timeMs);
  }
  const from = query.from ?? (Number.isFinite(first) ? first : Date.now());
  const to = query.to ?? (Number.isFinite(last) ? last : from);
  const width =
    bucketMs ??
    (query.bucketMs !== undefined
      ? Math.max(1000, Math.round(query.bucketMs))
      : chooseBucketMs(Math.max(0, to - from)));
  const rangeMinutes = Math.max(1, (to - from) / 60_000);

  interface Acc {
    key: string;
    model: string;
    version: string;
    errors: number;
    all: BucketSum;
    points: Map<number, { errors: number; sum: BucketSum }>;
    firstTime: number;
    lastTime: number;
  }
  const groups = new Map<string, Acc>();
  for (const d of kept) {
    const key = by === 'caller' ? '' : by === 'model' ? d.model : `${d.model}@${d.version}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        key,
        model: by === 'caller' ? '' : d.model,
        version: by === 'version' ? d.version : '',
        errors: 0,
        all: new BucketSum(),
        points: new Map(),
        firstTime: Infinity,
        lastTime: -Infinity,
      };
      groups.set(key, g);
    }
    g.all.add(d);
    if (d.error) g.errors += d.count;
    g.firstTime = Math.min(g.firstTime, d.timeMs);
    g.lastTime = Math.max(g.lastTime, d.timeMs);
    const t = Math.floor(d.timeMs / width) * width;
    let p = g.points.get(t);
    if (!p) g.points.set(t, (p = { errors: 0, sum: new BucketSum() }));
    p.sum.add(d);
    if (d.error) p.errors += d.count;
  }
  const figures = (sum: BucketSum): LatencyFigures => {
    const out: LatencyFigures = {};
    const p50 = sum.quantile(0.5);
    const p95 = sum.quantile(0.95);
    const p99 = sum.quantile(0.99);
    if (p50 !== undefined) out.p50 = p50;
    if (p95 !== undefined) out.p95 = p95;
    if (p99 !== undefined) out.p99 = p99;
    if (sum.summed > 0) out.mean = sum.sumMs / sum.summed;
    if (sum.maxMs !== undefined && !sum.maxUnknown) out.max = sum.maxMs;
    return out;
  };
  const result: TelemetryGroup[] = [...groups.values()]
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((g) => {
      const series: TelemetryPoint[] = [...g.points.entries()]
        .sort(([a], [b]) => a - b)
        .map(([t, p]) => ({ t, requests: p.sum.total, errors: p.errors, latency: figures(p.sum) }));
      const group: TelemetryGroup = {
        key: g.key,
        model: g.model,
        version: g.version,
        requests: g.all.total,
        errors: g.errors,
        errorRate: g.all.total > 0 ? g.errors / g.all.total : 0,
        requestsPerMinute: g.all.total / rangeMinutes,
        latency: figures(g.all),
        uniqueCallers: 0,
        topCallers: [],
        series,
      };
      if (Number.isFinite(g.firstTime)) group.firstTime = g.firstTime;
      if (Number.isFinite(g.lastTime)) group.lastTime = g.lastTime;
      return group;
    });
  return { from, to, bucketMs: width, groups: result, percentiles: { exact: false }, intervals: kept.length };
}
