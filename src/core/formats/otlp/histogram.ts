// Duration histograms read from OTLP metrics: cumulative points turned into the requests of each interval (deltas),
// and the requests spread within their buckets as events, so histograms go through the one aggregator like spans and
// logs. Spreading a bucket's n requests evenly over it (at lower + width * (k + 0.5) / n) makes the aggregator's
// percentiles interpolate linearly within the bucket that holds the rank, as Prometheus's histogram_quantile does
// (within half a step, width / n / 2, of histogramQuantile below); the first bucket starts at 0; requests in the +Inf
// bucket are put at the recorded maximum, or at the highest finite bound as histogram_quantile answers. Their times
// are spread evenly over their interval.
import type { TelemetryEvent } from '../../telemetry/types';
import { alignExponential, exponentialLayout } from './exponential';
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
  /** The line of the point (the interval's end). */
  line?: number;
  /** The scale of an exponential histogram's buckets (absent for explicit bounds). */
  exponentialScale?: number;
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
    for (let point of list) {
      if (previous?.exponential && point.exponential) [previous, point] = aligned(previous, point);
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
          line: point.line,
        };
        if (point.sumMs !== undefined && previous.sumMs !== undefined) delta.sumMs = point.sumMs - previous.sumMs;
        if (point.exponential) delta.exponentialScale = point.exponential.scale;
        if (delta.count > 0) out.push(delta);
      } else out.push(asDelta(point, point.startMs, true));
      previous = point;
    }
  }
  return out.sort((a, b) => a.timeMs - b.timeMs || (a.series < b.series ? -1 : a.series > b.series ? 1 : 0));
}

/** Two exponential points of a series on one scale and one range of buckets (see ./exponential.ts). */
function aligned(previous: OtlpHistogramPoint, point: OtlpHistogramPoint): [OtlpHistogramPoint, OtlpHistogramPoint] {
  if (previous.exponential!.zeroThreshold !== point.exponential!.zeroThreshold) return [previous, point];
  return alignExponential(previous.exponential!, point.exponential!).map((exponential, i) => ({
    ...(i === 0 ? previous : point),
    ...exponentialLayout(exponential),
    exponential,
  })) as [OtlpHistogramPoint, OtlpHistogramPoint];
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
    line: point.line,
  };
  if (fromMs !== undefined) delta.fromMs = fromMs;
  if (point.sumMs !== undefined) delta.sumMs = point.sumMs;
  if (withMax && point.maxMs !== undefined) delta.maxMs = point.maxMs;
  if (point.exponential) delta.exponentialScale = point.exponential.scale;
  return delta;
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

/** A step coprime with n near n / golden ratio: (m * step) mod n visits 0..n-1 once each, well spread. */
function spreadingStep(n: number): number {
  if (n <= 2) return 1;
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  let step = Math.max(1, Math.round(n * 0.6180339887498949));
  while (gcd(step, n) !== 1) step++;
  return step;
}

/**
 * Turns histogram intervals into events. All intervals of a model version are known first, so the requests of each
 * bucket, over all intervals, take the places lower + width * (k + 0.5) / n (k = 0..n-1) once each, in a spread
 * order: every interval's share covers the bucket, and the union is evenly spaced.
 */
export class HistogramSpreader {
  private readonly totals = new Map<string, number>();
  private readonly used = new Map<string, number>();

  constructor(deltas: Iterable<HistogramDelta>) {
    for (const delta of deltas)
      delta.counts.forEach((n, i) => {
        if (n > 0) {
          const key = this.key(delta, i);
          this.totals.set(key, (this.totals.get(key) ?? 0) + n);
        }
      });
  }

  private key(delta: HistogramDelta, i: number): string {
    return `${delta.model}\u0000${delta.version}\u0000${delta.boundsMs[i - 1] ?? ''}\u0000${delta.boundsMs[i] ?? ''}`;
  }

  /** The events of one interval: its requests placed within their buckets (see above) and evenly over its time. */
  *events(delta: HistogramDelta): Generator<TelemetryEvent> {
    const { boundsMs, counts } = delta;
    const total = counts.reduce((a, b) => a + b, 0);
    const end = delta.timeMs;
    const start = delta.fromMs !== undefined && delta.fromMs <= end ? delta.fromMs : end;
    let j = 0;
    for (let i = 0; i < counts.length; i++) {
      const n = counts[i]!;
      if (n <= 0) continue;
      let lower: number;
      let upper: number;
      if (i >= boundsMs.length) {
        lower = delta.maxMs ?? boundsMs[boundsMs.length - 1] ?? Number.NaN;
        upper = lower;
      } else {
        upper = boundsMs[i]!;
        lower = i === 0 ? Math.min(0, upper) : boundsMs[i - 1]!;
      }
      const key = this.key(delta, i);
      const places = Math.max(n, this.totals.get(key) ?? n);
      const step = spreadingStep(places);
      let used = this.used.get(key) ?? 0;
      for (let k = 0; k < n; k++, j++, used++) {
        const event: TelemetryEvent = {
          time: Math.floor(start + ((end - start) * (j + 0.5)) / total),
          model: delta.model,
          version: delta.version,
          caller: '',
          error: delta.error,
        };
        const place = (used * step) % places;
        const latency = lower + ((upper - lower) * (place + 0.5)) / places;
        if (Number.isFinite(latency)) event.latencyMs = latency;
        if (delta.line !== undefined) event.line = delta.line;
        yield event;
      }
      this.used.set(key, used);
    }
  }
}
