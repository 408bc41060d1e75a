// Runs table: 10,000 runs x 500 columns in Chromium. The panel (TanStack table state, virtualised rows and columns)
// against a plain full-DOM table of the same rows in the same run; both filter and sort with the runs core, so the
// difference is the rendering. Times run from posting a message to the page until the next frame after the page
// reported what it shows.
import type { Page } from 'playwright-core';
import { root } from '../harness/paths';
import { openStandalone, type StandalonePanel } from '../ui/metricHistoryStandaloneHarness';
import type { Benchmark, Measure } from './types';

const RUNS = 10_000;
const PARAMS = 245;
const METRICS = 245;
const FILTER = 'metrics.m001 > 0.5 and params.p002 < 0.5';
const SORT = [{ id: 'metrics.m003', desc: true }];

/** The table's rows, made in the page (10k x 500 values would be ~150 MB as JSON through the test driver). */
function makeRows(spec: { runs: number; params: number; metrics: number }): void {
  let state = 12345;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return Math.round((state / 2147483648) * 1000) / 1000;
  };
  const runColumns = [
    'name',
    'source',
    'commit',
    'experiment',
    'status',
    'start',
    'duration',
    'author',
    'labels',
    'note',
  ];
  const columns: unknown[] = runColumns.map((id) => ({
    id,
    group: 'run',
    label: id,
    type: id === 'start' ? 'time' : id === 'duration' ? 'duration' : 'text',
  }));
  const p: string[] = [];
  const m: string[] = [];
  for (let i = 0; i < spec.params; i++) p.push(`p${String(i).padStart(3, '0')}`);
  for (let i = 0; i < spec.metrics; i++) m.push(`m${String(i).padStart(3, '0')}`);
  for (const k of p) columns.push({ id: `params.${k}`, group: 'params', label: k, type: 'number' });
  for (const k of m) columns.push({ id: `metrics.${k}`, group: 'metrics', label: k, type: 'number', goal: 'maximize' });
  const rows: unknown[] = [];
  for (let r = 0; r < spec.runs; r++) {
    const params: Record<string, number> = {};
    for (const k of p) params[k] = random();
    const metrics: Record<string, { latest: number; min: number; max: number; step: number }> = {};
    for (const k of m) {
      const v = random();
      metrics[k] = { latest: v, min: v, max: v, step: 1 };
    }
    rows.push({
      key: `mlflow-file:mlruns:run-${r}`,
      runId: `run-${r}`,
      name: `run-${r}`,
      sourceKind: 'mlflow-file',
      sourceLabel: 'MLflow mlruns',
      sourceLocation: 'mlruns',
      tags: [],
      experiment: `exp-${r % 10}`,
      branches: [],
      status: 'finished',
      startTime: 1767225600000 + r * 60000,
      durationMs: 1000 * (r % 600),
      params,
      metrics,
      annotation: { labels: [] },
    });
  }
  (window as unknown as { __rows: unknown }).__rows = { rows, columns };
}

/**
 * Posts a message to the page. `total`: from posting to the frame after the page's next `shown` report (includes
 * copying the message into the page); `render`: the page's own time from receiving the message to that frame.
 */
async function timed(page: Page, message: unknown): Promise<{ total: number; render: number; shown: number }> {
  return page.evaluate(async (m) => {
    const w = window as unknown as {
      __rows: { rows: unknown[]; columns: unknown[] };
      __standalone: { posted: { message: { type: string; keys?: string[]; ms?: number } }[] };
    };
    const msg = m === 'data' ? { type: 'data', ...w.__rows, reason: 'initial', problems: [] } : m;
    const posted = w.__standalone.posted;
    const before = posted.length;
    const started = performance.now();
    window.postMessage(msg, '*');
    for (;;) {
      await new Promise((r) => setTimeout(r, 0));
      const found = posted.slice(before).find((p) => p.message.type === 'shown');
      if (found) {
        const reported = performance.now();
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        const now = performance.now();
        return {
          total: now - started,
          render: (found.message.ms ?? 0) + (now - reported),
          shown: found.message.keys?.length ?? 0,
        };
      }
    }
  }, message);
}

/** The plain table: every row and cell in the DOM, rebuilt after each filter or sort (the runs core filters and sorts). */
const BASELINE_SOURCE = `
import { cellValue } from './src/core/runs/columns';
import { formatCell } from './src/core/runs/export';
import { compileFilter } from './src/core/runs/filter';
import { sortRows } from './src/core/runs/sort';
const api = acquireVsCodeApi();
const root = document.getElementById('root') || document.body;
const wrap = document.createElement('div');
wrap.style.cssText = 'overflow:auto;height:80vh';
const table = document.createElement('table');
wrap.append(table);
root.append(wrap);
let rows = [], columns = [], filter = '', sort = [];
function draw(started) {
  const keep = filter ? compileFilter(filter) : () => true;
  const shown = sortRows(rows.filter(keep), sort.map((s) => ({ column: s.id, direction: s.desc ? 'desc' : 'asc' })));
  const head = document.createElement('thead');
  const tr = document.createElement('tr');
  for (const c of columns) { const th = document.createElement('th'); th.textContent = c.label; tr.append(th); }
  head.append(tr);
  const body = document.createElement('tbody');
  for (const row of shown) {
    const r = document.createElement('tr');
    for (const c of columns) { const td = document.createElement('td'); td.textContent = formatCell(cellValue(row, c.id), c); r.append(td); }
    body.append(r);
  }
  table.replaceChildren(head, body);
  void table.offsetHeight;
  api.postMessage({ type: 'shown', keys: shown.map((r) => r.key), total: rows.length, filter, ms: performance.now() - started });
}
window.addEventListener('message', (event) => {
  const m = event.data;
  const started = performance.now();
  if (m.type === 'data') { rows = m.rows; columns = m.columns; draw(started); }
  if (m.type === 'view') { if (m.request.filter !== undefined) filter = m.request.filter; if (m.request.sort) sort = m.request.sort; draw(started); }
});
api.postMessage({ type: 'ready' });
`;

async function baselineBundle(): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    stdin: { contents: BASELINE_SOURCE, resolveDir: root, loader: 'ts', sourcefile: 'runsBaseline.ts' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

interface Times {
  first: number;
  /** The first render with copying the 10k x 500 message into the page. */
  firstWithTransfer: number;
  sort: number;
  filter: number;
  shown: number;
}

/** How long the full-DOM baseline may take per step before it is reported as "more than this". */
const BASELINE_CAP_MS = 180_000;

/** `work`, or Infinity when it takes longer than `capMs` (the page is then closed by the caller). */
async function capped<T>(work: Promise<T>, capMs: number): Promise<T | undefined> {
  if (!Number.isFinite(capMs)) return work;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), capMs)));
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function measure(panel: StandalonePanel, log: (m: string) => void, capMs = Infinity): Promise<Times> {
  await panel.waitForPosted('ready' as never, { timeout: 60_000 });
  await panel.page.evaluate(makeRows, { runs: RUNS, params: PARAMS, metrics: METRICS });
  const times: Times = { first: Infinity, firstWithTransfer: Infinity, sort: Infinity, filter: Infinity, shown: 0 };
  const first = await capped(timed(panel.page, 'data'), capMs);
  if (!first) return times;
  if (first.shown !== RUNS) throw new Error(`the first render showed ${first.shown} runs, not ${RUNS}`);
  times.first = first.render;
  times.firstWithTransfer = first.total;
  log(`  first render ${first.render.toFixed(0)} ms (${first.total.toFixed(0)} ms with the message copy)`);
  const sort = await capped(timed(panel.page, { type: 'view', request: { sort: SORT } }), capMs);
  if (!sort) return times;
  times.sort = sort.render;
  log(`  sort ${sort.render.toFixed(0)} ms`);
  const filter = await capped(timed(panel.page, { type: 'view', request: { filter: FILTER } }), capMs);
  if (!filter) return times;
  times.filter = filter.render;
  times.shown = filter.shown;
  log(`  filter ${filter.render.toFixed(0)} ms (${filter.shown} runs pass)`);
  return times;
}

const fmt = (ms: number) => (Number.isFinite(ms) ? `${ms.toFixed(0)}` : `>${BASELINE_CAP_MS / 1000}s`);

export const benchmarks: Benchmark[] = [
  {
    id: 'runs-table-10k',
    title: 'Runs table: 10,000 runs x 500 columns in Chromium, first render / sort / filter, against a full-DOM table',
    async run(ctx): Promise<Measure[]> {
      const ours: Times[] = [];
      for (let i = 0; i < 3; i++) {
        ctx.log(`panel, page ${i + 1} of 3`);
        const panel = await openStandalone({ panel: 'runs', theme: 'dark', width: 1400, height: 900 });
        try {
          ours.push(await measure(panel, (m) => ctx.log(m)));
        } finally {
          await panel.close();
        }
      }
      ctx.log('full-DOM table');
      const bundle = await baselineBundle();
      const panel = await openStandalone({
        panel: 'runs',
        theme: 'dark',
        width: 1400,
        height: 900,
        script: 'runsBaseline.js',
        files: { 'runsBaseline.js': bundle },
      });
      let base: Times;
      try {
        base = await measure(panel, (m) => ctx.log(m), BASELINE_CAP_MS);
      } finally {
        await panel.close();
      }
      const median = (pick: (t: Times) => number) => {
        const values = ours.map(pick).sort((a, b) => a - b);
        return values[Math.floor(values.length / 2)];
      };
      const rows: [string, (t: Times) => number, number][] = [
        ['first render', (t) => t.first, 300],
        ['first render incl. message copy', (t) => t.firstWithTransfer, 300],
        ['sort', (t) => t.sort, 100],
        ['filter', (t) => t.filter, 100],
      ];
      ctx.log(
        `ours (3 fresh pages): ${ours.map((t) => `${fmt(t.first)}/${fmt(t.sort)}/${fmt(t.filter)}`).join(', ')} ms (first/sort/filter); full DOM: ${fmt(base.first)}/${fmt(base.sort)}/${fmt(base.filter)} ms`,
      );
      return rows.map(([what, pick, limit]) => {
        const value = median(pick);
        const baselineValue = pick(base);
        const finished = Number.isFinite(baselineValue);
        return {
          id: `runs-table-10k ${what}`,
          value,
          unit: 'ms',
          baseline: 'plain full-DOM table of the same rows (same core filter and sort)',
          // A baseline that did not finish counts as the cap: the ratio is then an upper bound.
          baselineValue: finished ? baselineValue : BASELINE_CAP_MS,
          ratio: value / (finished ? baselineValue : BASELINE_CAP_MS),
          target: `<= ${limit} ms`,
          met: value <= limit,
          notes:
            `${RUNS} runs x ${PARAMS + METRICS + 10} columns; from the page receiving the message to the next frame ('incl. message copy': from posting it); median of 3 fresh pages; headless Chromium, software rendering` +
            (finished
              ? ''
              : `; the full-DOM table did not finish within ${BASELINE_CAP_MS / 1000} s (baseline shown as the cap, ratio an upper bound)`),
        };
      });
    },
  },
];
