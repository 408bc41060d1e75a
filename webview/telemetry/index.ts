// The Telemetry panel: a time range, and per model its versions side by side: requests per minute, error rate,
// latency p50/p95/p99 and memory as line charts on one time axis with registry events as markers and SLOs as limit
// lines; a table of figures per version with top and unique callers. The host sends the core's summary; the page
// only lays it out. Every piece of user-derived text (model, version and caller names, paths) is inserted as text.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import type { VscodeTextfield } from '@vscode-elements/elements/dist/vscode-textfield/vscode-textfield.js';
import type { Chart } from 'chart.js';
import type { TelemetryGroup, TelemetryProblem } from '../../src/core/telemetry/types';
import {
  rangeLabel,
  type ConfigureAction,
  type HostToWebview,
  type TelemetryRange,
  type WebviewToHost,
} from '../../src/protocol/telemetry';
import { readTheme, watchTheme, type ChartTheme } from '../metricHistory/theme';
import { connect, el } from '../shared/vscodeApi';
import { timeChart, type LimitLine, type TimeDataset } from './charts';
import {
  figureRows,
  formatCount,
  formatMb,
  formatMs,
  formatPerMinute,
  formatRate,
  formatTime,
  hasMemory,
  modelsOf,
  seriesOf,
  telemetryMarkdown,
  versionName,
  versionsOf,
} from './format';
import { percentileNote } from '../../src/core/telemetry/report';

interface UiState {
  range?: TelemetryRange;
  model?: string;
}

type Summary = Extract<HostToWebview, { type: 'summary' }>;

const channel = connect<WebviewToHost, HostToWebview, UiState>();
const root = document.getElementById('root')!;
const ui: UiState = channel.state() ?? {};
let range: TelemetryRange = ui.range ?? { preset: 'all' };
let shown: Summary | undefined;
let theme: ChartTheme = readTheme();
const charts: Chart[] = [];

// vscode-button draws its icon from the codicon stylesheet it finds by this id.
const codicons = Array.from(document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')).find((l) =>
  l.href.endsWith('codicon.css'),
);
if (codicons && !document.getElementById('vscode-codicon-stylesheet')) codicons.id = 'vscode-codicon-stylesheet';

const header = el('header', { className: 'tm-header' });
const status = el('div', { className: 'tm-status', attrs: { role: 'status', 'aria-live': 'polite' } });
const body = el('div', { className: 'tm-body' });
root.append(header, status, body);

const PRESETS: { value: TelemetryRange['preset']; label: string }[] = [
  { value: 'all', label: 'All events' },
  { value: 'hour', label: 'Last hour' },
  { value: 'day', label: 'Last day' },
  { value: 'week', label: 'Last week' },
  { value: 'custom', label: 'Custom…' },
];

const ACTION_LABELS: Record<ConfigureAction, { label: string; icon: string }> = {
  openConfig: { label: 'Open mlops.yaml', icon: 'go-to-file' },
  pickLog: { label: 'Choose a Log File…', icon: 'file-add' },
  openSettings: { label: 'Set a Prometheus URL', icon: 'settings-gear' },
};

function save(): void {
  ui.range = range;
  channel.saveState(ui);
}

function clearCharts(): void {
  for (const c of charts.splice(0)) c.destroy();
}

function rendered(view: 'summary' | 'state', versions = 0, model?: string): void {
  root.setAttribute('aria-busy', 'false');
  channel.post({ type: 'rendered', view, versions, charts: charts.length, ...(model !== undefined ? { model } : {}) });
}

function button(label: string, icon: string, onClick: () => void, secondary = true, id?: string): HTMLElement {
  const b = el('vscode-button', { text: label, attrs: { icon, ...(id ? { id } : {}) } });
  if (secondary) b.setAttribute('secondary', '');
  b.addEventListener('click', onClick);
  return b;
}

function select(id: string, label: string, options: { value: string; label: string }[], value: string) {
  const s: VscodeSingleSelect = el('vscode-single-select', { attrs: { id, 'aria-label': label } });
  for (const o of options) {
    const option = el('vscode-option', { text: o.label, attrs: { value: o.value } });
    if (o.value === value) option.setAttribute('selected', '');
    s.append(option);
  }
  return s;
}

/** `YYYY-MM-DDTHH:mm` in local time, what a datetime-local field holds. */
function localInput(time: number): string {
  const d = new Date(time - new Date(time).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

function setRange(next: TelemetryRange): void {
  range = next;
  save();
  channel.post({ type: 'setRange', range });
}

function rangeControls(): HTMLElement[] {
  const picker = select('tm-range', 'Time range', PRESETS, range.preset);
  const custom = el('span', { className: 'tm-custom' });
  const showCustom = () => {
    const to = range.preset === 'custom' ? range.to : (shown?.summary.to ?? Date.now());
    const from = range.preset === 'custom' ? range.from : (shown?.summary.from ?? to - 86_400_000);
    const fromField: VscodeTextfield = el('vscode-textfield', {
      attrs: { id: 'tm-from', type: 'datetime-local', 'aria-label': 'From', value: localInput(from) },
    });
    const toField: VscodeTextfield = el('vscode-textfield', {
      attrs: { id: 'tm-to', type: 'datetime-local', 'aria-label': 'To', value: localInput(to) },
    });
    const error = el('span', { className: 'tm-field-error', attrs: { role: 'alert' } });
    const apply = button(
      'Apply',
      'check',
      () => {
        const a = new Date(fromField.value).getTime();
        const b = new Date(toField.value).getTime();
        if (!Number.isFinite(a) || !Number.isFinite(b) || a >= b) {
          error.textContent = 'Pick a start before the end.';
          return;
        }
        error.textContent = '';
        setRange({ preset: 'custom', from: Math.round(a), to: Math.round(b) });
      },
      false,
      'tm-apply',
    );
    custom.replaceChildren(
      el('label', { text: 'From', attrs: { for: 'tm-from' } }),
      fromField,
      el('label', { text: 'to', attrs: { for: 'tm-to' } }),
      toField,
      apply,
      error,
    );
  };
  if (range.preset === 'custom') showCustom();
  picker.addEventListener('change', () => {
    const value = picker.value as TelemetryRange['preset'];
    if (value === 'custom') showCustom();
    else {
      custom.replaceChildren();
      if (value !== range.preset) setRange({ preset: value });
    }
  });
  return [el('label', { text: 'Range', attrs: { for: 'tm-range' } }), picker, custom];
}

function renderHeader(): void {
  const title = el('h1', { className: 'tm-title' }, [
    el('span', { className: 'codicon codicon-pulse', attrs: { 'aria-hidden': 'true' } }),
    el('span', { text: 'Telemetry' }),
  ]);
  const tools = el('div', { className: 'tm-tools' }, rangeControls());
  if (shown) {
    const models = modelsOf(shown.summary);
    if (models.length > 1) {
      const picker = select(
        'tm-model',
        'Model',
        models.map((m) => ({ value: m, label: m })),
        currentModel() ?? '',
      );
      picker.addEventListener('change', () => {
        ui.model = picker.value;
        save();
        renderBody();
      });
      tools.append(el('label', { text: 'Model', attrs: { for: 'tm-model' } }), picker);
    }
  }
  tools.append(
    button('Refresh', 'refresh', () => channel.post({ type: 'refresh' }), true, 'tm-refresh'),
    button('Copy as Markdown', 'copy', copyMarkdown, true, 'tm-copy'),
  );
  if (!shown) tools.querySelector('#tm-copy')?.setAttribute('disabled', '');
  const parts: HTMLElement[] = [title, tools];
  if (shown) {
    const { summary, anchor } = shown;
    const where = summary.sources
      .map((s) => `${s.location}${s.events !== undefined ? ` (${formatCount(s.events)} events)` : ''}`)
      .join(', ');
    const ends =
      range.preset === 'all' || range.preset === 'custom'
        ? ''
        : anchor.newestEvent
          ? ' (ending at the newest event)'
          : ' (ending now)';
    parts.push(
      el('p', { className: 'tm-subtitle' }, [
        el('span', { text: `${rangeLabel(range)}${ends}: ${formatTime(summary.from)} – ${formatTime(summary.to)}` }),
        el('span', { text: ' · ' }),
        el('span', { className: 'tm-sources', text: where }),
        el('span', { text: ` · ${percentileNote(summary)}` }),
      ]),
    );
  }
  header.replaceChildren(...parts);
}

function currentModel(): string | undefined {
  if (!shown) return undefined;
  const models = modelsOf(shown.summary);
  return ui.model && models.includes(ui.model) ? ui.model : models[0];
}

/** A state the user can act on: a title, what to do, and optional actions. */
function showState(kind: 'empty' | 'error' | 'loading', title: string, hint?: string, actions: HTMLElement[] = []) {
  clearCharts();
  const box = el('div', { className: `${kind}-state`, attrs: kind === 'error' ? { role: 'alert' } : {} });
  box.append(el('h2', { text: title }));
  if (hint) box.append(el('p', { className: 'tm-hint', text: hint }));
  if (actions.length) box.append(el('div', { className: 'tm-actions' }, actions));
  body.replaceChildren(box);
}

function problemList(problems: readonly TelemetryProblem[]): HTMLElement | undefined {
  const shownProblems = problems.filter((p) => p.severity !== 'info');
  if (!shownProblems.length) return undefined;
  const list = el('ul', { className: 'tm-problems', attrs: { 'aria-label': 'Problems reading the sources' } });
  for (const p of shownProblems.slice(0, 20)) {
    const where = p.file ? `${p.file}${p.line ? `:${p.line}` : ''}: ` : '';
    list.append(
      el('li', { className: p.severity }, [
        el('span', {
          className: `codicon codicon-${p.severity === 'error' ? 'error' : 'warning'}`,
          attrs: { 'aria-hidden': 'true' },
        }),
        el('span', { text: ` ${where}${p.message}` }),
      ]),
    );
  }
  if (shownProblems.length > 20)
    list.append(el('li', { text: `… and ${shownProblems.length - 20} more (see the MLOps Workbench output)` }));
  return list;
}

function swatch(colour: string): HTMLElement {
  const s = el('span', { className: 'tm-swatch', attrs: { 'aria-hidden': 'true' } });
  s.style.background = colour;
  return s;
}

function figuresTable(groups: TelemetryGroup[], colours: string[], breached: Set<string>): HTMLElement {
  const table = el('table', {
    className: 'tm-table tm-figures',
    attrs: { 'aria-label': 'Figures per version' },
  });
  const head = el('tr', {}, [el('th', { text: 'Figure', attrs: { scope: 'col' } })]);
  groups.forEach((g, i) => {
    const th = el('th', { className: 'num', attrs: { scope: 'col', 'data-version': g.version } }, [
      swatch(colours[i] ?? theme.foreground),
      el('span', { className: 'tm-name', text: versionName(g) }),
    ]);
    if (breached.has(g.version))
      th.append(el('span', { className: 'tm-badge breach', text: 'SLO breached', attrs: { title: 'SLO breached' } }));
    head.append(th);
  });
  table.append(el('thead', {}, [head]));
  const rows = el('tbody');
  for (const r of figureRows(groups))
    rows.append(
      el('tr', {}, [
        el('th', { text: r.label, attrs: { scope: 'row' } }),
        ...r.values.map((v) => el('td', { className: 'num', text: v })),
      ]),
    );
  table.append(rows);
  return table;
}

function callersTables(groups: TelemetryGroup[], colours: string[]): HTMLElement {
  const grid = el('div', { className: 'tm-callers' });
  groups.forEach((g, i) => {
    const table = el('table', {
      className: 'tm-table tm-callers-table',
      attrs: { 'aria-label': `Top callers of ${versionName(g)}`, 'data-version': g.version },
    });
    table.append(
      el('caption', {}, [
        swatch(colours[i] ?? theme.foreground),
        el('span', { className: 'tm-name', text: versionName(g) }),
        el('span', { className: 'tm-muted', text: ` · ${formatCount(g.uniqueCallers)} unique callers` }),
      ]),
      el('thead', {}, [
        el('tr', {}, [
          el('th', { text: 'Caller', attrs: { scope: 'col' } }),
          el('th', { className: 'num', text: 'Requests', attrs: { scope: 'col' } }),
          el('th', { className: 'num', text: 'Errors', attrs: { scope: 'col' } }),
          el('th', { className: 'num', text: 'Error rate', attrs: { scope: 'col' } }),
        ]),
      ]),
      el(
        'tbody',
        {},
        g.topCallers.length
          ? g.topCallers.map((c) =>
              el('tr', {}, [
                el('td', { className: 'tm-name', text: c.caller || '(unknown)' }),
                el('td', { className: 'num', text: formatCount(c.requests) }),
                el('td', { className: 'num', text: formatCount(c.errors) }),
                el('td', { className: 'num', text: formatRate(c.requests ? c.errors / c.requests : 0) }),
              ]),
            )
          : [el('tr', {}, [el('td', { className: 'tm-muted', text: 'The source names no callers.' })])],
      ),
    );
    grid.append(table);
  });
  return grid;
}

interface ChartBox {
  id: string;
  title: string;
  canvas: HTMLCanvasElement;
  box: HTMLElement;
}

function chartBox(id: string, title: string, note?: string): ChartBox {
  const canvas = el('canvas', { attrs: { id: `tm-chart-${id}`, role: 'img', 'aria-label': title } });
  const box = el('section', { className: 'tm-chart', attrs: { 'aria-label': title } }, [
    el('h3', { text: title }),
    note
      ? el('p', { className: 'tm-muted tm-chart-note', text: note })
      : el('div', { className: 'tm-canvas' }, [canvas]),
  ]);
  return { id, title, canvas, box };
}

function renderBody(): void {
  clearCharts();
  if (!shown) return;
  const { summary, markers, slos, breaches } = shown;
  const model = currentModel();
  if (model === undefined) return;
  const groups = versionsOf(summary, model);
  const colours = theme.palette(groups.length);
  const modelBreaches = breaches.filter((b) => b.model === model);
  const breached = new Set(modelBreaches.map((b) => b.version));
  const parts: HTMLElement[] = [];
  if (modelBreaches.length)
    parts.push(
      el('section', { className: 'tm-breaches', attrs: { 'aria-label': 'SLO breaches' } }, [
        el('h2', {}, [
          el('span', { className: 'codicon codicon-error', attrs: { 'aria-hidden': 'true' } }),
          el('span', { text: ` SLO breached (${modelBreaches.length})` }),
        ]),
        el(
          'ul',
          {},
          modelBreaches.map((b) => el('li', { text: b.message, attrs: { 'data-version': b.version } })),
        ),
      ]),
    );
  const problems = problemList(summary.problems);
  if (problems) parts.push(problems);
  parts.push(
    el('h2', { className: 'tm-model' }, [
      el('span', { className: 'codicon codicon-symbol-class', attrs: { 'aria-hidden': 'true' } }),
      el('span', { className: 'tm-name', text: model }),
      el('span', {
        className: 'tm-muted',
        text: ` · ${groups.length} version${groups.length === 1 ? '' : 's'}`,
      }),
    ]),
    figuresTable(groups, colours, breached),
  );

  const modelMarkers = markers.filter((m) => m.model === model);
  const appliesTo = (s: { model?: string }) => s.model === undefined || s.model === '*' || s.model === model;
  const memory = hasMemory(groups);
  const boxes = [
    chartBox('requests', 'Requests per minute'),
    chartBox('errors', 'Error rate'),
    chartBox('latency', 'Latency p50 / p95 / p99'),
    chartBox(
      'memory',
      'Memory',
      memory
        ? undefined
        : 'The sources record no memory: log a memory field (e.g. memory_mb), or query it from Prometheus.',
    ),
  ];
  parts.push(
    el(
      'div',
      { className: 'tm-charts' },
      boxes.map((b) => b.box),
    ),
  );
  parts.push(el('h2', { className: 'tm-section', text: 'Top callers' }), callersTables(groups, colours));
  body.replaceChildren(...parts);

  const perVersion = (metric: Parameters<typeof seriesOf>[1], dash?: number[], suffix = ''): TimeDataset[] =>
    groups.map((g, i) => ({
      label: `${versionName(g)}${suffix}`,
      colour: colours[i] ?? theme.foreground,
      data: seriesOf(g, metric, summary.bucketMs),
      ...(dash ? { dash } : {}),
    }));
  const common = { from: summary.from, to: summary.to, markers: modelMarkers };
  const limitsOf = (metric: 'errorRate' | 'latency'): LimitLine[] =>
    slos
      .filter((s) => s.metric === metric && appliesTo(s))
      .map((s) => ({ value: metric === 'errorRate' ? s.limit * 100 : s.limit, label: s.label }));
  const specs = [
    {
      ...common,
      yTitle: 'requests / min',
      datasets: perVersion('requestsPerMinute'),
      limits: [],
      formatY: formatPerMinute,
    },
    {
      ...common,
      yTitle: 'error rate (%)',
      datasets: perVersion('errorRate'),
      limits: limitsOf('errorRate'),
      formatY: (v: number) => formatRate(v / 100),
    },
    {
      ...common,
      yTitle: 'latency (ms)',
      datasets: [
        ...perVersion('p50', [2, 3], ' p50'),
        ...perVersion('p95', undefined, ' p95'),
        ...perVersion('p99', [8, 3], ' p99'),
      ],
      limits: limitsOf('latency'),
      formatY: formatMs,
    },
    { ...common, yTitle: 'memory (MB)', datasets: perVersion('memory'), limits: [], formatY: formatMb },
  ];
  requestAnimationFrame(() => {
    boxes.forEach((b, i) => {
      const spec = specs[i];
      if (!spec || (b.id === 'memory' && !memory)) return;
      charts.push(timeChart(b.canvas, spec, theme));
    });
    rendered('summary', groups.length, model);
  });
}

function copyMarkdown(): void {
  if (!shown) return;
  const model = currentModel();
  channel.post({
    type: 'copyMarkdown',
    markdown: telemetryMarkdown({
      summary: shown.summary,
      range: shown.range,
      breaches: shown.breaches,
      ...(model !== undefined ? { models: [model] } : {}),
    }),
  });
}

channel.onMessage((message) => {
  switch (message.type) {
    case 'loading': {
      range = message.range;
      root.setAttribute('aria-busy', 'true');
      const cancel = button('Cancel', 'close', () => channel.post({ type: 'cancel' }), true, 'tm-cancel');
      if (!shown) {
        renderHeader();
        showState('loading', message.message, 'Large logs are read in a stream; you can cancel.', [cancel]);
      } else {
        status.replaceChildren(
          el('span', { className: 'codicon codicon-loading codicon-modifier-spin', attrs: { 'aria-hidden': 'true' } }),
          el('span', { text: ` ${message.message} ` }),
          cancel,
        );
      }
      break;
    }
    case 'summary':
      status.replaceChildren();
      shown = message;
      range = message.range;
      if (message.model !== undefined) ui.model = message.model;
      save();
      renderHeader();
      renderBody();
      break;
    case 'focus':
      ui.model = message.model;
      save();
      renderHeader();
      renderBody();
      break;
    case 'empty': {
      status.replaceChildren();
      shown = undefined;
      range = message.range;
      renderHeader();
      showState(
        'empty',
        message.title,
        message.hint,
        message.actions.map((a) =>
          button(ACTION_LABELS[a].label, ACTION_LABELS[a].icon, () => channel.post({ type: 'configure', action: a })),
        ),
      );
      const problems = problemList(message.problems);
      if (problems) body.append(problems);
      rendered('state');
      break;
    }
    case 'error':
      status.replaceChildren();
      shown = undefined;
      range = message.range;
      renderHeader();
      showState('error', message.message, message.hint, [
        button('Try Again', 'refresh', () => channel.post({ type: 'refresh' })),
      ]);
      rendered('state');
      break;
  }
});

watchTheme(() => {
  theme = readTheme();
  if (shown) renderBody();
});

channel.ready();
if (ui.range && ui.range.preset !== 'all') channel.post({ type: 'setRange', range: ui.range });
