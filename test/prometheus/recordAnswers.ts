// Records a real Prometheus server's answers to the prometheus source's queries, for the unit tests that read them
// back without a server (test/fixtures/telemetry/prometheus/answers.json). An hour at 15 s is written as OpenMetrics
// with the awkward cases a live server produces: a counter reset, a series born inside the range, a 10-minute gap
// (longer than Prometheus's 5-minute lookback), a histogram scraped from two instances, a bucket bound missing for a
// while (cumulative counts out of order), a reset of a whole histogram, and a NaN gauge sample. promtool backfills it,
// Prometheus (the Debian package) serves it, and every request the source sends is recorded with its answer, for a
// summary by version (60 s steps) and one by caller (5 min steps). `expected` is the summary the source gave.
//
// Usage: node out/test/prometheus/recordAnswers.js <answers.json>
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PrometheusClient } from '../../src/core/formats/prometheus/api';
import { summarizePrometheus } from '../../src/core/telemetry/prometheusSource';
import type { TelemetryQuery } from '../../src/core/telemetry/types';
import { backfill, startPrometheus } from '../helpers/prometheus';
import { seededRandom } from '../helpers/prng';

/** 2026-01-01T00:00:00Z: the hour written starts here. */
export const START_S = 1_767_225_600;
/** The server's address as the recorded summaries name it (the live one's port changes from run to run). */
export const RECORDED_URL = 'http://127.0.0.1:9090';
const STEP_S = 15;
const SAMPLES = 240;
const BOUNDS = ['0.025', '0.05', '0.1', '0.5', '+Inf'];

export interface RecordedCase {
  query: TelemetryQuery;
  /** The form body of each request, and the server's answer as text. */
  answers: { request: string; answer: string }[];
  expected: unknown;
}

function openMetrics(): string {
  const random = seededRandom(29);
  const lines: string[] = [];
  const counter = (name: string, labels: string, values: (number | undefined)[]): void => {
    values.forEach((v, s) => {
      if (v !== undefined) lines.push(`${name}{${labels}} ${Number.isNaN(v) ? 'NaN' : v} ${START_S + s * STEP_S}`);
    });
  };
  const running = (rate: number, options: { resetAt?: number; bornAt?: number; gap?: [number, number] } = {}) => {
    let total = 0;
    return Array.from({ length: SAMPLES }, (_, s): number | undefined => {
      if (options.bornAt !== undefined && s < options.bornAt) return undefined;
      if (s === options.resetAt) total = 0;
      total += Math.round(rate * (0.5 + random()));
      if (options.gap && s >= options.gap[0] && s < options.gap[1]) return undefined;
      return total;
    });
  };
  lines.push('# TYPE model_requests counter');
  const requests: Record<string, (number | undefined)[]> = {
    '1/web': running(20, { resetAt: 100 }),
    '1/batch': running(8, { gap: [150, 190] }),
    '2/web': running(15, { bornAt: 60 }),
    '2/batch': running(5),
  };
  for (const [key, values] of Object.entries(requests)) {
    const [v, c] = key.split('/');
    counter('model_requests_total', `model="churn",version="${v}",caller="${c}"`, values);
  }
  lines.push('# TYPE model_errors counter');
  for (const [key, values] of Object.entries(requests)) {
    const [v, c] = key.split('/');
    // About 2% of each step's requests fail: the same resets, births and gaps.
    let errors = 0;
    let previous = 0;
    counter(
      'model_errors_total',
      `model="churn",version="${v}",caller="${c}"`,
      values.map((total) => {
        if (total === undefined) return undefined;
        const served = total >= previous ? total - previous : total;
        if (total < previous) errors = 0;
        previous = total;
        errors += Math.round(served * 0.02 * 2 * random());
        return errors;
      }),
    );
  }
  lines.push('# TYPE model_request_duration_seconds histogram');
  const histogram = (
    labels: string,
    base: number,
    options: { resetAt?: number; missing?: [string, number, number] },
  ) => {
    const counts = BOUNDS.map(() => 0);
    const series = BOUNDS.map(() => new Array<number | undefined>(SAMPLES));
    for (let s = 0; s < SAMPLES; s++) {
      if (s === options.resetAt) counts.fill(0);
      const n = Math.round(10 * (0.5 + random()));
      for (let i = 0; i < n; i++) {
        const latency = base * (0.5 + random()) * (random() < 0.05 ? 12 : 1);
        BOUNDS.forEach((le, b) => {
          if (le === '+Inf' || latency <= Number(le)) counts[b]++;
        });
      }
      BOUNDS.forEach((le, b) => {
        const missing = options.missing?.[0] === le && s >= options.missing[1] && s < options.missing[2];
        series[b][s] = missing ? undefined : counts[b];
      });
    }
    BOUNDS.forEach((le, b) => counter('model_request_duration_seconds_bucket', `${labels},le="${le}"`, series[b]));
  };
  histogram('model="churn",version="1",instance="a"', 0.02, {});
  histogram('model="churn",version="1",instance="b"', 0.03, { resetAt: 120 });
  histogram('model="churn",version="2",instance="a"', 0.08, { missing: ['0.1', 80, 110] });
  lines.push('# TYPE model_memory_bytes gauge');
  for (const v of ['1', '2'])
    counter(
      'model_memory_bytes',
      `model="churn",version="${v}"`,
      Array.from({ length: SAMPLES }, (_, s) =>
        v === '1' && s === 30 ? NaN : (v === '1' ? 512 : 640) * 1048576 + s * 4096,
      ),
    );
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

export async function recordAnswers(): Promise<RecordedCase[]> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-prometheus-answers-'));
  try {
    const file = path.join(work, 'hour.om');
    fs.writeFileSync(file, openMetrics());
    const tsdb = path.join(work, 'tsdb');
    backfill(file, tsdb);
    const prometheus = await startPrometheus({ targets: [], tsdb });
    try {
      const from = START_S * 1000 + 5 * 60_000;
      const to = (START_S + SAMPLES * STEP_S) * 1000;
      const queries: TelemetryQuery[] = [
        { from, to, bucketMs: 60_000, by: 'version' },
        { from, to, bucketMs: 300_000, by: 'caller' },
      ];
      const cases: RecordedCase[] = [];
      for (const query of queries) {
        const answers: RecordedCase['answers'] = [];
        const recording: typeof fetch = async (url, init) => {
          const response = await fetch(url, init);
          const answer = await response.text();
          answers.push({ request: init?.body as string, answer });
          return new Response(answer, { status: response.status, headers: response.headers });
        };
        const client = new PrometheusClient({ baseUrl: prometheus.url, fetch: recording });
        const expected = await summarizePrometheus({ client, query, config: { sources: [], slos: [] } });
        answers.sort((a, b) => (a.request < b.request ? -1 : a.request > b.request ? 1 : 0));
        cases.push({
          query,
          answers,
          expected: JSON.parse(JSON.stringify(expected).split(prometheus.url).join(RECORDED_URL)),
        });
      }
      return cases;
    } finally {
      await prometheus.stop();
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const out = process.argv[2];
  if (!out) throw new Error('Usage: node out/test/prometheus/recordAnswers.js <answers.json>');
  recordAnswers().then(
    (cases) => fs.writeFileSync(out, `${JSON.stringify({ cases }, null, 1)}\n`),
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
