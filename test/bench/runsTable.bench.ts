// Runs table: 10,000 runs x 500 columns in Chromium. The panel (TanStack table state, virtualised rows and columns)
// against a plain full-DOM table of the same rows in the same run; both filter and sort with the runs core, so the
// difference is the rendering. The rows go as the host sends them (the first screen's rows ahead, then every row).
// The first render is timed from the host's post (encoding the rows as the columnar table and carrying the message
// as VS Code 1.100 does: JSON beside binary buffers, parsed in the renderer, posted into the page) to the next frame
// after the page reported what it shows, and also from the page's receipt; every run shown is timed from the same
// post. The old wire format (one object per row and per metric cell, all JSON) is carried the same way in the same
// run.
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

/** A render's times: `total` from the host's post, `render` from the page's receipt, and how many runs it showed. */
interface Rendered {
  total: number;
  render: number;
  shown: number;
}

/**
 * Posts the rows as the host does (`dataMessages`: the first screen's rows ahead, then every row), each made, carried
 * as VS Code does and posted after the page drew the one before; the times of each message's render, all from the
 * first post. The host makes the second message in its own process while the page draws the first; here the page's
 * thread makes it after the first render, so the every-row time is an upper bound.
 */
async function timedData(page: Page): Promise<Rendered[]> {
  return page.evaluate(async () => {
    const w = window as unknown as {
      __rows: { rows: unknown[]; columns: unknown[] };
      __wire: Wire;
      __standalone: { posted: { message: { type: string; keys?: string[]; ms?: number } }[] };
    };
    const posted = w.__standalone.posted;
    const { rows, columns } = w.__rows;
    const out: { total: number; render: number; shown: number }[] = [];
    const started = performance.now();
    const messages = w.__wire.dataMessages(rows, columns, 'initial', []);
    for (;;) {
      const before = posted.length;
      const next = messages.next();
      if (next.done) return out;
      const { message: text, buffers } = w.__wire.serializeLikeVsCode(next.value);
      window.postMessage(w.__wire.deserializeLikeVsCode(text, buffers), '*');
      for (;;) {
        await new Promise((r) => setTimeout(r, 0));
        const found = posted.slice(before).find((p) => p.message.type === 'shown');
        if (!found) continue;
        const reported = performance.now();
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        const now = performance.now();
        out.push({
          total: now - started,
          render: (found.message.ms ?? 0) + (now - reported),
          shown: found.message.keys?.length ?? 0,
        });
        break;
      }
    }
  });
}

/**
 * Posts a message to the page. `total`: from the post to the frame after the page's next `shown` report; `render`:
 * the page's own time from receiving the message to that frame.
 */
async function timed(page: Page, message: unknown): Promise<Rendered> {
  return page.evaluate(async (m) => {
    const w = window as unknown as {
      __standalone: { posted: { message: { type: string; keys?: string[]; ms?: number } }[] };
    };
    const posted = w.__standalone.posted;
    const before = posted.length;
    const started = performance.now();
    window.postMessage(m, '*');
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

/** The helpers `timed` and `oldWire` use in the page (bundled from the protocol and the test harness). */
interface Wire {
  encodeRuns(rows: unknown[]): unknown;
  dataMessages(rows: unknown[], columns: unknown[], reason: 'initial', problems: string[]): Iterator<unknown>;
  serializeLikeVsCode(message: unknown): { message: string; buffers: Uint8Array[] };
  deserializeLikeVsCode(text: string, buffers: Uint8Array[]): unknown;
}

const WIRE_SOURCE = `
import { dataMessages, encodeRuns } from './src/protocol/runs';
import { deserializeLikeVsCode, serializeLikeVsCode } from './test/harness/vscodeMessage';
window.__wire = { dataMessages, encodeRuns, serializeLikeVsCode, deserializeLikeVsCode };
`;

/**
 * The old wire format's transfer, host post to receipt: the rows as objects serialised and parsed as VS Code does,
 * then structured-cloned into the page (a message channel, so the panel does not see it); and both formats' sizes.
 */
async function oldWire(page: Page): Promise<{ ms: number; oldChars: number; newChars: number; newBytes: number }> {
  return page.evaluate(async () => {
    const w = window as unknown as { __rows: { rows: unknown[]; columns: unknown[] }; __wire: Wire };
    const { rows, columns } = w.__rows;
    const channel = new MessageChannel();
    const received = new Promise<number>((resolve) => (channel.port2.onmessage = () => resolve(performance.now())));
    const started = performance.now();
    const { message: text, buffers } = w.__wire.serializeLikeVsCode({ type: 'data', rows, columns });
    channel.port1.postMessage(w.__wire.deserializeLikeVsCode(text, buffers));
    const ms = (await received) - started;
    const table = w.__wire.serializeLikeVsCode({ type: 'data', table: w.__wire.encodeRuns(rows), columns });
    channel.port1.close();
    return {
      ms,
      oldChars: text.length,
      newChars: table.message.length,
      newBytes: table.buffers.reduce((n, b) => n + b.byteLength, 0),
    };
  });
}

/** The plain table: every row and cell in the DOM, rebuilt after each filter or sort (the runs core filters and sorts). */
const BASELINE_SOURCE = `
import { cellValue } from './src/core/runs/columns';
import { decodeRuns } from './src/protocol/runs';
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
  if (m.type === 'data') { rows = decodeRuns(m.table); columns = m.columns; draw(started); }
  if (m.type === 'view') { if (m.request.filter !== undefined) filter = m.request.filter; if (m.request.sort) sort = m.request.sort; draw(started); }
});
api.postMessage({ type: 'ready' });
`;

export async function bundle(source: string, name: string): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    stdin: { contents: source, resolveDir: root, loader: 'ts', sourcefile: name },
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
  /** The first render from the page's receipt of the message it drew first. */
  first: number;
  /** The first render from the host's post: encoding, VS Code's serialisation and the copy into the page. */
  firstWithTransfer: number;
  /** How many runs the first render showed (the first screen's, or every run). */
  firstShown: number;
  /** Every run drawn, from the host's first post. */
  everyRow: number;
  /** Every run drawn, from the page's receipt of the message with every row. */
  everyRowRender: number;
  /** The old wire format's host post to receipt (before any rendering). */
  oldTransfer: number;
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

async function measure(
  panel: StandalonePanel,
  wire: string,
  log: (m: string) => void,
  capMs = Infinity,
): Promise<Times> {
  await panel.waitForPosted('ready' as never, { timeout: 60_000 });
  await panel.page.evaluate(makeRows, { runs: RUNS, params: PARAMS, metrics: METRICS });
  await panel.page.evaluate(wire);
  const times: Times = {
    first: Infinity,
    firstWithTransfer: Infinity,
    firstShown: 0,
    everyRow: Infinity,
    everyRowRender: Infinity,
    oldTransfer: Infinity,
    sort: Infinity,
    filter: Infinity,
    shown: 0,
  };
  const renders = await capped(timedData(panel.page), capMs);
  const first = renders?.[0];
  const all = renders?.[renders.length - 1];
  if (!first || !all) return times;
  if (all.shown !== RUNS) throw new Error(`the last render showed ${all.shown} runs, not ${RUNS}`);
  times.first = first.render;
  times.firstWithTransfer = first.total;
  times.firstShown = first.shown;
  times.everyRow = all.total;
  times.everyRowRender = all.render;
  log(
    `  first render ${first.total.toFixed(0)} ms from the host's post (${first.render.toFixed(0)} ms from receipt; ${first.shown} runs); ` +
      `every run ${all.total.toFixed(0)} ms from the post (${all.render.toFixed(0)} ms from its receipt)`,
  );
  const sort = await capped(timed(panel.page, { type: 'view', request: { sort: SORT } }), capMs);
  if (!sort) return times;
  times.sort = sort.render;
  log(`  sort ${sort.render.toFixed(0)} ms`);
  const filter = await capped(timed(panel.page, { type: 'view', request: { filter: FILTER } }), capMs);
  if (!filter) return times;
  times.filter = filter.render;
  times.shown = filter.shown;
  log(`  filter ${filter.render.toFixed(0)} ms (${filter.shown} runs pass)`);
  if (Number.isFinite(capMs)) return times;
  const old = await oldWire(panel.page);
  times.oldTransfer = old.ms;
  log(
    `  old wire format: ${old.ms.toFixed(0)} ms from post to receipt, ${(old.oldChars / 1e6).toFixed(1)} M chars of JSON; ` +
      `columnar: ${(old.newChars / 1e6).toFixed(2)} M chars of JSON + ${(old.newBytes / 1e6).toFixed(1)} MB of buffers`,
  );
  return times;
}

const fmt = (ms: number) => (Number.isFinite(ms) ? `${ms.toFixed(0)}` : `>${BASELINE_CAP_MS / 1000}s`);

export const benchmarks: Benchmark[] = [
  {
    id: 'runs-table-10k',
    title: 'Runs table: 10,000 runs x 500 columns in Chromium, first render / sort / filter, against a full-DOM table',
    async run(ctx): Promise<Measure[]> {
      const wire = await bundle(WIRE_SOURCE, 'runsWire.ts');
      const ours: Times[] = [];
      for (let i = 0; i < 3; i++) {
        ctx.log(`panel, page ${i + 1} of 3`);
        const panel = await openStandalone({ panel: 'runs', theme: 'dark', width: 1400, height: 900 });
        try {
          ours.push(await measure(panel, wire, (m) => ctx.log(m)));
        } finally {
          await panel.close();
        }
      }
      ctx.log('full-DOM table');
      const panel = await openStandalone({
        panel: 'runs',
        theme: 'dark',
        width: 1400,
        height: 900,
        script: 'runsBaseline.js',
        files: { 'runsBaseline.js': await bundle(BASELINE_SOURCE, 'runsBaseline.ts') },
      });
      let base: Times;
      try {
        base = await measure(panel, wire, (m) => ctx.log(m), BASELINE_CAP_MS);
      } finally {
        await panel.close();
      }
      const median = (pick: (t: Times) => number) => {
        const values = ours.map(pick).sort((a, b) => a - b);
        return values[Math.floor(values.length / 2)];
      };
      const rows: [string, (t: Times) => number, number | undefined][] = [
        ['first render', (t) => t.firstWithTransfer, 300],
        ['first render from receipt', (t) => t.first, 300],
        ['every run shown', (t) => t.everyRow, undefined],
        ['sort', (t) => t.sort, 100],
        ['filter', (t) => t.filter, 100],
      ];
      ctx.log(
        `ours (3 fresh pages): ${ours.map((t) => `${fmt(t.firstWithTransfer)}/${fmt(t.first)}/${fmt(t.everyRow)}/${fmt(t.sort)}/${fmt(t.filter)}`).join(', ')} ms (first from post/from receipt/every run from post/sort/filter); full DOM: ${fmt(base.firstWithTransfer)}/${fmt(base.first)}/${fmt(base.everyRow)}/${fmt(base.sort)}/${fmt(base.filter)} ms`,
      );
      const firstShown = median((t) => t.firstShown);
      const measures: Measure[] = rows.map(([what, pick, limit]) => {
        const value = median(pick);
        const baselineValue = pick(base);
        const finished = Number.isFinite(baselineValue);
        return {
          id: `runs-table-10k ${what}`,
          value,
          unit: 'ms',
          baseline: 'plain full-DOM table of the same rows (same wire, core filter and sort)',
          // A baseline that did not finish counts as the cap: the ratio is then an upper bound.
          baselineValue: finished ? baselineValue : BASELINE_CAP_MS,
          ratio: value / (finished ? baselineValue : BASELINE_CAP_MS),
          target: limit === undefined ? '' : `<= ${limit} ms`,
          ...(limit === undefined ? {} : { met: value <= limit }),
          notes:
            `${RUNS} runs x ${PARAMS + METRICS + 10} columns; ` +
            (what === 'first render'
              ? `from the host's post (encoding the rows, VS Code 1.100's message serialisation and parse, the copy into the page) to the next frame after the page reported its rows: the first screen's ${firstShown} runs, sent ahead of the rest`
              : what === 'every run shown'
                ? "from the host's first post to the frame after the page showed all of them (the message with every row is made after the first screen was drawn, in the page's thread: an upper bound)"
                : 'from the page receiving the message to the next frame') +
            '; median of 3 fresh pages; headless Chromium, software rendering' +
            (finished
              ? ''
              : `; the full-DOM table did not finish within ${BASELINE_CAP_MS / 1000} s (baseline shown as the cap, ratio an upper bound)`),
        };
      });
      // The old wire format (rows as objects, every metric cell an object, all JSON, every row at once) in the same
      // pages: its transfer alone (post to receipt), plus the panel's render of every row from receipt, against the
      // columnar first render.
      const first = median((t) => t.firstWithTransfer);
      const oldFirst = median((t) => t.oldTransfer + t.everyRowRender);
      measures.push({
        id: 'runs-table-10k first render vs the old wire format',
        value: first,
        unit: 'ms',
        baseline: 'the same rows as one object per row and per metric cell (the previous message format)',
        baselineValue: oldFirst,
        ratio: first / oldFirst,
        target: '<= 300 ms',
        met: first <= 300,
        notes: `old format: median ${median((t) => t.oldTransfer).toFixed(0)} ms from post to receipt (serialise, parse, structured clone), plus the render of every row from receipt; same pages`,
      });
      return measures;
    },
  },
];
