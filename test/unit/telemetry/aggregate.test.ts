import assert from 'node:assert/strict';
import {
  chooseBucketMs,
  combinePercentiles,
  createAggregator,
  percentileOfSorted,
  percentilesInPlace,
  sampleRankError,
  selectInPlace,
} from '../../../src/core/telemetry/aggregate';
import type { TelemetryEvent } from '../../../src/core/telemetry/types';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 5, 10, 0, 0);

const event = (over: Partial<TelemetryEvent>): TelemetryEvent => ({
  time: T0,
  model: 'm',
  version: 'v1',
  caller: 'c',
  error: false,
  ...over,
});

/** A seeded generator, so the events and the recount agree run after run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x9e3779b9) >>> 0;
    let t = a ^ (a >>> 16);
    t = Math.imul(t, 0x21f0aaad);
    t ^= t >>> 15;
    t = Math.imul(t, 0x735a2d97);
    return ((t ^ (t >>> 15)) >>> 0) / 4294967296;
  };
}

function generated(n: number, seed = 7): TelemetryEvent[] {
  const random = prng(seed);
  const events: TelemetryEvent[] = [];
  for (let i = 0; i < n; i++) {
    const version = random() < 0.6 ? '1.0' : '2.0';
    const e: TelemetryEvent = {
      time: T0 + Math.floor(random() * 90 * MINUTE),
      model: random() < 0.8 ? 'fraud' : 'churn',
      version,
      caller: `caller-${Math.floor(random() * random() * 12)}`,
      error: random() < (version === '2.0' ? 0.05 : 0.01),
    };
    if (random() < 0.95) e.latencyMs = Math.round(random() * random() * 500 * 100) / 100;
    if (random() < 0.5) e.memoryMb = 200 + Math.floor(random() * 50);
    events.push(e);
  }
  return events;
}

/** numpy.percentile's default, written the obvious way. */
function numpyLinear(values: number[], q: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = ((sorted.length - 1) * q) / 100;
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

describe('telemetry aggregator', () => {
  it('computes percentiles as numpy does (linear), checked against values numpy printed', () => {
    // numpy 2 (np.percentile) gave these for the same lists.
    const a = [12, 3, 7.5, 100, 42, 8, 8, 15, 23, 4.25, 61].sort((x, y) => x - y);
    assert.equal(percentileOfSorted(a, 50), 12);
    assert.equal(percentileOfSorted(a, 95), 80.5);
    assert.ok(Math.abs(percentileOfSorted(a, 99)! - 96.10000000000001) < 1e-9);
    assert.deepEqual(
      [50, 95, 99].map((q) => percentileOfSorted([1, 2], q)),
      [1.5, 1.95, 1.99],
    );
    assert.deepEqual(
      [50, 95, 99].map((q) => percentileOfSorted([5], q)),
      [5, 5, 5],
    );
    assert.equal(percentileOfSorted([], 50), undefined);

    const aggregator = createAggregator({});
    a.forEach((latencyMs, i) => aggregator.add(event({ time: T0 + i * 1000, latencyMs })));
    const [group] = aggregator.finish().groups;
    assert.equal(group?.latency.p50, 12);
    assert.equal(group?.latency.p95, 80.5);
    assert.ok(Math.abs(group.latency.p99! - 96.1) < 1e-9);
    assert.equal(group?.latency.max, 100);
  });

  it('equals a straightforward recount per version: counts, errors, percentiles, callers, memory, series', () => {
    const events = generated(20_000);
    const aggregator = createAggregator({ bucketMs: 5 * MINUTE, topCallers: 3 });
    for (const e of events) aggregator.add(e);
    const summary = aggregator.finish();
    assert.equal(summary.bucketMs, 5 * MINUTE);
    assert.deepEqual(summary.percentiles, { exact: true });
    const keys = [...new Set(events.map((e) => `${e.model}@${e.version}`))].sort();
    assert.deepEqual(
      summary.groups.map((g) => g.key),
      keys,
    );
    assert.equal(
      summary.groups.reduce((n, g) => n + g.requests, 0),
      events.length,
    );
    for (const group of summary.groups) {
      const mine = events.filter((e) => `${e.model}@${e.version}` === group.key);
      const latencies = mine.flatMap((e) => (e.latencyMs === undefined ? [] : [e.latencyMs]));
      assert.equal(group.requests, mine.length);
      assert.equal(group.errors, mine.filter((e) => e.error).length);
      assert.equal(group.errorRate, group.errors / group.requests);
      for (const q of [50, 95, 99] as const) assert.equal(group.latency[`p${q}`], numpyLinear(latencies, q));
      assert.equal(group.latency.max, Math.max(...latencies));
      const memory = mine.flatMap((e) => (e.memoryMb === undefined ? [] : [e.memoryMb]));
      assert.ok(Math.abs(group.memoryMb!.mean - memory.reduce((s, m) => s + m, 0) / memory.length) < 1e-9);
      assert.equal(group.memoryMb!.max, Math.max(...memory));
      // Callers: unique count and the top three by requests.
      const byCaller = new Map<string, { requests: number; errors: number }>();
      for (const e of mine) {
        const c = byCaller.get(e.caller) ?? { requests: 0, errors: 0 };
        c.requests++;
        if (e.error) c.errors++;
        byCaller.set(e.caller, c);
      }
      assert.equal(group.uniqueCallers, byCaller.size);
      const top = [...byCaller]
        .map(([caller, f]) => ({ caller, ...f }))
        .sort((x, y) => y.requests - x.requests || (x.caller < y.caller ? -1 : 1))
        .slice(0, 3);
      assert.deepEqual(group.topCallers, top);
      // Series: one point per 5-minute bucket with events, each recounted.
      const buckets = new Map<number, TelemetryEvent[]>();
      for (const e of mine) {
        const t = Math.floor(e.time / (5 * MINUTE)) * 5 * MINUTE;
        buckets.set(t, [...(buckets.get(t) ?? []), e]);
      }
      assert.deepEqual(
        group.series.map((p) => p.t),
        [...buckets.keys()].sort((x, y) => x - y),
      );
      for (const point of group.series) {
        const inBucket = buckets.get(point.t)!;
        assert.equal(point.requests, inBucket.length);
        assert.equal(point.errors, inBucket.filter((e) => e.error).length);
        const l = inBucket.flatMap((e) => (e.latencyMs === undefined ? [] : [e.latencyMs]));
        assert.equal(point.latency.p95, numpyLinear(l, 95));
        assert.equal(point.latency.p50, numpyLinear(l, 50));
      }
      assert.equal(group.firstTime, Math.min(...mine.map((e) => e.time)));
      assert.equal(group.lastTime, Math.max(...mine.map((e) => e.time)));
    }
  });

  it('groups by model or by caller, filters by range and model, and gives requests per minute', () => {
    const events = [
      event({ time: T0, model: 'a', version: '1', caller: 'x', latencyMs: 10 }),
      event({ time: T0 + MINUTE, model: 'a', version: '2', caller: 'y', latencyMs: 20, error: true }),
      event({ time: T0 + 2 * MINUTE, model: 'b', version: '1', caller: 'x', latencyMs: 30 }),
      event({ time: T0 + 10 * MINUTE, model: 'a', version: '1', caller: 'x', latencyMs: 40 }),
      event({ time: T0 + 20 * MINUTE, model: 'a', version: '1', caller: '', latencyMs: 50 }),
    ];
    const run = (query: Parameters<typeof createAggregator>[0]) => {
      const aggregator = createAggregator(query);
      for (const e of events) aggregator.add(e);
      return aggregator.finish();
    };
    const byModel = run({ by: 'model' });
    assert.deepEqual(
      byModel.groups.map((g) => [g.key, g.model, g.version, g.requests, g.errors, g.uniqueCallers]),
      [
        ['a', 'a', '', 4, 1, 2],
        ['b', 'b', '', 1, 0, 1],
      ],
    );
    // 20 minutes from the first to the last event.
    assert.equal(byModel.from, T0);
    assert.equal(byModel.to, T0 + 20 * MINUTE);
    assert.equal(byModel.groups[0]?.requestsPerMinute, 4 / 20);
    const byCaller = run({ by: 'caller' });
    assert.deepEqual(
      byCaller.groups.map((g) => [g.key, g.requests]),
      [
        ['', 1],
        ['x', 3],
        ['y', 1],
      ],
    );
    const ranged = run({ from: T0 + MINUTE, to: T0 + 10 * MINUTE, models: ['a'] });
    assert.deepEqual(
      ranged.groups.map((g) => [g.key, g.requests, g.latency.p50]),
      [
        ['a@1', 1, 40],
        ['a@2', 1, 20],
      ],
    );
    assert.equal(ranged.groups[0]?.requestsPerMinute, 1 / 9);
  });

  it('chooses a bucket width of a minute or more giving about 200 points', () => {
    assert.equal(chooseBucketMs(0), MINUTE);
    assert.equal(chooseBucketMs(60 * MINUTE), MINUTE);
    assert.equal(chooseBucketMs(24 * 60 * MINUTE), 10 * MINUTE);
    assert.equal(chooseBucketMs(7 * 24 * 60 * MINUTE), 60 * MINUTE);
    const aggregator = createAggregator({});
    aggregator.add(event({ time: T0, latencyMs: 1 }));
    aggregator.add(event({ time: T0 + 24 * 60 * MINUTE - 1, latencyMs: 3 }));
    const summary = aggregator.finish();
    assert.equal(summary.bucketMs, 10 * MINUTE);
    assert.deepEqual(
      summary.groups[0]?.series.map((p) => [p.t, p.requests, p.latency.p50]),
      [
        [T0, 1, 1],
        [T0 + 24 * 60 * MINUTE - 10 * MINUTE, 1, 3],
      ],
    );
  });

  it('beyond the exact limit, keeps a sample per group and says its rank error', () => {
    const random = prng(3);
    const aggregator = createAggregator({}, { exactLatencyLimit: 4000 });
    const values: number[] = [];
    for (let i = 0; i < 200_000; i++) {
      const latencyMs = random() * 1000;
      values.push(latencyMs);
      aggregator.add(event({ time: T0 + i, latencyMs }));
    }
    const summary = aggregator.finish();
    assert.equal(summary.percentiles.exact, false);
    const rankError = summary.percentiles.rankError!;
    assert.equal(rankError, sampleRankError(4000));
    const sorted = values.sort((x, y) => x - y);
    const [group] = summary.groups;
    assert.equal(group?.requests, 200_000);
    for (const q of [50, 95, 99] as const) {
      // The rank of the sampled figure among all values is within the stated error of q.
      const figure = group.latency[`p${q}`]!;
      let rank = 0;
      while (rank < sorted.length && sorted[rank] < figure) rank++;
      assert.ok(Math.abs(rank / sorted.length - q / 100) <= rankError, `p${q} rank ${rank / sorted.length}`);
    }
    assert.equal(group?.latency.max, sorted[sorted.length - 1]);
  });

  it('combines the percentiles of parts: exact only when all are, the larger rank error when every part states one', () => {
    assert.deepEqual(combinePercentiles({ exact: true }, undefined), { exact: true });
    assert.deepEqual(combinePercentiles({ exact: true }, { exact: true }), { exact: true });
    assert.deepEqual(combinePercentiles({ exact: true }, { exact: false }), { exact: false });
    assert.deepEqual(combinePercentiles({ exact: true }, { exact: false, rankError: 0.01 }), {
      exact: false,
      rankError: 0.01,
    });
    assert.deepEqual(combinePercentiles({ exact: false, rankError: 0.015 }, { exact: true }), {
      exact: false,
      rankError: 0.015,
    });
    assert.deepEqual(combinePercentiles({ exact: false, rankError: 0.015 }, { exact: false, rankError: 0.004 }), {
      exact: false,
      rankError: 0.015,
    });
    // A histogram's interpolation states no rank error: the whole then states none.
    assert.deepEqual(combinePercentiles({ exact: false, rankError: 0.015 }, { exact: false }), { exact: false });
    assert.deepEqual(combinePercentiles({ exact: false }, { exact: false, rankError: 0.004 }), { exact: false });
  });

  it('combines the relative errors of exponential histograms: the larger one, none beside a rank error', () => {
    assert.deepEqual(combinePercentiles({ exact: true }, { exact: false, relativeError: 0.044 }), {
      exact: false,
      relativeError: 0.044,
    });
    assert.deepEqual(
      combinePercentiles({ exact: false, relativeError: 0.022 }, { exact: false, relativeError: 0.044 }),
      { exact: false, relativeError: 0.044 },
    );
    assert.deepEqual(combinePercentiles({ exact: false, relativeError: 0.022 }, { exact: true }), {
      exact: false,
      relativeError: 0.022,
    });
    assert.deepEqual(combinePercentiles({ exact: false, relativeError: 0.022 }, { exact: false, rankError: 0.01 }), {
      exact: false,
    });
    assert.deepEqual(combinePercentiles({ exact: false, relativeError: 0.022 }, { exact: false }), { exact: false });
  });

  it('selects percentiles without sorting, equal to those of the sorted values, whatever the order', () => {
    let seed = 11;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed / 0x80000000;
    };
    const orders: Record<string, (n: number) => number[]> = {
      random: (n) => Array.from({ length: n }, () => Math.round(random() * 1000) / 10),
      'few values': (n) => Array.from({ length: n }, () => Math.floor(random() * 3)),
      ascending: (n) => Array.from({ length: n }, (_, i) => i),
      descending: (n) => Array.from({ length: n }, (_, i) => n - i),
      'all equal': (n) => new Array<number>(n).fill(4.2),
      'organ pipe': (n) => Array.from({ length: n }, (_, i) => Math.min(i, n - i)),
      'negative and zero': (n) => Array.from({ length: n }, (_, i) => (i % 5) - 2 + random()),
    };
    const qs = [0, 1, 25, 50, 95, 99, 99.9, 100];
    let checked = 0;
    for (const [name, make] of Object.entries(orders))
      for (const n of [0, 1, 2, 3, 31, 127, 128, 129, 1000, 4099]) {
        const values = make(n);
        const sorted = Float64Array.from(values).sort();
        const expected = qs.map((q) => percentileOfSorted(sorted, q));
        const shuffled = Float64Array.from(values);
        assert.deepEqual(percentilesInPlace(shuffled, qs), expected, `${name}, n=${n}`);
        // Reordered in place, never changed: the same values remain.
        assert.deepEqual(shuffled.slice().sort(), sorted, `${name}, n=${n}: values kept`);
        checked++;
      }
    assert.equal(checked, 70);
    // One order statistic: everything before it is no larger, everything after no smaller.
    const a = Float64Array.from(orders.random(5000));
    const sorted = a.slice().sort();
    for (const k of [0, 17, 2500, 4999]) {
      const b = a.slice();
      selectInPlace(b, k);
      assert.equal(b[k], sorted[k]);
      assert.ok(b.subarray(0, k).every((v) => v <= b[k]));
      assert.ok(b.subarray(k + 1).every((v) => v >= b[k]));
    }
  });

  it('states the rank error of a sample', () => {
    assert.equal(sampleRankError(10_000), 0.015);
    assert.ok(sampleRankError(12_000_000) < 0.001);
  });
});
