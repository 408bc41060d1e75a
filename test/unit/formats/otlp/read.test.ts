// The OTLP JSON reader on files the OpenTelemetry Python SDK's file exporters wrote (test/fixtures/telemetry/otlp,
// made by test/interop/telemetry/generateOtlp.py): what it reads equals what the generator sent.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import {
  anyValue,
  looksLikeOtlp,
  OtlpFormatError,
  readOtlpBuffer,
  readOtlpFile,
  type OtlpHistogramPoint,
  type OtlpReadOptions,
  type OtlpReadStats,
} from '../../../../src/core/formats/otlp/read';
import {
  histogramDeltas,
  HistogramSpreader,
  histogramQuantile,
  type HistogramDelta,
} from '../../../../src/core/formats/otlp/histogram';
import type { TelemetryEvent } from '../../../../src/core/telemetry/types';
import { expectedOtlp, OTLP_FIXTURES, type ExpectedRequest } from './fixtures';

interface Collected {
  events: TelemetryEvent[];
  points: OtlpHistogramPoint[];
  bad: { line: number; reason: string }[];
  stats: OtlpReadStats;
}

function readBytes(bytes: Uint8Array, options?: OtlpReadOptions): Collected {
  const out: Omit<Collected, 'stats'> = { events: [], points: [], bad: [] };
  const stats = readOtlpBuffer(bytes, 'test.jsonl', sinkOf(out), options);
  return { ...out, stats };
}

function sinkOf(out: Omit<Collected, 'stats'>) {
  return {
    event: (e: TelemetryEvent) => out.events.push(e),
    histogram: (p: OtlpHistogramPoint) => out.points.push(p),
    bad: (line: number, reason: string) => out.bad.push({ line, reason }),
  };
}

async function readFixtureFile(file: string, options?: OtlpReadOptions): Promise<Collected> {
  const out: Omit<Collected, 'stats'> = { events: [], points: [], bad: [] };
  const stats = await readOtlpFile(file, sinkOf(out), options);
  return { ...out, stats };
}

const fixture = (name: string): Buffer => fs.readFileSync(path.join(OTLP_FIXTURES, name));

/** The fields the generator knows, in time order. */
function comparable(events: readonly TelemetryEvent[]) {
  return events
    .map((e) => ({
      timeMs: e.time,
      latencyMs: e.latencyMs,
      model: e.model,
      version: e.version,
      caller: e.caller,
      error: e.error,
    }))
    .sort((a, b) => a.timeMs - b.timeMs);
}

const expectedComparable = (requests: readonly ExpectedRequest[]) =>
  requests
    .map((r) => ({
      timeMs: r.timeMs,
      latencyMs: r.latencyMs,
      model: r.model,
      version: r.version,
      caller: r.caller,
      error: r.error,
    }))
    .sort((a, b) => a.timeMs - b.timeMs);

describe('OTLP JSON reader (files written by the OpenTelemetry Python SDK)', () => {
  const expected = expectedOtlp();

  it("reads every server span of the file exporter's JSON lines as the request the generator made", () => {
    const read = readBytes(fixture('traces.jsonl'));
    assert.deepEqual(read.bad, []);
    assert.equal(read.stats.layout, 'lines');
    assert.deepEqual(read.stats.kinds, ['traces']);
    assert.equal(
      read.stats.requests,
      fs.readFileSync(path.join(OTLP_FIXTURES, 'traces.jsonl'), 'utf8').trim().split('\n').length,
    );
    // Three spans a request (server, client, internal); only the server span is a request.
    assert.equal(read.stats.spans, 3 * expected.traces.length);
    assert.equal(read.events.length, 240);
    assert.deepEqual(comparable(read.events), expectedComparable(expected.traces));
  });

  it('counts errors from span status 2, HTTP 5xx without a status, and exceptions without a response; not 4xx', () => {
    const events = readBytes(fixture('traces.jsonl')).events;
    const byStatus = new Map<string, { n: number; errors: number }>();
    for (const r of expected.traces) {
      const key = String(r.status);
      const c = byStatus.get(key) ?? { n: 0, errors: 0 };
      c.n++;
      if (r.error) c.errors++;
      byStatus.set(key, c);
    }
    assert.deepEqual(byStatus.get('404')?.errors, 0);
    assert.ok((byStatus.get('404')?.n ?? 0) > 0);
    assert.equal(byStatus.get('503')?.errors, byStatus.get('503')?.n);
    assert.ok((byStatus.get('null')?.n ?? 0) > 0, 'the generator made requests that raised before responding');
    const errors = { v1: 0, v2: 0 } as Record<string, number>;
    for (const e of events) if (e.error) errors[e.version]++;
    assert.deepEqual(errors, { v1: 15, v2: 20 });
    assert.equal(events.filter((e) => e.error).length, expected.traces.filter((r) => r.error).length);
  });

  it('names the caller by enduser.id before client.address before user_agent.original', () => {
    const callers = new Map<string, number>();
    for (const e of readBytes(fixture('traces.jsonl')).events) callers.set(e.caller, (callers.get(e.caller) ?? 0) + 1);
    assert.deepEqual([...callers].sort(), [
      ['10.0.0.7', 70],
      ['batch-scorer/2.1', 53],
      ['billing-svc', 117],
    ]);
  });

  it('reads one indented request (no model attributes: service.name and service.version name the model)', () => {
    const read = readBytes(fixture('traces-single.json'));
    assert.equal(read.stats.layout, 'document');
    assert.deepEqual(read.bad, []);
    assert.deepEqual(comparable(read.events), expectedComparable(expected.single));
    assert.deepEqual(
      read.events.map((e) => `${e.model}@${e.version}`).filter((v, i, a) => a.indexOf(v) === i),
      ['fraud-model-server@2.0.0'],
    );
  });

  it('reads the same events from a gzip file, from disk a chunk at a time, and through a buffer', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'otlp-read-'));
    try {
      const gz = path.join(tmp, 'traces.jsonl.gz');
      fs.writeFileSync(gz, gzipSync(fixture('traces.jsonl')));
      const fromGzip = await readFixtureFile(gz);
      const fromBuffer = readBytes(gzipSync(fixture('traces.jsonl')));
      const plain = await readFixtureFile(path.join(OTLP_FIXTURES, 'traces.jsonl'));
      assert.equal(plain.events.length, 240);
      assert.deepEqual(fromGzip.events, plain.events);
      assert.deepEqual(fromBuffer.events, plain.events);
      const single = await readFixtureFile(path.join(OTLP_FIXTURES, 'traces-single.json'));
      assert.deepEqual(comparable(single.events), expectedComparable(expected.single));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  });

  for (const [file, temporality] of [
    ['metrics.jsonl', 'cumulative'],
    ['metrics-delta.jsonl', 'delta'],
  ] as const) {
    it(`turns ${temporality} http.server.request.duration histograms into each collection's requests, errors and buckets`, () => {
      const read = readBytes(fixture(file));
      assert.deepEqual(read.bad, []);
      assert.deepEqual(read.stats.kinds, ['metrics']);
      assert.ok(read.points.every((p) => p.temporality === temporality));
      // Seconds in the file, milliseconds here.
      assert.deepEqual(
        read.points[0].boundsMs,
        expected.boundariesSeconds.map((b) => b * 1000),
      );
      const deltas = histogramDeltas(read.points);
      for (const version of ['v1', 'v2']) {
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
          assert.deepEqual(bucketTotals(mine), want.buckets, `${version} collection ${c} buckets`);
          assert.ok(mine.every((d) => d.model === 'churn'));
          // The mean from the histogram sums equals the mean of the raw latencies.
          const mean = want.latenciesMs.reduce((a, b) => a + b, 0) / want.latenciesMs.length;
          const sumMs = mine.reduce((s, d) => s + d.sumMs!, 0);
          assert.ok(Math.abs(sumMs / want.requests - mean) < 1e-9 * mean, `${version} collection ${c} mean`);
        });
      }
    });
  }

  it("estimates quantiles in the bucket that holds the exact one (histogram_quantile's interpolation)", () => {
    const deltas = histogramDeltas(readBytes(fixture('metrics.jsonl')).points);
    for (const version of ['v1', 'v2']) {
      const counts = bucketTotals(deltas.filter((x) => x.version === version));
      const boundsMs = expected.boundariesSeconds.map((b) => b * 1000);
      const sorted = expected.histograms[version].flatMap((h) => h.latenciesMs).sort((a, b) => a - b);
      const bounds = [0, ...expected.boundariesSeconds.map((b) => b * 1000)];
      for (const q of [0.5, 0.95, 0.99]) {
        const exact = sorted[Math.ceil(q * sorted.length) - 1];
        const estimate = histogramQuantile(q, boundsMs, counts)!;
        const bucket = bounds.findIndex((b) => b >= exact);
        assert.ok(
          estimate > bounds[bucket - 1] && estimate <= bounds[bucket],
          `${version} p${q * 100}: ${estimate} outside (${bounds[bucket - 1]}, ${bounds[bucket]}] of exact ${exact}`,
        );
      }
    }
  });
});

/** Bucket counts added up over intervals (all with the same bounds). */
function bucketTotals(deltas: readonly HistogramDelta[]): number[] {
  const out = new Array<number>(deltas[0].counts.length).fill(0);
  for (const d of deltas) d.counts.forEach((c, i) => (out[i] += c));
  return out;
}

describe('histogram quantiles (as Prometheus histogram_quantile)', () => {
  it('interpolates linearly inside the bucket of the rank; the first bucket starts at 0', () => {
    // le=1: 10, le=2: 10, le=4: 20, +Inf: 0
    assert.equal(histogramQuantile(0.5, [1, 2, 4], [10, 10, 20, 0]), 2);
    assert.equal(histogramQuantile(0.95, [1, 2, 4], [10, 10, 20, 0]), 3.8);
    assert.equal(histogramQuantile(0.1, [1, 2, 4], [10, 10, 20, 0]), 0.4);
    assert.equal(histogramQuantile(0.25, [1, 2, 4], [10, 10, 20, 0]), 1);
  });

  it('answers the highest finite bound in the +Inf bucket, or the recorded maximum', () => {
    assert.equal(histogramQuantile(0.99, [1, 2], [1, 1, 8]), 2);
    assert.equal(histogramQuantile(0.99, [1, 2], [1, 1, 8], 7.5), 7.5);
    assert.equal(histogramQuantile(0.5, [1, 2], [0, 4, 0], 1.5), 1.5, 'capped at the maximum');
  });

  it("spreads intervals' requests evenly within their buckets (over all intervals) and over each interval's time", () => {
    const delta: HistogramDelta = {
      series: 's',
      model: 'm',
      version: 'v',
      error: true,
      fromMs: 1000,
      timeMs: 2000,
      count: 5,
      boundsMs: [10, 20],
      counts: [2, 2, 1],
      maxMs: 35,
      line: 4,
    };
    const second = { ...delta, fromMs: 2000, timeMs: 3000, count: 2, counts: [2, 0, 0] };
    const spreader = new HistogramSpreader([delta, second]);
    const events = [...spreader.events(delta)];
    assert.deepEqual(
      events.map((e) => [e.time, e.latencyMs, e.error, e.line, e.caller]),
      [
        [1100, 1.25, true, 4, ''],
        [1300, 8.75, true, 4, ''],
        [1500, 12.5, true, 4, ''],
        [1700, 17.5, true, 4, ''],
        [1900, 35, true, 4, ''],
      ],
    );
    // The second interval takes the first bucket's other places: together they are evenly spaced.
    assert.deepEqual(
      [...spreader.events(second)].map((e) => [e.time, e.latencyMs]),
      [
        [2250, 6.25],
        [2750, 3.75],
      ],
    );
  });

  it('has no answer without requests or for q outside 0..1', () => {
    assert.equal(histogramQuantile(0.5, [1, 2], [0, 0, 0]), undefined);
    assert.equal(histogramQuantile(1.5, [1, 2], [1, 0, 0]), undefined);
    assert.equal(histogramQuantile(0.5, [], [3]), undefined);
  });
});

describe('OTLP JSON reader: layouts, names and values', () => {
  const line = (spans: unknown[], resource: Record<string, string> = { 'service.name': 'svc' }) =>
    JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: Object.entries(resource).map(([key, v]) => ({ key, value: { stringValue: v } })) },
          scopeSpans: [{ scope: { name: 's' }, spans }],
        },
      ],
    });
  const span = (extra: Record<string, unknown> = {}) => ({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    name: 'POST /predict',
    kind: 2,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000000250000000',
    ...extra,
  });

  it('reports bad lines with their numbers and reads the rest', () => {
    const text = [
      line([span()]),
      '{not json',
      '',
      '{"hello": 1}',
      line([span({ startTimeUnixNano: 'x' })]),
      line([span()]),
    ].join('\n');
    const read = readBytes(Buffer.from(text));
    assert.equal(read.events.length, 2);
    assert.deepEqual(read.bad, [
      { line: 2, reason: 'not valid JSON' },
      { line: 4, reason: 'not an OTLP export request (no resourceSpans, resourceMetrics or resourceLogs)' },
      { line: 5, reason: "span 'POST /predict' has no startTimeUnixNano" },
    ]);
    assert.deepEqual(
      read.events.map((e) => e.line),
      [1, 6],
    );
    assert.deepEqual(
      read.events.map((e) => [e.time, e.latencyMs, e.model, e.version]),
      [
        [1_700_000_000_000, 250, 'svc', ''],
        [1_700_000_000_000, 250, 'svc', ''],
      ],
    );
  });

  it('refuses a file with no OTLP request at all, naming its first bad line', () => {
    assert.throws(
      () => readBytes(Buffer.from('{"ts": 1, "model": "m"}\n{"ts": 2}\n')),
      (err: unknown) =>
        err instanceof OtlpFormatError &&
        err.line === 1 &&
        /not OTLP JSON: no line is an OTLP export request \(line 1/.test(err.message),
    );
  });

  it('reports where an indented document stops being JSON', () => {
    assert.throws(
      () => readBytes(Buffer.from('{\n  "resourceSpans": [\n    {,\n  ]\n}\n')),
      (err: unknown) => err instanceof OtlpFormatError && err.line === 3 && /:3: not valid JSON/.test(err.message),
    );
  });

  it('bounds memory: an indented document over the limit is refused, a line over the limit is skipped', () => {
    const doc = Buffer.from(`{\n"resourceSpans": []\n${' '.repeat(2000)}}\n`);
    assert.throws(
      () => readBytes(doc, { maxDocumentBytes: 1000 }),
      (err: unknown) => err instanceof OtlpFormatError && /larger than 1000 bytes; write JSON lines/.test(err.message),
    );
    const long = line([span({ name: 'x'.repeat(5000) })]);
    const read = readBytes(Buffer.from([line([span()]), long, line([span()])].join('\n')), { maxLineBytes: 4000 });
    assert.equal(read.events.length, 2);
    assert.deepEqual(read.bad, [{ line: 2, reason: 'longer than 4000 bytes: skipped' }]);
    assert.deepEqual(
      read.events.map((e) => e.line),
      [1, 3],
    );
  });

  it('takes snake_case names, numbers for 64-bit integers, enum names, and a JSON array of requests', () => {
    const snake = {
      resource_spans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { string_value: 'svc' } }] },
          scope_spans: [
            {
              spans: [
                {
                  name: 'GET /',
                  kind: 'SPAN_KIND_SERVER',
                  start_time_unix_nano: 1_700_000_000_000_000,
                  end_time_unix_nano: 1_700_000_001_000_000,
                  attributes: [{ key: 'http.response.status_code', value: { int_value: 502 } }],
                  status: { code: 'STATUS_CODE_UNSET' },
                },
                { name: 'client', kind: 'SPAN_KIND_CLIENT', start_time_unix_nano: '1' },
              ],
            },
          ],
        },
      ],
    };
    const read = readBytes(
      Buffer.from(`[\n${JSON.stringify(snake)},\n${line([span({ kind: 'SPAN_KIND_INTERNAL' })])}\n]\n`),
    );
    assert.deepEqual(read.bad, []);
    assert.deepEqual(
      read.events.map((e) => [e.time, e.latencyMs, e.error]),
      [
        [1_700_000_000, 1, true],
        [1_700_000_000_000, 250, false],
      ],
    );
  });

  it('converts attribute values of every kind', () => {
    assert.equal(anyValue({ stringValue: 'a' }), 'a');
    assert.equal(anyValue({ boolValue: false }), false);
    assert.equal(anyValue({ intValue: '42' }), 42);
    assert.equal(anyValue({ intValue: '-9223372036854775808' }), '-9223372036854775808');
    assert.equal(anyValue({ doubleValue: 0.5 }), 0.5);
    assert.ok(Number.isNaN(anyValue({ doubleValue: 'NaN' })));
    assert.equal(anyValue({ doubleValue: '-Infinity' }), -Infinity);
    assert.equal(anyValue({ bytesValue: 'AAE=' }), 'AAE=');
    assert.deepEqual(anyValue({ arrayValue: { values: [{ intValue: 1 }, { stringValue: 'b' }, {}] } }), [
      1,
      'b',
      undefined,
    ]);
    assert.deepEqual(
      { ...(anyValue({ kvlistValue: { values: [{ key: 'k', value: { boolValue: true } }] } }) as object) },
      { k: true },
    );
    assert.equal(anyValue({}), undefined);
    assert.equal(anyValue('x'), undefined);
  });

  it('maps fields named in telemetry.sources[].fields, the source model and a latency attribute', () => {
    const attrs = [
      { key: 'deployment.id', value: { stringValue: 'blue' } },
      { key: 'tenant', value: { stringValue: 'acme' } },
      { key: 'enduser.id', value: { stringValue: 'ignored' } },
      { key: 'duration_s', value: { doubleValue: 0.125 } },
      { key: 'model.input.age', value: { intValue: '41' } },
      { key: 'model.input.plan', value: { stringValue: 'pro' } },
      { key: 'rss_mb', value: { doubleValue: 812.5 } },
      { key: 'score', value: { doubleValue: 0.9 } },
      { key: 'failed', value: { boolValue: true } },
    ];
    const read = readBytes(
      Buffer.from(line([span({ attributes: attrs })], { 'service.name': 'svc', 'service.version': '3' })),
      {
        fields: {
          version: 'deployment.id',
          caller: 'tenant',
          latency: 'duration_s',
          features: 'model.input.',
          memory: 'rss_mb',
          prediction: 'score',
          error: 'failed',
        },
        latencyUnit: 's',
        model: 'churn',
      },
    );
    const e = read.events[0];
    assert.deepEqual(
      [e.model, e.version, e.caller, e.latencyMs, e.memoryMb, e.prediction, e.error],
      ['churn', 'blue', 'acme', 125, 812.5, 0.9, true],
    );
    assert.deepEqual({ ...e.features }, { age: 41, plan: 'pro' });
  });

  it('tells OTLP JSON from a prediction log by its first bytes', () => {
    assert.equal(looksLikeOtlp(fixture('traces.jsonl')), true);
    assert.equal(looksLikeOtlp(fixture('traces-single.json')), true);
    assert.equal(looksLikeOtlp(fixture('metrics.jsonl')), true);
    assert.equal(looksLikeOtlp('{"timestamp": "2024-01-01", "model": "m"}'), false);
  });

  it('differences cumulative points per series and starts again after a restart', () => {
    const point = (timeMs: number, startMs: number, counts: number[]): OtlpHistogramPoint => ({
      series: 's',
      metric: 'http.server.request.duration',
      model: 'm',
      version: 'v',
      error: false,
      temporality: 'cumulative',
      startMs,
      timeMs,
      count: counts.reduce((a, b) => a + b, 0),
      boundsMs: [10, 100],
      counts,
      line: 1,
    });
    const deltas = histogramDeltas([
      point(2000, 0, [3, 4, 0]),
      point(1000, 0, [1, 2, 0]),
      point(3000, 2500, [1, 0, 0]),
    ]);
    assert.deepEqual(
      deltas.map((d) => [d.fromMs, d.timeMs, d.count, d.counts]),
      [
        [0, 1000, 3, [1, 2, 0]],
        [1000, 2000, 4, [2, 2, 0]],
        [2500, 3000, 1, [1, 0, 0]],
      ],
    );
  });
});
