// Base-2 exponential histograms: bucket layout, downscaling and alignment on exact values, and the reader on the file
// the OpenTelemetry Python SDK wrote with an ExponentialBucketHistogramAggregation view
// (test/fixtures/telemetry/otlp/metrics-exponential.jsonl, made by test/interop/telemetry/generateOtlp.py).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  alignExponential,
  bucketBase,
  downscale,
  exponentialLayout,
  exponentialRelativeError,
  MAX_ALIGNED_BUCKETS,
  type ExponentialBuckets,
} from '../../../../src/core/formats/otlp/exponential';
import { histogramDeltas, histogramQuantile } from '../../../../src/core/formats/otlp/histogram';
import { readOtlpBuffer, type OtlpHistogramPoint } from '../../../../src/core/formats/otlp/read';
import { expectedOtlp, OTLP_FIXTURES } from './fixtures';

const buckets = (extra: Partial<ExponentialBuckets>): ExponentialBuckets => ({
  scale: 0,
  zeroCount: 0,
  zeroThreshold: 0,
  positive: { offset: 0, counts: [] },
  negative: { offset: 0, counts: [] },
  unitMs: 1,
  ...extra,
});

function readPoints(text: string | Buffer): { points: OtlpHistogramPoint[]; bad: string[] } {
  const points: OtlpHistogramPoint[] = [];
  const bad: string[] = [];
  readOtlpBuffer(Buffer.from(text), 'metrics.jsonl', {
    event: () => undefined,
    histogram: (p) => points.push(p),
    bad: (line, reason) => bad.push(`${line}: ${reason}`),
  });
  return { points, bad };
}

describe('exponential histogram buckets', () => {
  it('lays bucket i of scale s out as (base^i, base^(i+1)] with base 2^(2^-s), from the offset, in milliseconds', () => {
    // Scale 0: base 2; buckets 2 and 3 are (4, 8] and (8, 16] seconds.
    assert.deepEqual(
      exponentialLayout(buckets({ zeroCount: 1, positive: { offset: 2, counts: [5, 7] }, unitMs: 1000 })),
      { boundsMs: [0, 4000, 8000, 16000], counts: [1, 0, 5, 7, 0] },
    );
    // Scale -1: base 4; scale 1: base sqrt(2), bucket -1 is (2^-0.5, 1].
    assert.deepEqual(exponentialLayout(buckets({ scale: -1, positive: { offset: -1, counts: [3] } })), {
      boundsMs: [0, 0.25, 1],
      counts: [0, 0, 3, 0],
    });
    const sqrt2 = exponentialLayout(buckets({ scale: 1, positive: { offset: -1, counts: [2, 3] } }));
    assert.deepEqual(sqrt2.counts, [0, 0, 2, 3, 0]);
    assert.deepEqual([sqrt2.boundsMs[0], sqrt2.boundsMs[2]], [0, 1]);
    assert.ok(Math.abs(sqrt2.boundsMs[1] - Math.SQRT1_2) < 1e-15);
    assert.ok(Math.abs(sqrt2.boundsMs[3] - Math.SQRT2) < 1e-15);
    assert.equal(bucketBase(4, -93), Math.pow(2, -93 / 16));
  });

  it('lays the negative range below the zero bucket, most negative first, and a zero threshold around 0', () => {
    // Negative buckets 1 and 2 of scale 0 hold values in [-4, -2) and [-8, -4).
    assert.deepEqual(
      exponentialLayout(
        buckets({ zeroCount: 4, negative: { offset: 1, counts: [2, 1] }, positive: { offset: 0, counts: [3] } }),
      ),
      { boundsMs: [-8, -4, -2, 0, 1, 2], counts: [0, 1, 2, 4, 0, 3, 0] },
    );
    assert.deepEqual(
      exponentialLayout(
        buckets({
          zeroCount: 4,
          zeroThreshold: 0.5,
          negative: { offset: 0, counts: [1] },
          positive: { offset: 0, counts: [3] },
        }),
      ),
      { boundsMs: [-2, -1, -0.5, 0.5, 1, 2], counts: [0, 1, 0, 4, 0, 3, 0] },
    );
  });

  it("downscales by merging 2^(s - s') buckets into one, negative indices rounding down", () => {
    const fine = buckets({
      scale: 2,
      positive: { offset: -3, counts: [1, 2, 3, 4, 5] },
      negative: { offset: 5, counts: [1, 1, 1] },
    });
    const coarse = downscale(fine, 0);
    assert.deepEqual(
      [coarse.scale, coarse.positive, coarse.negative],
      [0, { offset: -1, counts: [6, 9] }, { offset: 1, counts: [3] }],
    );
    // Coarse buckets (-4, -2], (0.5, 1], (1, 2] hold the fine ones: (-2^(8/4), -2^(5/4)], (2^(-3/4), 2^(2/4)].
    assert.deepEqual(exponentialLayout(coarse), {
      boundsMs: [-4, -2, 0, 0.5, 1, 2],
      counts: [0, 3, 0, 0, 6, 9, 0],
    });
    assert.equal(downscale(fine, 3), fine);
  });

  it('aligns two points on the lower scale and the union of their ranges', () => {
    const [a, b] = alignExponential(
      buckets({ scale: 1, positive: { offset: 0, counts: [1] } }),
      buckets({ scale: 0, positive: { offset: 1, counts: [2] } }),
    );
    assert.deepEqual(
      [a.scale, a.positive, b.scale, b.positive],
      [0, { offset: 0, counts: [1, 0] }, 0, { offset: 0, counts: [0, 2] }],
    );
    assert.deepEqual(exponentialLayout(a).boundsMs, exponentialLayout(b).boundsMs);
  });

  it('puts two ranges far apart on a scale low enough that their union stays within MAX_ALIGNED_BUCKETS', () => {
    const [a, b] = alignExponential(
      buckets({ scale: 20, positive: { offset: 0, counts: [1] } }),
      buckets({ scale: 20, positive: { offset: 1_000_000, counts: [2] } }),
    );
    // 1,000,001 buckets at scale 20; 2^8 fewer at scale 12: offsets 0 and floor(1e6 / 256) = 3906.
    assert.equal(MAX_ALIGNED_BUCKETS, 4096);
    assert.deepEqual([a.scale, b.scale, a.positive.counts.length, b.positive.offset], [12, 12, 3907, 0]);
    assert.deepEqual(
      [a.positive.counts[0], a.positive.counts[3906], b.positive.counts[0], b.positive.counts[3906]],
      [1, 0, 0, 2],
    );
  });

  it('bounds the relative error of a value within a bucket by base - 1', () => {
    assert.equal(exponentialRelativeError(0), 1);
    assert.equal(exponentialRelativeError(-1), 3);
    assert.equal(exponentialRelativeError(4), Math.pow(2, 1 / 16) - 1);
    assert.ok(Math.abs(exponentialRelativeError(4) - 0.04427) < 1e-5);
  });

  it('differences cumulative points whose scale went down and whose range grew', () => {
    const point = (timeMs: number, exponential: ExponentialBuckets): OtlpHistogramPoint => ({
      series: 's',
      metric: 'http.server.request.duration',
      model: 'm',
      version: 'v',
      error: false,
      temporality: 'cumulative',
      startMs: 0,
      timeMs,
      count: exponential.positive.counts.reduce((a, b) => a + b, 0),
      ...exponentialLayout(exponential),
      exponential,
      line: 1,
    });
    const deltas = histogramDeltas([
      point(1000, buckets({ scale: 1, positive: { offset: 2, counts: [1, 2] } })),
      point(2000, buckets({ scale: 0, positive: { offset: 0, counts: [1, 4, 0] } })),
    ]);
    // Scale 1 buckets 2, 3 are within scale 0 bucket 1: the second interval holds 1 request in bucket 0, 1 in bucket 1.
    assert.deepEqual(
      deltas.map((d) => [d.fromMs, d.timeMs, d.count, d.counts, d.exponentialScale]),
      [
        [0, 1000, 3, [0, 0, 1, 2, 0], 1],
        [1000, 2000, 2, [0, 0, 1, 1, 0, 0], 0],
      ],
    );
    assert.deepEqual(deltas[1].boundsMs, [0, 1, 2, 4, 8]);
  });

  it('reports a point it cannot lay out as a bad line, and reads ProtoJSON defaults (scale 0, no zero count)', () => {
    const line = (point: Record<string, unknown>) =>
      JSON.stringify({
        resourceMetrics: [
          {
            scopeMetrics: [
              {
                metrics: [
                  {
                    name: 'http.server.request.duration',
                    unit: 'ms',
                    exponentialHistogram: {
                      aggregationTemporality: 1,
                      dataPoints: [{ timeUnixNano: '1700000000000000000', ...point }],
                    },
                  },
                ],
              },
            ],
          },
        ],
      });
    const read = readPoints(
      [
        line({ count: '3', positive: { offset: 3, bucketCounts: ['1', '2'] } }),
        line({ count: '3', scale: 21, positive: { bucketCounts: ['3'] } }),
        line({ count: '4', scale: 0, positive: { bucketCounts: ['3'] } }),
        line({ count: '1', scale: -10, positive: { offset: 2, bucketCounts: ['1'] } }),
        line({ count: '1', zero_count: '1', scale: '-2', negative: { offset: '-1', bucket_counts: [] } }),
      ].join('\n'),
    );
    assert.deepEqual(read.bad, [
      '2: http.server.request.duration: a scale that is not an integer from -10 to 20',
      '3: http.server.request.duration: the bucket counts add up to 3 but count is 4',
      '4: http.server.request.duration: bucket bounds beyond the range of numbers (scale -10)',
    ]);
    assert.deepEqual(
      read.points.map((p) => [p.temporality, p.count, p.boundsMs, p.counts, p.exponential?.scale]),
      [
        ['delta', 3, [0, 8, 16, 32], [0, 0, 1, 2, 0], 0],
        ['delta', 1, [0], [1, 0], -2],
      ],
    );
  });
});

describe('exponential histograms written by the OpenTelemetry Python SDK', () => {
  const expected = expectedOtlp();
  const { points, bad } = readPoints(fs.readFileSync(path.join(OTLP_FIXTURES, 'metrics-exponential.jsonl')));
  const statusOf = (p: OtlpHistogramPoint): number | null => {
    const m = /"http\.response\.status_code",(\d+)/.exec(p.series);
    return m ? Number(m[1]) : null;
  };

  it("reads every point's buckets as the SDK counted the generator's latencies", () => {
    assert.deepEqual(bad, []);
    assert.equal(points.length, 19);
    assert.ok(points.every((p) => p.exponential && p.temporality === 'cumulative'));
    // The SDK lowered the scale of some series between the two collections.
    assert.deepEqual(
      [...new Set(points.map((p) => p.exponential!.scale))].sort((a, b) => a - b),
      [4, 5, 6, 7, 20],
    );
    for (const p of points) {
      const c = expected.collectionsMs.indexOf(p.timeMs);
      const mine = expected.traces.filter(
        (r) => r.version === p.version && r.status === statusOf(p) && (r.collection ?? 0) <= c,
      );
      assert.equal(p.count, mine.length);
      const { scale, positive } = p.exponential!;
      // Bucket i of scale s holds (base^i, base^(i+1)] seconds: i = ceil(log2(v) * 2^s) - 1.
      const counts = new Array<number>(positive.counts.length).fill(0);
      for (const r of mine) counts[Math.ceil(Math.log2(r.latencyMs / 1000) * 2 ** scale) - 1 - positive.offset]++;
      assert.deepEqual(positive.counts, counts, p.series);
      assert.equal(p.boundsMs[1], bucketBase(scale, positive.offset) * 1000);
    }
  });

  it('has the exact bounds and counts of the first point (v1, status 500, first collection)', () => {
    const p = points[0];
    assert.deepEqual(
      [p.version, statusOf(p), p.error, p.count, p.exponential!.scale, p.exponential!.positive.offset],
      ['v1', 500, true, 7, 4, -93],
    );
    // (2^(-93/16), 2^(-92/16)] s = (17.79, 18.58] ms holds the fastest request, 18.405 ms.
    assert.ok(Math.abs(p.boundsMs[1] - 17.7936) < 1e-4 && Math.abs(p.boundsMs[2] - 18.5814) < 1e-4);
    assert.deepEqual(p.counts.slice(0, 4), [0, 0, 1, 0]);
    assert.equal(p.minMs, 18.405);
  });

  it("turns the cumulative points into each collection's requests and errors, as with explicit buckets", () => {
    const deltas = histogramDeltas(points);
    for (const version of ['v1', 'v2'])
      expected.collectionsMs.forEach((timeMs, c) => {
        const mine = deltas.filter((d) => d.version === version && d.timeMs === timeMs);
        const want = expected.histograms[version][c];
        assert.equal(
          mine.reduce((s, d) => s + d.count, 0),
          want.requests,
          `${version} collection ${c} requests`,
        );
        assert.equal(
          mine.filter((d) => d.error).reduce((s, d) => s + d.count, 0),
          want.errors,
          `${version} collection ${c} errors`,
        );
        assert.ok(mine.every((d) => d.counts.every((n) => n >= 0) && d.exponentialScale !== undefined));
      });
  });

  it('puts a percentile in the bucket that holds the exact one, within base - 1 of it', () => {
    // v2, status 200, both collections: 97 requests at scale 4.
    const p = points.find((x) => x.version === 'v2' && statusOf(x) === 200 && x.timeMs === expected.collectionsMs[1])!;
    assert.equal(p.count, 97);
    const sorted = expected.traces
      .filter((r) => r.version === 'v2' && r.status === 200)
      .map((r) => r.latencyMs)
      .sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1];
      const estimate = histogramQuantile(q, p.boundsMs, p.counts)!;
      const bucket = p.boundsMs.findIndex((b) => b >= exact);
      assert.ok(
        estimate > p.boundsMs[bucket - 1] && estimate <= p.boundsMs[bucket],
        `p${q * 100}: ${estimate} outside (${p.boundsMs[bucket - 1]}, ${p.boundsMs[bucket]}] of exact ${exact}`,
      );
      assert.ok(Math.abs(estimate - exact) <= exponentialRelativeError(4) * exact, `p${q * 100}`);
    }
    // The median, 144.165 ms, is in bucket -45 of scale 4: (2^(-45/16), 2^(-44/16)] s = (142.35, 148.65] ms.
    const median = histogramQuantile(0.5, p.boundsMs, p.counts)!;
    assert.ok(median > bucketBase(4, -45) * 1000 && median <= bucketBase(4, -44) * 1000, String(median));
  });
});
