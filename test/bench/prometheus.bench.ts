// telemetry-prometheus-7d: a week at 15 s resolution in a local Prometheus (the Debian package), backfilled with
// `promtool tsdb create-blocks-from openmetrics`: 10 series (requests and errors per version and caller, memory per
// version) plus the latency histogram's 18 bucket series. Ours: the Telemetry panel's data for the week (the
// prometheus source's summary: every query and the grouping, counting and percentiles). Baseline: the same HTTP
// queries fetched one after another and read as text, without processing, uncompressed as our client asks a server on
// the loopback interface; the same fetches asking for gzip (fetch's default) are logged beside it.
import fs from 'node:fs';
import path from 'node:path';
import { prometheusSource } from '../../src/core/telemetry/prometheusSource';
import type { TelemetryConfig } from '../../src/core/telemetry/types';
import { backfill, LATENCY_BOUNDS, startPrometheus } from '../helpers/prometheus';
import { seededRandom } from '../helpers/prng';
import { timeMedian, type Benchmark } from './types';

const STEP_S = 15;
const WEEK_S = 7 * 86_400;
const VERSIONS = ['1', '2'];
const CALLERS = ['web', 'batch'];

/** Writes the week as OpenMetrics (one family after another, each series in time order); returns the totals. */
function writeWeek(file: string, endS: number): { requests: number; errors: number; lines: number } {
  const random = seededRandom(7);
  const steps = WEEK_S / STEP_S;
  const startS = endS - (steps - 1) * STEP_S;
  const requests: Record<string, number[]> = {};
  const errors: Record<string, number[]> = {};
  const buckets: Record<string, number[][]> = {};
  let totalRequests = 0;
  let totalErrors = 0;
  for (const v of VERSIONS) {
    buckets[v] = LATENCY_BOUNDS.map(() => new Array<number>(steps).fill(0)).concat([new Array<number>(steps).fill(0)]);
    for (const c of CALLERS) {
      requests[`${v}/${c}`] = new Array<number>(steps);
      errors[`${v}/${c}`] = new Array<number>(steps);
    }
  }
  const running: Record<string, number> = {};
  const runningErrors: Record<string, number> = {};
  const runningBuckets: Record<string, number[]> = Object.fromEntries(
    VERSIONS.map((v) => [v, new Array<number>(LATENCY_BOUNDS.length + 1).fill(0)]),
  );
  for (let s = 0; s < steps; s++) {
    // A daily cycle of traffic.
    const daily = 1 + 0.5 * Math.sin((2 * Math.PI * ((startS + s * STEP_S) % 86_400)) / 86_400);
    for (const v of VERSIONS) {
      for (const c of CALLERS) {
        const key = `${v}/${c}`;
        const n = Math.round(10 * daily * (0.5 + random()));
        let failed = 0;
        for (let i = 0; i < n; i++) {
          if (random() < 0.01) failed++;
          const latency = (v === '1' ? 0.02 : 0.08) * (0.5 + random()) * (random() < 0.05 ? 10 : 1);
          const index = LATENCY_BOUNDS.findIndex((le) => latency <= le);
          for (let b = index === -1 ? LATENCY_BOUNDS.length : index; b <= LATENCY_BOUNDS.length; b++)
            runningBuckets[v][b]++;
        }
        running[key] = (running[key] ?? 0) + n;
        runningErrors[key] = (runningErrors[key] ?? 0) + failed;
        requests[key][s] = running[key];
        errors[key][s] = runningErrors[key];
        totalRequests += n;
        totalErrors += failed;
      }
      runningBuckets[v].forEach((count, b) => (buckets[v][b][s] = count));
    }
  }
  const out = fs.openSync(file, 'w');
  let lines = 0;
  const chunk: string[] = [];
  const flush = (): void => {
    fs.writeSync(out, chunk.join(''));
    chunk.length = 0;
  };
  const series = (name: string, labels: string, values: (s: number) => number): void => {
    for (let s = 0; s < steps; s++) {
      chunk.push(`${name}{${labels}} ${values(s)} ${startS + s * STEP_S}\n`);
      lines++;
    }
    flush();
  };
  chunk.push('# TYPE model_requests counter\n');
  for (const v of VERSIONS)
    for (const c of CALLERS)
      series('model_requests_total', `model="churn",version="${v}",caller="${c}"`, (s) => requests[`${v}/${c}`][s]);
  chunk.push('# TYPE model_errors counter\n');
  for (const v of VERSIONS)
    for (const c of CALLERS)
      series('model_errors_total', `model="churn",version="${v}",caller="${c}"`, (s) => errors[`${v}/${c}`][s]);
  chunk.push('# TYPE model_request_duration_seconds histogram\n');
  for (const v of VERSIONS)
    [...LATENCY_BOUNDS, Infinity].forEach((le, b) =>
      series(
        'model_request_duration_seconds_bucket',
        `model="churn",version="${v}",le="${le === Infinity ? '+Inf' : le}"`,
        (s) => buckets[v][b][s],
      ),
    );
  chunk.push('# TYPE model_memory_bytes gauge\n');
  for (const v of VERSIONS)
    series(
      'model_memory_bytes',
      `model="churn",version="${v}"`,
      (s) => (v === '1' ? 512 : 640) * 1048576 + (s % 97) * 4096,
    );
  chunk.push('# EOF\n');
  flush();
  fs.closeSync(out);
  return { requests: totalRequests, errors: totalErrors, lines };
}

export const benchmarks: Benchmark[] = [
  {
    id: 'telemetry-prometheus-7d',
    title: 'A week at 15 s (10 series + an 18-series latency histogram) from a local Prometheus: panel data ready',
    async run(ctx) {
      const endS = Math.floor(Date.now() / 1000 / STEP_S) * STEP_S - 60;
      const file = path.join(ctx.tmp, 'week.om');
      let started = performance.now();
      const totals = writeWeek(file, endS);
      ctx.log(
        `${totals.lines.toLocaleString('en-US')} samples written in ${(performance.now() - started).toFixed(0)} ms`,
      );
      const tsdb = path.join(ctx.tmp, 'tsdb');
      started = performance.now();
      backfill(file, tsdb);
      ctx.log(`promtool backfill in ${((performance.now() - started) / 1000).toFixed(1)} s`);
      const prometheus = await startPrometheus({ targets: [], tsdb });
      try {
        const config: TelemetryConfig = { sources: [], slos: [] };
        const to = endS * 1000;
        const from = to - WEEK_S * 1000;
        const context = { root: ctx.tmp, config };
        const read = (bucketMs?: number) => prometheusSource.summarize(prometheus.url, { from, to, bucketMs }, context);
        const check = async (bucketMs?: number): Promise<number> => {
          const summary = await read(bucketMs);
          const trouble = summary.problems.filter((p) => p.severity !== 'info');
          if (trouble.length) throw new Error(JSON.stringify(trouble));
          const requests = summary.groups.reduce((n, g) => n + g.requests, 0);
          const errors = summary.groups.reduce((n, g) => n + g.errors, 0);
          // The series are born inside the range, so every increment counts: the totals are exact.
          if (summary.groups.length !== 2 || requests !== totals.requests || errors !== totals.errors)
            throw new Error(`read ${requests} requests, ${errors} errors; wrote ${totals.requests}, ${totals.errors}`);
          return summary.groups[0].series.length;
        };
        const points = await check();
        const finePoints = await check(15_000);
        ctx.log(`default step: ${points} points per series; the finest step a week allows: ${finePoints} points`);
        // Baseline: the same HTTP queries, fetched and read as text.
        const rawQueries = async (stepS: number, encoding: 'identity' | 'gzip' = 'identity'): Promise<void> => {
          const start = (to - Math.ceil((to - from) / (stepS * 1000)) * stepS * 1000) / 1000;
          const bodies = [
            { query: 'count by (__name__) ({__name__=~"model_requests_total|ovms_requests_success"})' },
            ...['model_requests_total', 'model_errors_total', 'model_request_duration_seconds_bucket'].map((query) => ({
              query,
              start: String(start),
              end: String(to / 1000),
              step: String(stepS),
            })),
            {
              query: 'sum by (model, version) (model_memory_bytes)',
              start: String(start),
              end: String(to / 1000),
              step: String(stepS),
            },
          ];
          for (const body of bodies) {
            const endpoint = 'step' in body ? 'query_range' : 'query';
            const response = await fetch(`${prometheus.url}/api/v1/${endpoint}`, {
              method: 'POST',
              headers: {
                'Content-Type': 'application/x-www-form-urlencoded',
                ...(encoding === 'identity' ? { 'Accept-Encoding': 'identity' } : {}),
              },
              body: new URLSearchParams(body).toString(),
            });
            await response.text();
          }
        };
        const ours = await timeMedian(() => read(), 7);
        const baseline = await timeMedian(() => rawQueries(3600), 7);
        const oursFine = await timeMedian(() => read(15_000), 5);
        const baselineFine = await timeMedian(() => rawQueries(55), 5);
        const gzipFine = await timeMedian(() => rawQueries(55, 'gzip'), 5);
        ctx.log(
          `ours ${ours.toFixed(0)} ms (fine: ${oursFine.toFixed(0)} ms); plain fetch ${baseline.toFixed(0)} ms (fine: ${baselineFine.toFixed(0)} ms; asking for gzip: ${gzipFine.toFixed(0)} ms)`,
        );
        return [
          {
            id: 'telemetry-prometheus-7d',
            value: ours,
            unit: 'ms',
            baseline: 'fetch of the same 5 queries, uncompressed body read as text (no processing)',
            baselineValue: baseline,
            ratio: ours / baseline,
            target: 'panel data ready <= 500 ms',
            met: ours <= 500,
            notes: `a week at 15 s: 10 series + 18 histogram bucket series (${totals.lines} samples, backfilled by promtool); the week at the default step (1 h, ${points} points per series)`,
          },
          {
            id: 'telemetry-prometheus-7d-fine',
            value: oursFine,
            unit: 'ms',
            baseline: 'fetch of the same 5 queries, uncompressed body read as text (no processing)',
            baselineValue: baselineFine,
            ratio: oursFine / baselineFine,
            target: 'panel data ready <= 500 ms',
            met: oursFine <= 500,
            notes: `the same week at the finest step Prometheus allows for it (55 s, ${finePoints} points per series; 15 s asked); the baseline asking for gzip took ${gzipFine.toFixed(0)} ms (Prometheus compressing ${finePoints * 28} samples)`,
          },
        ];
      } finally {
        await prometheus.stop();
      }
    },
  },
];
