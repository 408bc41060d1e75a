// OTLP JSON from the real OpenTelemetry Python SDK: generateOtlp.py writes spans and request-duration histograms with
// the SDK's OTLP JSON file exporters; the committed fixtures must be what it writes today, and our reader must read
// from the fresh files exactly the requests the generator sent. Needs MLOPS_PYTHON (the interop environment).
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { root } from '../harness/paths';
import { histogramDeltas } from '../../src/core/formats/otlp/histogram';
import { readOtlpFile, type OtlpHistogramPoint } from '../../src/core/formats/otlp/read';
import type { TelemetryEvent } from '../../src/core/telemetry/types';
import { OTLP_FIXTURES, type ExpectedOtlp } from '../unit/formats/otlp/fixtures';

const run = promisify(execFile);
const FILES = [
  'traces.jsonl',
  'traces-single.json',
  'metrics.jsonl',
  'metrics-delta.jsonl',
  'metrics-exponential.jsonl',
  'expected.json',
];

describe('OpenTelemetry interop (real opentelemetry-sdk 1.45 and its OTLP JSON file exporters)', function () {
  this.timeout(120_000);
  let tmp: string;

  before(async () => {
    const python = process.env.MLOPS_PYTHON;
    if (!python)
      throw new Error(
        'MLOPS_PYTHON is not set: run `npm run test:interop`, or set it to the interop virtual environment (.cache/venv/bin/python).',
      );
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'otlp-interop-'));
    await run(python, [path.join(root, 'test', 'interop', 'telemetry', 'generateOtlp.py'), tmp], {
      env: { ...process.env, PYTHONWARNINGS: 'ignore' },
    });
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('regenerates the committed fixtures byte for byte', () => {
    assert.deepEqual(fs.readdirSync(tmp).sort(), [...FILES].sort());
    const stale = FILES.filter(
      (f) => !fs.readFileSync(path.join(tmp, f)).equals(fs.readFileSync(path.join(OTLP_FIXTURES, f))),
    );
    assert.deepEqual(
      stale,
      [],
      'refresh them: .cache/venv/bin/python test/interop/telemetry/generateOtlp.py test/fixtures/telemetry/otlp',
    );
  });

  it('reads from the fresh files the requests the generator sent, and the histograms it recorded', async () => {
    const expected = JSON.parse(fs.readFileSync(path.join(tmp, 'expected.json'), 'utf8')) as ExpectedOtlp;
    const read = async (name: string) => {
      const events: TelemetryEvent[] = [];
      const points: OtlpHistogramPoint[] = [];
      const bad: string[] = [];
      await readOtlpFile(path.join(tmp, name), {
        event: (e) => events.push(e),
        histogram: (p) => points.push(p),
        bad: (line, reason) => bad.push(`${line}: ${reason}`),
      });
      assert.deepEqual(bad, [], name);
      return { events, points };
    };
    const strip = (
      list: {
        timeMs?: number;
        time?: number;
        latencyMs?: number;
        model: string;
        version: string;
        caller: string;
        error: boolean;
      }[],
    ) =>
      list
        .map((r) => [r.timeMs ?? r.time, r.latencyMs, r.model, r.version, r.caller, r.error] as const)
        .sort((a, b) => a[0]! - b[0]!);
    assert.deepEqual(strip((await read('traces.jsonl')).events), strip(expected.traces));
    assert.deepEqual(strip((await read('traces-single.json')).events), strip(expected.single));
    for (const name of ['metrics.jsonl', 'metrics-delta.jsonl', 'metrics-exponential.jsonl']) {
      const deltas = histogramDeltas((await read(name)).points);
      for (const version of ['v1', 'v2'])
        expected.collectionsMs.forEach((timeMs, c) => {
          const mine = deltas.filter((d) => d.version === version && d.timeMs === timeMs);
          const buckets = new Array<number>(expected.boundariesSeconds.length + 1).fill(0);
          for (const d of mine) d.counts.forEach((n, i) => (buckets[i] += n));
          const want = expected.histograms[version][c];
          if (name === 'metrics-exponential.jsonl') {
            // Exponential buckets differ between series (scales): counts and errors here, buckets in the next test.
            assert.deepEqual(
              [mine.reduce((s, d) => s + d.count, 0), mine.filter((d) => d.error).reduce((s, d) => s + d.count, 0)],
              [want.requests, want.errors],
              `${name} ${version} collection ${c}`,
            );
            return;
          }
          assert.deepEqual(
            [
              mine.reduce((s, d) => s + d.count, 0),
              mine.filter((d) => d.error).reduce((s, d) => s + d.count, 0),
              buckets,
            ],
            [want.requests, want.errors, want.buckets],
            `${name} ${version} collection ${c}`,
          );
        });
    }
  });

  it("counts the generator's latencies in the exponential buckets the SDK chose, each point at its own scale", async () => {
    const expected = JSON.parse(fs.readFileSync(path.join(tmp, 'expected.json'), 'utf8')) as ExpectedOtlp;
    const points: OtlpHistogramPoint[] = [];
    await readOtlpFile(path.join(tmp, 'metrics-exponential.jsonl'), {
      event: () => undefined,
      histogram: (p) => points.push(p),
      bad: (line, reason) => assert.fail(`${line}: ${reason}`),
    });
    assert.ok(points.length > 0);
    for (const p of points) {
      const status = /"http\.response\.status_code",(\d+)/.exec(p.series);
      const c = expected.collectionsMs.indexOf(p.timeMs);
      const mine = expected.traces.filter(
        (r) => r.version === p.version && r.status === (status ? Number(status[1]) : null) && (r.collection ?? 0) <= c,
      );
      const { scale, positive } = p.exponential!;
      const counts = new Array<number>(positive.counts.length).fill(0);
      for (const r of mine) counts[Math.ceil(Math.log2(r.latencyMs / 1000) * 2 ** scale) - 1 - positive.offset]++;
      assert.deepEqual([p.count, positive.counts], [mine.length, counts], p.series);
    }
  });
});
