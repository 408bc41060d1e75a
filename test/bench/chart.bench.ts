// Metric History chart: host-side preparation (query + decimation) and first paint in Chromium. Each measure runs
// a baseline in the same process: serialising every point (no decimation), chart.js with its defaults, and the
// panel given all raw points.
import { prepareChart } from '../../src/core/chart/prepare';
import type { ChartPayload, MetricDefinition, MetricHistoryQuery } from '../../src/core/chart/types';
import type { Run } from '../../src/core/metrics/model';
import { root } from '../harness/paths';
import { openStandalone } from '../ui/metricHistoryStandaloneHarness';
import { stepRuns } from '../unit/chart/sampleRuns';
import { timeMedian, type Benchmark, type Measure } from './types';

const definitions: MetricDefinition[] = [{ key: 'loss', goal: 'minimize', threshold: 0.2 }];
const stepsQuery: MetricHistoryQuery = { view: 'steps', keys: ['loss'] };

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/**
 * Loads a payload into a fresh panel page and returns the milliseconds from posting the `data` message (JSON
 * text parsed in the page, as the webview transport delivers it) to the panel's `rendered` report, which it sends
 * once the chart, legend and status are drawn.
 */
async function firstPaint(
  json: string,
  options: { script?: string; files?: Record<string, string> } = {},
): Promise<{ ms: number; points: number }> {
  const panel = await openStandalone({ theme: 'dark', ...options });
  try {
    if (!options.script) {
      await panel.waitForPosted('ready');
      await panel.post({ type: 'init', sources: [], definitions, selection: { view: 'steps' } });
      await panel.waitForPosted('requestData');
    }
    await panel.page.evaluate((text) => {
      (window as unknown as { pendingJson: string }).pendingJson = text;
    }, json);
    const before = (await panel.posted()).length;
    const startedAt = await panel.page.evaluate(() => {
      const started = performance.now();
      window.postMessage(JSON.parse((window as unknown as { pendingJson: string }).pendingJson), '*');
      return started;
    });
    const rendered = await panel.waitForPosted('rendered', { after: before, timeout: 110_000 });
    const posted = await panel.posted();
    const at = posted.find((p, i) => i >= before && p.message.type === 'rendered')?.at ?? NaN;
    return { ms: at - startedAt, points: rendered.points };
  } finally {
    await panel.close();
  }
}

/** chart.js with its defaults (parsing, points drawn, every point), animation off so the render can be timed. */
const BASELINE_SOURCE = `
import { Chart, registerables } from 'chart.js';
Chart.register(...registerables);
const api = acquireVsCodeApi();
const wrap = document.createElement('div');
wrap.style.position = 'relative';
wrap.style.height = '60vh';
const canvas = document.createElement('canvas');
wrap.append(canvas);
(document.getElementById('root') || document.body).append(wrap);
window.addEventListener('message', (event) => {
  const payload = event.data.payload;
  const datasets = payload.series.map((s) => ({ label: s.label, data: s.xs.map((x, i) => ({ x, y: s.ys[i] })) }));
  new Chart(canvas, { type: 'line', data: { datasets }, options: { animation: false, maintainAspectRatio: false, scales: { x: { type: 'linear' } } } });
  api.postMessage({ type: 'rendered', view: payload.view, series: datasets.length, points: datasets.reduce((n, d) => n + d.data.length, 0), ms: 0 });
});
`;

async function baselineBundle(): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    stdin: { contents: BASELINE_SOURCE, resolveDir: root, loader: 'js', sourcefile: 'chartBaseline.js' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

function dataMessage(payload: ChartPayload): string {
  return JSON.stringify({ type: 'data', payload, reason: 'request' });
}

export const benchmarks: Benchmark[] = [
  {
    id: 'chart-prepare-100x10k',
    title: 'Metric History: host-side query + decimation of 100 runs x 10k points, serialised for the panel',
    async run(ctx): Promise<Measure> {
      const runs: Run[] = stepRuns(100, 10_000, { keys: ['loss'] });
      let plotted = 0;
      const prepareOnly: number[] = [];
      const value = await timeMedian(() => {
        const started = performance.now();
        const payload = prepareChart(runs, stepsQuery, definitions);
        prepareOnly.push(performance.now() - started);
        plotted = payload.plottedPoints;
        return JSON.stringify(payload).length;
      }, 7);
      const baselineValue = await timeMedian(() => JSON.stringify(runs.map((r) => r.metrics)).length, 5);
      const decimation = median(prepareOnly);
      ctx.log(
        `ours ${value.toFixed(1)} ms (query + decimation ${decimation.toFixed(1)} ms) for ${plotted} points; serialising all 1,000,000: ${baselineValue.toFixed(1)} ms`,
      );
      return {
        id: 'chart-prepare-100x10k',
        value,
        unit: 'ms',
        baseline: 'no decimation: serialise all 1M points',
        baselineValue,
        ratio: value / baselineValue,
        target: '<= 200 ms',
        met: value <= 200,
        notes: `${plotted} of 1,000,000 points kept; query + decimation ${decimation.toFixed(1)} ms, the rest is JSON; median of 7`,
      };
    },
  },
  {
    id: 'chart-first-paint-100k',
    title: 'Metric History: data message with 100k (already decimated) points to the first complete render, Chromium',
    async run(ctx): Promise<Measure> {
      // 50 runs x 2000 steps: the per-series budget keeps every point, so the panel gets exactly 100k.
      const payload = prepareChart(stepRuns(50, 2_000, { keys: ['loss'] }), stepsQuery, definitions, {
        maxPerSeries: 2_000,
      });
      if (payload.plottedPoints !== 100_000) throw new Error(`expected 100k points, got ${payload.plottedPoints}`);
      const json = dataMessage(payload);
      const ours: number[] = [];
      for (let i = 0; i < 3; i++) ours.push((await firstPaint(json)).ms);
      const bundle = await baselineBundle();
      const base: number[] = [];
      for (let i = 0; i < 3; i++)
        base.push((await firstPaint(json, { script: 'chartBaseline.js', files: { 'chartBaseline.js': bundle } })).ms);
      const value = median(ours);
      const baselineValue = median(base);
      ctx.log(
        `ours ${ours.map((t) => t.toFixed(0)).join(', ')} ms; chart.js defaults ${base.map((t) => t.toFixed(0)).join(', ')} ms`,
      );
      return {
        id: 'chart-first-paint-100k',
        value,
        unit: 'ms',
        baseline: 'chart.js defaults (parsing, points drawn, all controllers)',
        baselineValue,
        ratio: value / baselineValue,
        target: '<= 300 ms',
        met: value <= 300,
        notes: `median of 3 fresh pages; includes JSON parse, chart, legend (50 entries) and status; headless Chromium, software rendering`,
      };
    },
  },
  {
    id: 'chart-first-paint-1m',
    title: 'Metric History: 1M raw points (100 runs x 10k), host decimates, then first complete render in Chromium',
    async run(ctx): Promise<Measure> {
      const runs = stepRuns(100, 10_000, { keys: ['loss'] });
      const times: number[] = [];
      let decimated = 0;
      let prepareMs = 0;
      for (let i = 0; i < 3; i++) {
        const started = performance.now();
        const payload = prepareChart(runs, stepsQuery, definitions);
        const json = dataMessage(payload);
        prepareMs = performance.now() - started;
        decimated = payload.plottedPoints;
        const paint = await firstPaint(json);
        times.push(prepareMs + paint.ms);
      }
      const raw = prepareChart(runs, stepsQuery, definitions, { totalBudget: 2_000_000, maxPerSeries: 20_000 });
      const started = performance.now();
      const rawJson = dataMessage(raw);
      const serialise = performance.now() - started;
      const naive = await firstPaint(rawJson);
      const baselineValue = serialise + naive.ms;
      const value = median(times);
      ctx.log(
        `ours ${times.map((t) => t.toFixed(0)).join(', ')} ms (host ${prepareMs.toFixed(0)} ms) for ${decimated} points; all ${raw.plottedPoints} points: ${baselineValue.toFixed(0)} ms`,
      );
      return {
        id: 'chart-first-paint-1m',
        value,
        unit: 'ms',
        baseline: 'the panel given all 1M raw points (no decimation)',
        baselineValue,
        ratio: value / baselineValue,
        target: 'report (decimated count and time)',
        notes: `host decimated 1,000,000 to ${decimated} points in ~${prepareMs.toFixed(0)} ms (incl. JSON); time = host + panel render, median of 3; headless Chromium`,
      };
    },
  },
];
