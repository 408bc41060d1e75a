import assert from 'node:assert/strict';
import { decimateIndices, pick } from '../../../src/core/chart/decimate';
import { ChartError } from '../../../src/core/chart/types';
import { seededRandom } from '../../helpers/prng';

function noisy(n: number, seed = 1): { xs: number[]; ys: number[] } {
  const next = seededRandom(seed);
  const xs = Array.from({ length: n }, (_, i) => i * 2);
  const ys = xs.map((x) => Math.sin(x / 500) + 0.2 * (next() - 0.5));
  return { xs, ys };
}

describe('chart decimation (LTTB keeping extremes)', () => {
  it('returns every index when the series fits the budget', () => {
    assert.deepEqual(decimateIndices([1, 2, 3], [5, 6, 7], 10), [0, 1, 2]);
    assert.deepEqual(decimateIndices([], [], 10), []);
  });

  it('respects the budget, keeps the first and last points and returns ascending indices (monotonic x)', () => {
    const { xs, ys } = noisy(100_000);
    for (const budget of [5, 6, 7, 100, 1000, 4999]) {
      const kept = decimateIndices(xs, ys, budget);
      assert.ok(kept.length <= budget, `budget ${budget}: kept ${kept.length}`);
      assert.ok(kept.length >= Math.min(budget, 3) - 0, `budget ${budget}: kept only ${kept.length}`);
      assert.equal(kept[0], 0);
      assert.equal(kept[kept.length - 1], xs.length - 1);
      for (let i = 1; i < kept.length; i++) assert.ok(kept[i] > kept[i - 1], `indices ascend at ${i}`);
      const keptXs = pick(xs, kept);
      for (let i = 1; i < keptXs.length; i++) assert.ok(keptXs[i] > keptXs[i - 1]);
    }
  });

  it('never loses the global extremes nor a single-point spike or dip', () => {
    const { xs, ys } = noisy(50_000, 3);
    ys[12_345] = 40; // spike
    ys[33_333] = -40; // dip
    ys[49_998] = 39; // next to the last point
    const kept = new Set(decimateIndices(xs, ys, 300));
    assert.ok(kept.has(12_345), 'spike kept');
    assert.ok(kept.has(33_333), 'dip kept');
    assert.ok(kept.has(49_998), 'late spike kept');
  });

  it('keeps the minimum and maximum of every bucket', () => {
    const n = 10_002;
    const budget = 302; // 100 buckets of 100 interior points
    const { xs, ys } = noisy(n, 9);
    const kept = new Set(decimateIndices(xs, ys, budget));
    const buckets = Math.floor((budget - 2) / 3);
    const size = (n - 2) / buckets;
    for (let b = 0; b < buckets; b++) {
      const start = 1 + Math.floor(b * size);
      const end = b === buckets - 1 ? n - 1 : 1 + Math.floor((b + 1) * size);
      let min = start;
      let max = start;
      for (let i = start; i < end; i++) {
        if (ys[i] < ys[min]) min = i;
        if (ys[i] > ys[max]) max = i;
      }
      assert.ok(kept.has(min) && kept.has(max), `bucket ${b}: min ${min} and max ${max} kept`);
    }
  });

  it('keeps the shape: the LTTB point of a sawtooth is its corner', () => {
    // A straight line with one corner per bucket: the corner must be chosen.
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    const ys = xs.map((x) => (x < 500 ? x : 1000 - x));
    const kept = decimateIndices(xs, ys, 20);
    assert.ok(kept.includes(500), `the apex is kept: ${kept.join(',')}`);
  });

  it('rejects a budget that cannot hold the endpoints and one bucket, and mismatched arrays', () => {
    assert.throws(() => decimateIndices([1, 2], [1, 2], 4), ChartError);
    assert.throws(() => decimateIndices([1, 2], [1, 2], Number.NaN), /budget must be a number/);
    assert.throws(() => decimateIndices([1, 2], [1], 10), /same length/);
  });
});
