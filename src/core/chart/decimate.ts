import { ChartError } from './types';

/** The smallest budget that can keep the first point, the last point and one bucket's extremes. */
export const MIN_BUDGET = 5;

/**
 * Picks at most `budget` of the points (xs[i], ys[i]) for drawing, and returns their indices in ascending order.
 *
 * Largest-Triangle-Three-Buckets with the extremes kept: the points between the first and the last are cut into
 * equal buckets; each bucket keeps the point LTTB selects (the largest triangle with the previously kept point and
 * the next bucket's average) and also its minimum and its maximum, so a spike or a dip is never lost. The first
 * and the last point are always kept. Each bucket yields one to three points, so the result holds at most
 * `budget` points. `xs` must be ascending and every value finite; when there are no more points than the budget
 * every index is returned.
 */
export function decimateIndices(xs: ArrayLike<number>, ys: ArrayLike<number>, budget: number): number[] {
  if (!Number.isFinite(budget) || budget < MIN_BUDGET) {
    throw new ChartError(
      `The point budget must be a number of at least ${MIN_BUDGET}; got ${String(budget)}.`,
      'invalid-budget',
    );
  }
  if (xs.length !== ys.length) {
    throw new ChartError(`x and y must have the same length; got ${xs.length} and ${ys.length}.`, 'invalid-input');
  }
  const n = xs.length;
  const limit = Math.floor(budget);
  if (n <= limit) return Array.from({ length: n }, (_, i) => i);

  const buckets = Math.floor((limit - 2) / 3);
  const interior = n - 2;
  const size = interior / buckets;
  const bucketStart = (b: number) => 1 + Math.floor(b * size);
  const kept: number[] = [0];
  let previous = 0;
  for (let b = 0; b < buckets; b++) {
    const start = bucketStart(b);
    const end = b === buckets - 1 ? n - 1 : bucketStart(b + 1);
    // The next bucket's average (the last point for the last bucket).
    const nextStart = end;
    const nextEnd = b + 1 < buckets - 1 ? bucketStart(b + 2) : b + 1 === buckets - 1 ? n - 1 : n;
    let avgX = 0;
    let avgY = 0;
    for (let i = nextStart; i < nextEnd; i++) {
      avgX += xs[i]!;
      avgY += ys[i]!;
    }
    const count = nextEnd - nextStart;
    avgX /= count;
    avgY /= count;

    const ax = xs[previous]!;
    const ay = ys[previous]!;
    let best = start;
    let bestArea = -1;
    let min = start;
    let max = start;
    for (let i = start; i < end; i++) {
      const y = ys[i]!;
      const area = Math.abs((ax - avgX) * (y - ay) - (ax - xs[i]!) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = i;
      }
      if (y < ys[min]!) min = i;
      if (y > ys[max]!) max = i;
    }
    pushSorted(kept, best, min, max);
    previous = best;
  }
  kept.push(n - 1);
  return kept;
}

/** Appends up to three indices of one bucket, ascending and without repeats. */
function pushSorted(out: number[], a: number, b: number, c: number): void {
  const lo = Math.min(a, b, c);
  const hi = Math.max(a, b, c);
  const mid = a + b + c - lo - hi;
  out.push(lo);
  if (mid !== lo) out.push(mid);
  if (hi !== mid) out.push(hi);
}

/** Keeps the elements of `values` at `indices` (ascending). */
export function pick<T>(values: readonly T[], indices: readonly number[]): T[] {
  return indices.map((index) => values[index]!);
}
