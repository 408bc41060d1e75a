// Base-2 exponential histograms of OTLP metrics (ExponentialHistogramDataPoint), as the OpenTelemetry SDKs write them
// when a view uses the exponential bucket histogram aggregation. Bucket `index` of scale `s` covers
// (base^index, base^(index + 1)] with base = 2^(2^-s); the positive range counts the buckets from `offset` up, the
// negative range the same for -value, and the zero bucket holds the values within zeroThreshold of 0.
//
// The buckets are laid out as explicit upper bounds (ascending, the last bucket +Inf), so an exponential histogram
// goes through the same differencing, spreading and quantiles as an explicit one. Two points of one cumulative series
// may differ in scale (the SDK lowers it as the range grows) and in offset: `alignExponential` puts both on the lower
// scale and the union of their ranges, so their buckets can be subtracted.

/** The buckets of one exponential histogram data point, values in the metric's unit. */
export interface ExponentialBuckets {
  scale: number;
  zeroCount: number;
  /** Values within this distance of 0 are in the zero bucket (0 when the point names none). */
  zeroThreshold: number;
  positive: { offset: number; counts: number[] };
  negative: { offset: number; counts: number[] };
  /** Milliseconds per unit of the metric (1000 for seconds). */
  unitMs: number;
}

/** Lowest and highest scale the data model allows. */
export const MIN_SCALE = -10;
export const MAX_SCALE = 20;

/** base^index for a scale: 2^(index * 2^-scale) (exact for scale <= 0). */
export function bucketBase(scale: number, index: number): number {
  return Math.pow(2, index * Math.pow(2, -scale));
}

/**
 * The largest relative error of a percentile estimated from buckets of this scale: base - 1. Requests spread within
 * their buckets keep their order statistics in the buckets of the recorded values, and a value and its estimate in
 * one bucket (l, l * base] differ by less than (base - 1) * l; a percentile interpolated between two order statistics
 * (as numpy does) differs from the recorded values' one by at most the same share of it. Positive values; a zero
 * bucket wider than 0 is not bounded this way.
 */
export function exponentialRelativeError(scale: number): number {
  return Math.pow(2, Math.pow(2, -scale)) - 1;
}

/**
 * The buckets as explicit bounds in milliseconds: upper bounds ascending (the last bucket, +Inf, has none) and one
 * count per bucket. Empty buckets stand for the gaps (below the negative range, between the ranges and the zero
 * bucket, and +Inf), so each bucket's lower bound is the previous one's upper bound.
 */
export function exponentialLayout(buckets: ExponentialBuckets): { boundsMs: number[]; counts: number[] } {
  const { scale, unitMs } = buckets;
  const boundsMs: number[] = [];
  const counts: number[] = [];
  // A bucket with this upper bound, unless it would not be above the last one (then its count joins the last).
  const push = (upper: number, count: number): void => {
    const last = boundsMs[boundsMs.length - 1];
    if (last !== undefined && !(upper > last)) {
      counts[counts.length - 1]! += count;
      return;
    }
    boundsMs.push(upper);
    counts.push(count);
  };
  const negative = buckets.negative;
  if (negative.counts.length) {
    const end = negative.offset + negative.counts.length;
    // Below the most negative bucket: empty.
    push(-bucketBase(scale, end) * unitMs, 0);
    for (let index = end - 1; index >= negative.offset; index--)
      push(-bucketBase(scale, index) * unitMs, negative.counts[index - negative.offset]!);
    // Between the negative range and the zero bucket.
    if (buckets.zeroThreshold > 0) push(-buckets.zeroThreshold * unitMs, 0);
  }
  push(buckets.zeroThreshold * unitMs, buckets.zeroCount);
  const positive = buckets.positive;
  if (positive.counts.length) {
    // Between the zero bucket and the positive range.
    push(bucketBase(scale, positive.offset) * unitMs, 0);
    positive.counts.forEach((count, k) => push(bucketBase(scale, positive.offset + k + 1) * unitMs, count));
  }
  counts.push(0); // +Inf
  return { boundsMs, counts };
}

/** The same counts at a lower (or equal) scale: bucket i of scale s is within bucket floor(i / 2^(s - scale)). */
export function downscale(buckets: ExponentialBuckets, scale: number): ExponentialBuckets {
  if (scale >= buckets.scale) return buckets;
  const factor = Math.pow(2, buckets.scale - scale);
  const range = ({ offset, counts }: { offset: number; counts: number[] }) => {
    if (!counts.length) return { offset: 0, counts: [] };
    const first = Math.floor(offset / factor);
    const out = new Array<number>(Math.floor((offset + counts.length - 1) / factor) - first + 1).fill(0);
    counts.forEach((count, k) => (out[Math.floor((offset + k) / factor) - first]! += count));
    return { offset: first, counts: out };
  };
  return { ...buckets, scale, positive: range(buckets.positive), negative: range(buckets.negative) };
}

/** Most buckets of a range aligned for two points (the SDKs keep 160); a wider union is put on a lower scale. */
export const MAX_ALIGNED_BUCKETS = 4096;

/**
 * Both points on the lower of their scales and the union of their ranges, so their buckets line up one for one. Two
 * ranges far apart (more than MAX_ALIGNED_BUCKETS buckets together) are put on a lower scale until they fit.
 */
export function alignExponential(
  a: ExponentialBuckets,
  b: ExponentialBuckets,
): [ExponentialBuckets, ExponentialBuckets] {
  let scale = Math.min(a.scale, b.scale);
  let x = downscale(a, scale);
  let y = downscale(b, scale);
  for (;;) {
    const widest = Math.max(union(x.positive, y.positive).length, union(x.negative, y.negative).length);
    if (widest <= MAX_ALIGNED_BUCKETS || scale <= MIN_SCALE) break;
    // Each scale step halves the span.
    scale = Math.max(MIN_SCALE, scale - Math.max(1, Math.ceil(Math.log2(widest / MAX_ALIGNED_BUCKETS))));
    x = downscale(a, scale);
    y = downscale(b, scale);
  }
  const widen = (r: ExponentialBuckets['positive'], to: { offset: number; length: number }) => {
    const counts = new Array<number>(to.length).fill(0);
    r.counts.forEach((count, k) => (counts[r.offset + k - to.offset] = count));
    return { offset: to.offset, counts };
  };
  const positive = union(x.positive, y.positive);
  const negative = union(x.negative, y.negative);
  return [
    { ...x, positive: widen(x.positive, positive), negative: widen(x.negative, negative) },
    { ...y, positive: widen(y.positive, positive), negative: widen(y.negative, negative) },
  ];
}

/** The smallest range holding both. */
function union(
  p: ExponentialBuckets['positive'],
  q: ExponentialBuckets['positive'],
): { offset: number; length: number } {
  if (!p.counts.length || !q.counts.length) {
    const r = p.counts.length ? p : q;
    return { offset: r.offset, length: r.counts.length };
  }
  const offset = Math.min(p.offset, q.offset);
  return { offset, length: Math.max(p.offset + p.counts.length, q.offset + q.counts.length) - offset };
}
