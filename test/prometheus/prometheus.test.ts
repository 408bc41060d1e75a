// The Prometheus source against a live Prometheus (the Debian package) scraping a seeded exporter every second:
// the figures our client and source read back equal the exporter's own counts.
import assert from 'node:assert/strict';
import { PrometheusApiError, PrometheusClient } from '../../src/core/formats/prometheus/api';
import { prometheusSource, summarizePrometheus } from '../../src/core/telemetry/prometheusSource';
import { summarizeTelemetry } from '../../src/core/telemetry/summarize';
import type { TelemetryConfig, TelemetryGroup, TelemetrySummary } from '../../src/core/telemetry/types';
import {
  instantValue,
  LATENCY_BOUNDS,
  startExporter,
  startPrometheus,
  waitFor,
  type Exporter,
  type PrometheusServer,
} from '../helpers/prometheus';

const EMPTY_CONFIG: TelemetryConfig = { sources: [], slos: [] };
const LOAD = { seed: 16, batches: 12, perBatch: 50, intervalMs: 250 };

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

/** The exact q-quantile of a sample (the smallest value with at least q of the values at or below it). */
function exactQuantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

/** The histogram bucket (lower, upper bound in ms) a latency in seconds falls in. */
function bucketOf(seconds: number): [number, number] {
  let lower = 0;
  for (const le of LATENCY_BOUNDS) {
    if (seconds <= le) return [lower * 1000, le * 1000];
    lower = le;
  }
  return [lower * 1000, Infinity];
}

describe('Prometheus source against a live Prometheus', function () {
  this.timeout(120_000);
  let exporter: Exporter;
  let prometheus: PrometheusServer;
  let from: number;
  let to: number;

  before(async function () {
    exporter = await startExporter();
    prometheus = await startPrometheus({ targets: [exporter.target] });
    // Every series scraped at zero before the load starts.
    await waitFor(
      'the exporter scraped',
      async () => ((await instantValue(prometheus.url, 'count(model_requests_total)')) === 6 ? true : undefined),
      30_000,
    );
    from = Date.now() - 2000;
    await exporter.run(LOAD);
    const total = exporter.total();
    assert.equal(total, LOAD.batches * LOAD.perBatch);
    await waitFor(
      'the last batch scraped',
      async () =>
        (await instantValue(prometheus.url, 'sum(model_requests_total)')) === total &&
        (await instantValue(prometheus.url, 'sum(model_request_duration_seconds_count)')) === total
          ? true
          : undefined,
      30_000,
    );
    to = Date.now();
  });

  after(async function () {
    await prometheus?.stop();
    await exporter?.stop();
  });

  function byKey(summary: TelemetrySummary): Map<string, TelemetryGroup> {
    return new Map(summary.groups.map((g) => [g.key, g]));
  }

  it('reads requests, errors and the error rate per version equal to the exporter’s counts, callers included', async function () {
    const summary = await prometheusSource.summarize(prometheus.url, { from, to }, { root: '.', config: EMPTY_CONFIG });
    assert.deepEqual(summary.problems, []);
    assert.deepEqual(summary.sources, [{ kind: 'prometheus', location: prometheus.url }]);
    const counts = exporter.counts();
    const groups = byKey(summary);
    assert.deepEqual([...groups.keys()], ['churn@1', 'churn@2']);
    for (const version of exporter.versions) {
      const group = groups.get(`churn@${version}`)!;
      const requests = sum(Object.values(counts.requests[version]));
      const errors = sum(Object.values(counts.errors[version]));
      assert.ok(requests > 100, `version ${version} served ${requests}`);
      assert.equal(group.requests, requests, `requests of version ${version}`);
      assert.equal(group.errors, errors, `errors of version ${version}`);
      assert.equal(group.errorRate, errors / requests);
      assert.equal(group.model, 'churn');
      assert.equal(group.version, version);
      assert.equal(group.uniqueCallers, 3);
      const expectedCallers = exporter.callers
        .map((caller) => ({
          caller,
          requests: counts.requests[version][caller],
          errors: counts.errors[version][caller],
        }))
        .sort((a, b) => b.requests - a.requests || (a.caller < b.caller ? -1 : 1));
      assert.deepEqual(group.topCallers, expectedCallers);
      assert.equal(sum(group.series.map((p) => p.requests)), requests);
      assert.deepEqual(group.memoryMb, { mean: version === '1' ? 512 : 640, max: version === '1' ? 512 : 640 });
    }
  });

  it('is read through the sources list: summarizeTelemetry with a Prometheus URL gives the same groups', async function () {
    const direct = await prometheusSource.summarize(prometheus.url, { from, to }, { root: '.', config: EMPTY_CONFIG });
    const listed = await summarizeTelemetry(
      { root: '.', config: EMPTY_CONFIG },
      { from, to },
      { prometheusUrl: prometheus.url },
    );
    assert.deepEqual(listed.problems, []);
    assert.deepEqual(listed.sources, [{ kind: 'prometheus', location: prometheus.url }]);
    assert.deepEqual(listed.groups, direct.groups);
    assert.equal(listed.groups.length, 2);
    assert.deepEqual(listed.percentiles, { exact: false });
  });

  it('gives p50/p95/p99 inside the histogram buckets the exporter’s latencies fall in', async function () {
    const client = new PrometheusClient({ baseUrl: prometheus.url });
    const summary = await summarizePrometheus({ client, query: { from, to }, config: EMPTY_CONFIG });
    const counts = exporter.counts();
    for (const group of summary.groups) {
      const latencies = counts.latencies[group.version];
      for (const [field, q] of [
        ['p50', 0.5],
        ['p95', 0.95],
        ['p99', 0.99],
      ] as const) {
        const estimate = group.latency[field];
        assert.ok(estimate !== undefined, `${group.key} ${field}`);
        const [lower, upper] = bucketOf(exactQuantile(latencies, q));
        assert.ok(
          estimate >= lower && estimate <= Math.min(upper, 1000),
          `${group.key} ${field} ${estimate} ms within [${lower}, ${upper}] ms`,
        );
      }
    }
    // The A/B regression shows: version 2's median is slower.
    const groups = byKey(summary);
    assert.ok(groups.get('churn@2')!.latency.p50! > groups.get('churn@1')!.latency.p50! * 2);
  });

  it('splits the range into 1 s buckets whose counts add up to the totals, and groups by caller', async function () {
    const summary = await prometheusSource.summarize(
      prometheus.url,
      { from, to, bucketMs: 1000 },
      { root: '.', config: EMPTY_CONFIG },
    );
    assert.equal(summary.bucketMs, 1000);
    const counts = exporter.counts();
    for (const group of summary.groups) {
      assert.equal(group.series.length, Math.ceil((to - from) / 1000));
      assert.equal(sum(group.series.map((p) => p.requests)), sum(Object.values(counts.requests[group.version])));
      assert.equal(sum(group.series.map((p) => p.errors)), sum(Object.values(counts.errors[group.version])));
      assert.ok(group.series.filter((p) => p.requests > 0).length >= 2, 'the load spreads over several buckets');
    }
    const byCaller = await prometheusSource.summarize(
      prometheus.url,
      { from, to, by: 'caller' },
      { root: '.', config: EMPTY_CONFIG },
    );
    const callers = byKey(byCaller);
    assert.deepEqual([...callers.keys()], ['batch', 'crawler', 'web']);
    for (const caller of exporter.callers) {
      const requests = sum(exporter.versions.map((v) => counts.requests[v][caller]));
      const errors = sum(exporter.versions.map((v) => counts.errors[v][caller]));
      assert.equal(callers.get(caller)!.requests, requests);
      assert.equal(callers.get(caller)!.errors, errors);
    }
    assert.ok(callers.get('crawler')!.errorRate > 0.2, 'the crawler fails about a third of its calls');
  });

  it('runs mlops.yaml templates: a histogram_quantile latency template lands in the same buckets', async function () {
    const config: TelemetryConfig = {
      sources: [],
      slos: [],
      prometheus: {
        labels: { model: 'model', version: 'version', caller: 'caller' },
        queries: {
          latency:
            'histogram_quantile({quantile}, sum by (le, {by}) (rate(model_request_duration_seconds_bucket{{selector}}[{range}])))',
        },
      },
    };
    const summary = await prometheusSource.summarize(
      prometheus.url,
      { from, to, models: ['churn'] },
      {
        root: '.',
        config,
      },
    );
    assert.deepEqual(summary.problems, []);
    const counts = exporter.counts();
    for (const group of summary.groups) {
      const p95 = group.latency.p95!;
      const [lower, upper] = bucketOf(exactQuantile(counts.latencies[group.version], 0.95));
      assert.ok(p95 >= lower && p95 <= upper, `${group.key} p95 ${p95} within [${lower}, ${upper}]`);
      assert.equal(group.requests, sum(Object.values(counts.requests[group.version])));
    }
    const none = await prometheusSource.summarize(
      prometheus.url,
      { from, to, models: ['fraud.v2'] },
      {
        root: '.',
        config: EMPTY_CONFIG,
      },
    );
    assert.deepEqual(none.groups, []);
    assert.match(none.problems[0]?.message ?? '', /has no series for model_requests_total \(model=~"fraud\\\\.v2"\)/);
  });

  it('reports the server’s own rejection of a bad query, and reads NaN and infinities', async function () {
    const config: TelemetryConfig = {
      sources: [],
      slos: [],
      prometheus: {
        labels: { model: 'model', version: 'version', caller: 'caller' },
        queries: { requests: 'sum by ({by}) (rate(' },
      },
    };
    const summary = await prometheusSource.summarize(prometheus.url, { from, to }, { root: '.', config });
    assert.deepEqual(summary.groups, []);
    assert.equal(summary.problems[0]?.severity, 'error');
    assert.match(summary.problems[0]?.message ?? '', /rejected the range query \(bad_data\): .*parse error/);
    const client = new PrometheusClient({ baseUrl: prometheus.url });
    assert.ok(Number.isNaN((await client.query('0/0')).series[0].values[0]));
    assert.equal((await client.query('1/0')).series[0].values[0], Infinity);
    assert.equal((await client.query('-1/0')).series[0].values[0], -Infinity);
    await assert.rejects(
      client.queryRange('up', to - 86_400_000, to, 1000),
      (err: unknown) => err instanceof PrometheusApiError && err.kind === 'bad-query' && /11000/.test(err.message),
    );
  });
});
