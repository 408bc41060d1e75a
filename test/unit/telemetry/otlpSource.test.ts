// The otlp telemetry source on the OpenTelemetry SDK's files: spans through the aggregator, histograms where no span
// speaks of a version, configured field names, and what it says about files it cannot read.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { otlpLocations, otlpSource } from '../../../src/core/telemetry/otlpSource';
import { summarizeTelemetry } from '../../../src/core/telemetry/summarize';
import { percentileOfSorted } from '../../../src/core/telemetry/aggregate';
import { histogramQuantile } from '../../../src/core/formats/otlp/histogram';
import type { TelemetryConfig, TelemetryEvent, TelemetryReadContext } from '../../../src/core/telemetry/types';
import { expectedOtlp, OTLP_FIXTURES } from '../formats/otlp/fixtures';

describe('otlp telemetry source', () => {
  const expected = expectedOtlp();
  let root: string;
  const context = (config: Partial<TelemetryConfig> = {}): TelemetryReadContext => ({
    root,
    config: { sources: [], slos: [], ...config },
  });
  const put = (folder: string, ...names: string[]): void => {
    fs.mkdirSync(path.join(root, folder), { recursive: true });
    for (const name of names) fs.copyFileSync(path.join(OTLP_FIXTURES, name), path.join(root, folder, name));
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'otlp-source-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('summarizes the spans per model version: requests, errors, exact percentiles and callers', async () => {
    put('otel', 'traces.jsonl');
    const summary = await otlpSource.summarize('otel/traces.jsonl', {}, context());
    assert.deepEqual(summary.problems, []);
    assert.deepEqual(summary.sources, [{ kind: 'otlp', location: 'otel/traces.jsonl', events: 240, badLines: 0 }]);
    assert.deepEqual(summary.percentiles, { exact: true });
    assert.deepEqual(
      summary.groups.map((g) => g.key),
      ['churn@v1', 'churn@v2'],
    );
    for (const group of summary.groups) {
      const mine = expected.traces.filter((r) => r.version === group.version);
      const sorted = mine.map((r) => r.latencyMs).sort((a, b) => a - b);
      assert.equal(group.requests, 120);
      assert.equal(group.errors, mine.filter((r) => r.error).length);
      assert.equal(group.latency.p50, percentileOfSorted(sorted, 50));
      assert.equal(group.latency.p95, percentileOfSorted(sorted, 95));
      assert.equal(group.latency.p99, percentileOfSorted(sorted, 99));
      assert.equal(group.latency.max, sorted[sorted.length - 1]);
      assert.equal(group.uniqueCallers, 3);
      assert.equal(
        group.series.reduce((s, p) => s + p.requests, 0),
        120,
      );
      const byCaller = new Map<string, number>();
      for (const r of mine) byCaller.set(r.caller, (byCaller.get(r.caller) ?? 0) + 1);
      for (const c of group.topCallers) assert.equal(c.requests, byCaller.get(c.caller), c.caller);
    }
    // The regressed version is slower.
    assert.ok(summary.groups[1].latency.p95! > 3 * summary.groups[0].latency.p95!);
  });

  it('summarizes histograms alone, with interpolated percentiles and the same counts', async () => {
    put('otel', 'metrics.jsonl');
    const summary = await otlpSource.summarize('otel', {}, context());
    assert.deepEqual(summary.percentiles, { exact: false });
    assert.deepEqual(
      summary.groups.map((g) => [g.key, g.requests, g.errors]),
      [
        ['churn@v1', 120, 15],
        ['churn@v2', 120, 20],
      ],
    );
    assert.ok(summary.problems.some((p) => p.severity === 'info' && /histogram_quantile/.test(p.message)));
    for (const group of summary.groups) {
      assert.equal(
        group.series.reduce((s, p) => s + p.requests, 0),
        120,
      );
      // Each percentile lies in the bucket of the exact one, within a step (bucket width / its count) of
      // histogram_quantile's estimate.
      const sorted = expected.histograms[group.version].flatMap((h) => h.latenciesMs).sort((a, b) => a - b);
      const boundsMs = expected.boundariesSeconds.map((b) => b * 1000);
      const counts = new Array<number>(boundsMs.length + 1).fill(0);
      for (const h of expected.histograms[group.version]) h.buckets.forEach((c, i) => (counts[i] += c));
      for (const [q, figure] of [
        [0.5, group.latency.p50],
        [0.95, group.latency.p95],
        [0.99, group.latency.p99],
      ] as const) {
        const exact = sorted[Math.ceil(q * sorted.length) - 1];
        const bucket = boundsMs.findIndex((b) => b >= exact);
        const lower = bucket === 0 ? 0 : boundsMs[bucket - 1];
        assert.ok(
          figure! > lower && figure! <= boundsMs[bucket],
          `${group.key} p${q * 100} ${figure} vs exact ${exact}`,
        );
        const step = (boundsMs[bucket] - lower) / counts[bucket];
        const estimate = histogramQuantile(q, boundsMs, counts)!;
        assert.ok(
          Math.abs(figure! - estimate) <= step,
          `${group.key} p${q * 100} ${figure} vs histogram_quantile ${estimate}`,
        );
      }
    }
  });

  it('summarizes exponential histograms alone: the same counts, percentiles within the stated relative error', async () => {
    put('otel', 'metrics-exponential.jsonl');
    const summary = await otlpSource.summarize('otel', {}, context());
    // The coarsest scale the SDK chose is 4: base 2^(1/16), so within 2^(1/16) - 1 = 4.43%.
    const bound = Math.pow(2, 1 / 16) - 1;
    assert.deepEqual(summary.percentiles, { exact: false, relativeError: bound });
    assert.deepEqual(
      summary.problems.map((p) => [p.severity, p.message]),
      [
        [
          'info',
          'churn@v1, churn@v2: from exponential histograms; latency percentiles are interpolated within buckets of scale 4 or finer, so within 4.43% of the true value.',
        ],
      ],
    );
    assert.deepEqual(
      summary.groups.map((g) => [g.key, g.requests, g.errors]),
      [
        ['churn@v1', 120, 15],
        ['churn@v2', 120, 20],
      ],
    );
    for (const group of summary.groups) {
      const sorted = expected.traces
        .filter((r) => r.version === group.version)
        .map((r) => r.latencyMs)
        .sort((a, b) => a - b);
      for (const [p, figure] of [
        [50, group.latency.p50],
        [95, group.latency.p95],
        [99, group.latency.p99],
      ] as const) {
        const exact = percentileOfSorted(sorted, p)!;
        assert.ok(Math.abs(figure! - exact) <= bound * exact, `${group.key} p${p} ${figure} vs exact ${exact}`);
      }
    }
  });

  it('reads a folder: spans win over histograms of the same versions; a service without model attributes joins', async () => {
    put('otel', 'traces.jsonl', 'metrics.jsonl', 'traces-single.json');
    const summary = await otlpSource.summarize('otel', { by: 'version' }, context());
    assert.deepEqual(
      summary.groups.map((g) => [g.key, g.requests, g.errors]),
      [
        ['churn@v1', 120, 15],
        ['churn@v2', 120, 20],
        ['fraud-model-server@2.0.0', 10, 1],
      ],
    );
    assert.deepEqual(summary.percentiles, { exact: true });
    assert.ok(
      summary.problems.some((p) =>
        /churn@v1, churn@v2: spans counted, the histograms of the same requests left out/.test(p.message),
      ),
    );
  });

  it('says which file in a folder is not OTLP JSON and reads the others', async () => {
    put('otlp', 'traces.jsonl', 'expected.json');
    const summary = await otlpSource.summarize('otlp', {}, context());
    assert.deepEqual(
      summary.sources.map((s) => [s.location, s.events]),
      [
        ['otlp/expected.json', 0],
        ['otlp/traces.jsonl', 240],
      ],
    );
    assert.deepEqual(
      summary.problems.map((p) => [p.severity, p.file]),
      [['warning', 'otlp/expected.json']],
    );
    assert.match(summary.problems[0].message, /is not OTLP JSON/);
  });

  it('lists the first bad lines with their numbers and counts the rest', async () => {
    fs.mkdirSync(path.join(root, 'otel'));
    const good = fs.readFileSync(path.join(OTLP_FIXTURES, 'traces.jsonl'), 'utf8').split('\n')[0];
    fs.writeFileSync(path.join(root, 'otel', 'bad.jsonl'), [good, ...Array<string>(7).fill('{oops'), good].join('\n'));
    const summary = await otlpSource.summarize('otel/bad.jsonl', {}, context());
    assert.equal(summary.sources[0].badLines, 7);
    assert.deepEqual(
      summary.problems.map((p) => p.line),
      [2, 3, 4, 5, 6, undefined],
    );
    assert.match(summary.problems[5].message, /7 records could not be read/);
  });

  it('uses the fields of the telemetry.sources entry with the same path', async () => {
    put('otel', 'traces.jsonl');
    const summary = await otlpSource.summarize(
      'otel/traces.jsonl',
      { by: 'caller' },
      context({ sources: [{ path: 'otel/traces.jsonl', fields: { caller: 'client.address' } }] }),
    );
    // enduser.id no longer wins: the billing service is counted by its address.
    assert.deepEqual(summary.groups.map((g) => g.key).sort(), ['', '10.0.0.12', '10.0.0.7']);
  });

  it('reports a location that does not exist, or an unreadable gzip file, as problems', async () => {
    const missing = await otlpSource.summarize('nowhere.jsonl', {}, context());
    assert.deepEqual(missing.groups, []);
    assert.match(missing.problems[0].message, /nowhere\.jsonl: no such file or folder/);
    fs.writeFileSync(path.join(root, 'broken.otlp.jsonl.gz'), Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]));
    const broken = await otlpSource.summarize('broken.otlp.jsonl.gz', {}, context());
    assert.equal(broken.problems[0].severity, 'error');
    assert.match(broken.problems[0].message, /not a readable gzip file/);
  });

  it('hands out the span events in batches, and matches its discovery globs', async () => {
    put('otel', 'traces.jsonl', 'metrics.jsonl');
    const events: TelemetryEvent[] = [];
    for await (const batch of otlpSource.events!('otel', context())) events.push(...batch);
    assert.equal(events.length, 240);
    const globs = otlpSource.discovery === 'server' ? [] : otlpSource.discovery.globs;
    assert.ok(globs.length > 0);
  });

  it('is found by discovery and read folder by folder through summarizeTelemetry (no request counted twice)', async () => {
    put('services/otel', 'traces.jsonl', 'metrics.jsonl', 'traces-single.json');
    put('exports', 'metrics-delta.jsonl');
    fs.renameSync(path.join(root, 'exports', 'metrics-delta.jsonl'), path.join(root, 'exports', 'fraud.otlp.jsonl'));
    fs.writeFileSync(path.join(root, 'package.json'), '{"name": "not telemetry"}');
    const summary = await summarizeTelemetry(context(), {});
    assert.deepEqual(
      summary.groups.map((g) => [g.key, g.requests, g.errors]),
      [
        ['churn@v1', 120 + 120, 15 + 15],
        ['churn@v2', 120 + 120, 20 + 20],
        ['fraud-model-server@2.0.0', 10, 1],
      ],
      'services/otel: spans only (its histograms are the same requests); exports/fraud.otlp.jsonl: histograms',
    );
    assert.deepEqual(summary.percentiles, { exact: false }, 'the fraud model’s percentiles come from its histograms');
    assert.deepEqual(
      summary.sources.map((s) => [s.kind, s.location, s.events]),
      [
        ['otlp', 'exports/fraud.otlp.jsonl', 240],
        ['otlp', 'services/otel/traces-single.json', 10],
        ['otlp', 'services/otel/traces.jsonl', 240],
        ['otlp', 'services/otel/metrics.jsonl', 0],
      ],
    );
  });

  it('is read through summarizeTelemetry for a configured .jsonl file with format: otlp', async () => {
    put('var', 'traces.jsonl');
    const summary = await summarizeTelemetry(
      context({ sources: [{ path: 'var/traces.jsonl', format: 'otlp', fields: {} }] }),
      { by: 'model' },
    );
    assert.deepEqual(
      summary.groups.map((g) => [g.key, g.requests]),
      [['churn', 240]],
    );
    assert.deepEqual(summary.percentiles, { exact: true });
  });

  it('locates discovered files: otel folders as a whole, other files on their own', () => {
    const abs = (...files: string[]) => files.map((f) => path.join(root, ...f.split('/')));
    assert.deepEqual(
      otlpLocations(
        abs('a/otel/t.jsonl', 'a/otel/sub/m.jsonl', 'b/x.otlp.json', 'otlp/y.json', 'otlp/deeper/otel/z.json'),
        root,
      ),
      ['a/otel', 'b/x.otlp.json', 'otlp'],
    );
  });
});
