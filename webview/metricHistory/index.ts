// The Metric History panel: two views (across versions, across steps), pickers, smoothing, log scale, zoom, a
// searchable legend, compare table, data table, exports. It talks to the host only through the typed protocol and
// keeps only UI state (setState/getState). Every name and value from the data is inserted as text.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-label/index.js';
import '@vscode-elements/elements/dist/vscode-multi-select/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-tab-header/index.js';
import '@vscode-elements/elements/dist/vscode-tab-panel/index.js';
import '@vscode-elements/elements/dist/vscode-tabs/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { VscodeMultiSelect } from '@vscode-elements/elements/dist/vscode-multi-select/vscode-multi-select.js';
import type { VscodeSingleSelect } from '@vscode-elements/elements/dist/vscode-single-select/vscode-single-select.js';
import { compareToMarkdown } from '../../src/core/chart/export';
import { plotToCsv } from '../../src/core/chart/export';
import type {
  ChartPayload,
  HistoryView,
  MetricDefinition,
  MetricHistoryQuery,
  PlotSeries,
  PlotSource,
  RevisionRange,
} from '../../src/core/chart/types';
import type { HostToWebview, WebviewToHost } from '../../src/protocol/metricHistory';
import { connect, el } from '../shared/vscodeApi';
import { ChartGrid } from './chartGrid';
import type { PointTarget } from './chartView';
import { buildComparison, renderComparison } from './compare';
import { renderDataTable } from './dataTable';
import { Legend } from './legend';
import { applySelection, rangeToken, restoreState, type UiState } from './state';
import { readTheme, watchTheme } from './theme';

const channel = connect<WebviewToHost, HostToWebview, UiState>();

const RANGE_CHOICES: [string, string][] = [
  ['all', 'All revisions'],
  ['last:10', 'Last 10'],
  ['last:25', 'Last 25'],
  ['last:50', 'Last 50'],
  ['last:100', 'Last 100'],
  ['sinceTag', 'Since tag…'],
  ['branch', 'On branch…'],
];
const SPLIT_LABELS: Record<string, string> = { train: 'Train', validation: 'Validation', test: 'Test' };
const VIEWS: HistoryView[] = ['versions', 'steps'];
const VIEW_TITLES: Record<HistoryView, string> = { versions: 'Across versions', steps: 'Across steps' };
/** Values of the steps view's x-axis picker: the logged step, or `counter:<key>`. */
const STEP_AXIS = 'step';
const COUNTER_AXIS = 'counter:';

class MetricHistoryApp {
  private state: UiState;
  private payload: ChartPayload | undefined;
  private sources: PlotSource[] = [];
  private definitions: MetricDefinition[] = [];
  private readonly colourSlots = new Map<string, number>();
  private colours = new Map<string, string>();
  private chart: ChartGrid;
  private legend: Legend;
  private receivedAt = 0;
  private pendingRender = false;

  private readonly root =
    document.getElementById('root') ?? document.body.appendChild(el('main', { attrs: { id: 'root' } }));
  private readonly tabs = el('vscode-tabs', { attrs: { 'aria-label': 'Chart view' } });
  private readonly keysSelect = el('vscode-multi-select', { attrs: { id: 'mh-keys', label: 'Metrics', combobox: '' } });
  private readonly sourcesSelect = el('vscode-multi-select', { attrs: { id: 'mh-sources', label: 'Sources' } });
  private readonly splitsSelect = el('vscode-multi-select', { attrs: { id: 'mh-splits', label: 'Splits' } });
  private readonly rangeSelect = el('vscode-single-select', { attrs: { id: 'mh-range', label: 'Revisions' } });
  private readonly rangeText = el('vscode-textfield', {
    attrs: { id: 'mh-range-text', 'aria-label': 'Tag or branch name' },
  });
  private readonly axisSelect = el('vscode-single-select', { attrs: { id: 'mh-axis', label: 'X axis' } });
  private readonly stepAxisSelect = el('vscode-single-select', { attrs: { id: 'mh-step-axis', label: 'X axis' } });
  private readonly smoothing = el('input', {
    attrs: { id: 'mh-smoothing', type: 'range', min: '0', max: '0.99', step: '0.01', 'aria-label': 'Smoothing' },
  });
  private readonly smoothingValue = el('output', { attrs: { for: 'mh-smoothing' } });
  private readonly logScale = el('vscode-checkbox', { attrs: { id: 'mh-log', label: 'Log scale' } });
  private readonly showTable = el('vscode-checkbox', { attrs: { id: 'mh-show-table', label: 'Show as table' } });
  private readonly split = el('vscode-checkbox', {
    attrs: {
      id: 'mh-split',
      label: 'One chart per metric',
      title: 'Off: every metric on one chart, sharing one y axis',
    },
  });
  private readonly status = el('div', { className: 'mh-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  /** Shown while a command limited the chart to some runs (the Runs table's selection): chart every run again. */
  private readonly allRuns = el('vscode-button', {
    text: 'Show every run',
    attrs: { id: 'mh-all-runs', secondary: '', hidden: '', title: 'Chart every run of the sources again' },
  });
  private readonly message = el('div', { className: 'mh-message', attrs: { role: 'alert' } });
  private readonly body = el('div', { className: 'mh-body' });
  private readonly compare = el('section', { className: 'mh-compare', attrs: { 'aria-label': 'Compare selected' } });
  private readonly tableSection = el('section', {
    className: 'mh-table',
    attrs: { 'aria-label': 'Chart data as a table' },
  });
  /** The selected names next to each multi-select's label (its face only shows a count). */
  private readonly summaries = new Map<HTMLElement, HTMLElement>([
    [this.keysSelect, el('span', { className: 'mh-summary' })],
    [this.sourcesSelect, el('span', { className: 'mh-summary' })],
    [this.splitsSelect, el('span', { className: 'mh-summary' })],
  ]);
  private readonly viewHint: Record<HistoryView, HTMLElement> = {
    versions: el('p', {
      className: 'mh-hint',
      text: 'One point per revision; DVC experiments are triangles beside the commit they ran on. Click a point to open the file at that revision; Shift+click points to compare them. Drag to zoom, Ctrl+wheel to zoom, Alt+drag to pan.',
    }),
    steps: el('p', {
      className: 'mh-hint',
      text: 'One curve per run. Click a curve to open its run; Shift+click runs to compare them. Drag to zoom, Ctrl+wheel to zoom, Alt+drag to pan.',
    }),
  };

  constructor() {
    this.state = restoreState(channel.state());
    const codicons = [...document.querySelectorAll<HTMLLinkElement>('link[rel="stylesheet"]')].find((l) =>
      l.href.endsWith('codicon.css'),
    );
    if (codicons && !document.getElementById('vscode-codicon-stylesheet')) codicons.id = 'vscode-codicon-stylesheet';
    this.legend = new Legend({
      onToggle: (ids, hide) => this.setHidden(ids, hide),
      onFilter: (text) => {
        this.state.legendFilter = text;
        this.save();
      },
    });
    this.legend.setFilter(this.state.legendFilter);
    this.chart = new ChartGrid(readTheme(), {
      onPointClick: (target, extend) => this.onPointClick(target, extend),
      onZoomChange: (range) => {
        if (range) this.state.zoom[this.state.view] = range;
        else delete this.state.zoom[this.state.view];
        this.save();
      },
      onKey: (event) => this.onChartKey(event),
    });
    this.buildLayout();
    watchTheme(() => {
      this.chart.applyTheme(readTheme());
      this.assignColours();
      this.refreshOptions();
      this.renderLegend();
    });
    this.showMessage('loading', 'Loading metrics…');
    channel.onMessage((m) => this.onMessage(m));
    channel.ready();
  }

  // ------------------------------------------------------------------------------------------------ layout

  private buildLayout(): void {
    for (const view of VIEWS) {
      const header = el('vscode-tab-header', { text: VIEW_TITLES[view], attrs: { slot: 'header' } });
      const panel = el(
        'vscode-tab-panel',
        {},
        view === 'versions'
          ? [this.versionControls(), this.viewHint.versions]
          : [this.stepControls(), this.viewHint.steps],
      );
      this.tabs.append(header, panel);
    }
    this.tabs.selectedIndex = VIEWS.indexOf(this.state.view);
    this.tabs.addEventListener('vsc-tabs-select', (event) => {
      const view = VIEWS[event.detail.selectedIndex] ?? 'versions';
      if (view === this.state.view) return;
      this.state.view = view;
      this.save();
      this.request();
    });

    const group = (label: string, control: HTMLElement, extra: HTMLElement[] = []) =>
      el('div', { className: 'mh-field' }, [
        el('vscode-label', { attrs: { for: control.id } }, [label, this.summaries.get(control) ?? '']),
        extra.length ? el('div', { className: 'mh-inline' }, [control, ...extra]) : control,
      ]);

    const labelsOf = (select: VscodeMultiSelect) =>
      [...select.querySelectorAll('vscode-option')]
        .filter((o) => select.value.includes(o.getAttribute('value') ?? ''))
        .map((o) => o.textContent ?? '');
    this.keysSelect.addEventListener('change', () => {
      this.summarize(this.keysSelect, labelsOf(this.keysSelect));
      this.state.keys[this.state.view] = [...this.keysSelect.value];
      this.save();
      this.request();
    });
    // Sources and splits: everything ticked means "all", kept as an empty list so new ones are included.
    const unlessAll = (select: VscodeMultiSelect) =>
      select.value.length === select.querySelectorAll('vscode-option').length ? [] : [...select.value];
    this.sourcesSelect.addEventListener('change', () => {
      this.summarize(this.sourcesSelect, labelsOf(this.sourcesSelect));
      this.state.sources = unlessAll(this.sourcesSelect);
      this.save();
      this.request();
    });
    this.splitsSelect.addEventListener('change', () => {
      this.summarize(this.splitsSelect, labelsOf(this.splitsSelect));
      this.state.splits[this.state.view] = unlessAll(this.splitsSelect).filter(
        (s): s is 'train' | 'validation' | 'test' => s in SPLIT_LABELS,
      );
      this.save();
      this.request();
    });
    const chooseSources = el('vscode-button', {
      text: 'Choose…',
      attrs: { secondary: '', title: 'Pick the sources in a list' },
    });
    chooseSources.addEventListener('click', () => channel.post({ type: 'selectSources', current: this.state.sources }));

    this.smoothing.value = String(this.state.smoothing);
    this.smoothingValue.textContent = this.state.smoothing.toFixed(2);
    let frame = 0;
    this.smoothing.addEventListener('input', () => {
      this.state.smoothing = Math.min(0.99, Math.max(0, Number(this.smoothing.value) || 0));
      this.smoothingValue.textContent = this.state.smoothing.toFixed(2);
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        this.refreshOptions();
        this.save();
      });
    });
    this.logScale.checked = this.state.logScale;
    this.logScale.addEventListener('change', () => {
      this.state.logScale = this.logScale.checked;
      this.save();
      this.refreshOptions();
    });
    this.split.checked = this.state.layout === 'split';
    this.split.addEventListener('change', () => {
      this.state.layout = this.split.checked ? 'split' : 'overlay';
      this.save();
      if (this.payload) this.showData(this.payload);
    });
    this.showTable.checked = this.state.showTable;
    this.showTable.addEventListener('change', () => {
      this.state.showTable = this.showTable.checked;
      this.save();
      this.renderTable();
    });

    const button = (text: string, title: string, onClick: () => void, secondary = true) => {
      const b = el('vscode-button', { text, attrs: { title, ...(secondary ? { secondary: '' } : {}) } });
      b.addEventListener('click', onClick);
      return b;
    };
    const zoomButtons = el('div', { className: 'mh-button-row', attrs: { role: 'group', 'aria-label': 'Zoom' } }, [
      button('Zoom in', 'Zoom in (+ on the chart)', () => this.chart.zoomBy(1.25)),
      button('Zoom out', 'Zoom out (- on the chart)', () => this.chart.zoomBy(0.8)),
      button('Reset zoom', 'Show everything (0 on the chart)', () => this.chart.resetZoom()),
    ]);
    const exportButtons = el('div', { className: 'mh-button-row', attrs: { role: 'group', 'aria-label': 'Export' } }, [
      button('Export PNG', 'Save the chart as a PNG image', () => this.exportPng()),
      button('Export CSV', 'Save the plotted data as CSV', () => this.exportCsv()),
    ]);

    const toolbar = el('div', { className: 'mh-toolbar', attrs: { role: 'group', 'aria-label': 'Chart controls' } }, [
      group('Metrics', this.keysSelect),
      el('div', { className: 'mh-field' }, [
        el('vscode-label', { text: 'Layout', attrs: { for: 'mh-split' } }),
        this.split,
      ]),
      group('Sources', this.sourcesSelect, [chooseSources]),
      group('Splits', this.splitsSelect),
      el('div', { className: 'mh-field' }, [
        el('label', { text: 'Smoothing', attrs: { for: 'mh-smoothing' } }),
        this.smoothing,
        this.smoothingValue,
      ]),
      el('div', { className: 'mh-field mh-checks' }, [this.logScale, this.showTable]),
      zoomButtons,
      exportButtons,
    ]);

    this.body.append(this.chart.element, this.legend.element);
    this.root.replaceChildren(
      this.tabs,
      toolbar,
      this.status,
      this.allRuns,
      this.message,
      this.body,
      this.compare,
      this.tableSection,
    );
    this.root.classList.add('mh-root');
    this.allRuns.addEventListener('click', () => {
      this.state.runs = [];
      this.save();
      this.request();
    });
  }

  /** Zoom and pan keys on any chart act on all of them (they share the x axis). */
  private onChartKey(event: KeyboardEvent): void {
    const actions: Record<string, () => void> = {
      '+': () => this.chart.zoomBy(1.25),
      '=': () => this.chart.zoomBy(1.25),
      '-': () => this.chart.zoomBy(0.8),
      '0': () => this.chart.resetZoom(),
      ArrowLeft: () => this.chart.panBy(60),
      ArrowRight: () => this.chart.panBy(-60),
    };
    const action = actions[event.key];
    if (action) {
      event.preventDefault();
      action();
    }
  }

  private versionControls(): HTMLElement {
    for (const [value, label] of RANGE_CHOICES)
      this.rangeSelect.append(el('vscode-option', { text: label, attrs: { value } }));
    for (const [value, label] of [
      ['date', 'Date'],
      ['order', 'Revision order'],
    ] as const)
      this.axisSelect.append(el('vscode-option', { text: label, attrs: { value } }));
    this.syncRangeControls();
    this.rangeSelect.addEventListener('change', () => {
      const token = this.rangeSelect.value;
      if (token.startsWith('last:')) this.setRange({ kind: 'last', count: Number(token.slice(5)) });
      else if (token === 'sinceTag' || token === 'branch') {
        this.rangeText.hidden = false;
        this.rangeText.placeholder = token === 'sinceTag' ? 'Tag, e.g. v1.0 (Enter)' : 'Branch, e.g. main (Enter)';
        this.rangeText.value = '';
        this.rangeText.focus();
      } else this.setRange({ kind: 'all' });
    });
    this.rangeText.addEventListener('change', () => {
      const text = this.rangeText.value.trim();
      if (!text) return;
      this.setRange(
        this.rangeSelect.value === 'branch' ? { kind: 'branch', name: text } : { kind: 'sinceTag', tag: text },
      );
    });
    this.axisSelect.addEventListener('change', () => {
      this.state.axis = this.axisSelect.value === 'order' ? 'order' : 'date';
      delete this.state.zoom.versions;
      this.save();
      this.request();
    });
    return el('div', { className: 'mh-toolbar mh-view-controls' }, [
      el('div', { className: 'mh-field' }, [
        el('vscode-label', { text: 'Revisions', attrs: { for: 'mh-range' } }),
        this.rangeSelect,
        this.rangeText,
      ]),
      el('div', { className: 'mh-field' }, [
        el('vscode-label', { text: 'X axis', attrs: { for: 'mh-axis' } }),
        this.axisSelect,
      ]),
    ]);
  }

  /** Across steps: the x axis is the logged step or a counter the runs log (epoch, iteration, ...). */
  private stepControls(): HTMLElement {
    this.setStepAxisOptions([[STEP_AXIS, 'Step']], this.state.stepAxis);
    this.stepAxisSelect.addEventListener('change', () => {
      const value = this.stepAxisSelect.value;
      const key = value.startsWith(COUNTER_AXIS) ? value.slice(COUNTER_AXIS.length) : '';
      if (key === this.state.stepAxis) return;
      this.state.stepAxis = key;
      delete this.state.zoom.steps;
      this.save();
      this.request();
    });
    return el('div', { className: 'mh-toolbar mh-view-controls' }, [
      el('div', { className: 'mh-field' }, [
        el('vscode-label', { text: 'X axis', attrs: { for: 'mh-step-axis' } }),
        this.stepAxisSelect,
      ]),
    ]);
  }

  /** The steps view's x-axis choices from the payload: the step, then each counter with how many runs log it. */
  private syncStepAxis(payload: ChartPayload): void {
    if (payload.view !== 'steps') return;
    const total = payload.xChoices[0]?.runs ?? payload.runs.length;
    const options = payload.xChoices.map((c): [string, string] =>
      c.key
        ? [`${COUNTER_AXIS}${c.key}`, c.runs < total ? `${c.key} (${c.runs} of ${total} runs)` : c.key]
        : [STEP_AXIS, 'Step'],
    );
    this.setStepAxisOptions(options.length ? options : [[STEP_AXIS, 'Step']], payload.query.xKey ?? '');
  }

  private setStepAxisOptions(options: [string, string][], key: string): void {
    this.setOptions(this.stepAxisSelect, options, [key ? `${COUNTER_AXIS}${key}` : STEP_AXIS]);
    const only = options.length <= 1;
    this.stepAxisSelect.disabled = only;
    this.stepAxisSelect.title = only
      ? 'The runs log no counter (epoch, iteration, …) to plot against'
      : 'Plot against the logged step or a counter the runs log';
  }

  private setRange(range: RevisionRange): void {
    this.state.range = range;
    this.save();
    this.syncRangeControls();
    this.request();
  }

  private syncRangeControls(): void {
    const range = this.state.range;
    const token = rangeToken(range);
    if (!RANGE_CHOICES.some(([v]) => v === token) && range.kind === 'last') {
      this.rangeSelect.append(el('vscode-option', { text: `Last ${range.count}`, attrs: { value: token } }));
    }
    this.rangeSelect.value = token;
    const needsText = range.kind === 'sinceTag' || range.kind === 'branch';
    this.rangeText.hidden = !needsText;
    if (range.kind === 'sinceTag') this.rangeText.value = range.tag;
    if (range.kind === 'branch') this.rangeText.value = range.name;
    this.axisSelect.value = this.state.axis;
  }

  // ------------------------------------------------------------------------------------------------ messages

  private onMessage(message: HostToWebview): void {
    switch (message.type) {
      case 'init':
        this.sources = message.sources;
        this.definitions = message.definitions;
        if (message.selection) applySelection(this.state, message.selection);
        this.syncControls();
        this.save();
        this.request();
        return;
      case 'state':
        applySelection(this.state, message.selection);
        this.syncControls();
        this.save();
        this.request();
        return;
      case 'loading':
        if (this.payload && this.payload.view === this.state.view)
          this.status.textContent = message.message || 'Updating…';
        else this.showMessage('loading', message.message || 'Loading metrics…');
        return;
      case 'empty':
        if (message.view !== this.state.view) return;
        this.payload = undefined;
        this.setOptions(
          this.keysSelect,
          message.availableKeys.map((k) => [k, k]),
          this.state.keys[this.state.view],
        );
        this.showMessage('empty', message.title, message.hint);
        return;
      case 'error':
        this.showMessage('error', message.message, message.hint);
        return;
      case 'data':
        if (message.payload.view !== this.state.view) return;
        this.receivedAt = performance.now();
        this.showData(message.payload);
        return;
    }
  }

  private request(): void {
    const view = this.state.view;
    const query: MetricHistoryQuery = {
      view,
      keys: this.state.keys[view],
      sources: this.state.sources,
      splits: this.state.splits[view],
      ...(view === 'versions' ? { range: this.state.range, axis: this.state.axis } : {}),
      ...(this.state.runs.length ? { runs: this.state.runs } : {}),
      ...(view === 'steps' && this.state.stepAxis ? { xKey: this.state.stepAxis } : {}),
    };
    if (this.tabs.selectedIndex !== VIEWS.indexOf(view)) this.tabs.selectedIndex = VIEWS.indexOf(view);
    channel.post({ type: 'requestData', query });
  }

  private syncControls(): void {
    this.tabs.selectedIndex = VIEWS.indexOf(this.state.view);
    const sourceOptions = this.sources.map((s): [string, string] => [s.id, s.label]);
    this.setOptions(this.sourcesSelect, sourceOptions, this.state.sources);
    this.syncRangeControls();
  }

  /** Replaces a select's options (text only) and selects `selected`. */
  private setOptions(
    select: VscodeMultiSelect | VscodeSingleSelect,
    options: [string, string][],
    selected: readonly string[],
  ): void {
    const current = [...select.querySelectorAll('vscode-option')]
      .map((o) => `${o.getAttribute('value') ?? ''}\u0000${o.textContent ?? ''}`)
      .join('\u0001');
    const next = options.map(([v, l]) => `${v}\u0000${l}`).join('\u0001');
    // An empty choice of sources or splits means all of them: show them all ticked.
    const all = selected.length === 0 && (select === this.sourcesSelect || select === this.splitsSelect);
    const wanted = new Set(all ? options.map(([v]) => v) : selected);
    if (current !== next) {
      select.replaceChildren(
        ...options.map(([value, label]) =>
          el('vscode-option', { text: label, attrs: { value, ...(wanted.has(value) ? { selected: '' } : {}) } }),
        ),
      );
    }
    if ('selectedIndexes' in select) {
      const values = options.map(([v]) => v).filter((v) => wanted.has(v));
      if (values.join('\u0000') !== select.value.join('\u0000')) select.value = values;
      this.summarize(select, all ? [] : options.filter(([v]) => wanted.has(v)).map(([, l]) => l));
    } else if (selected[0] !== undefined && select.value !== selected[0]) select.value = selected[0];
  }

  /** The metric picker's choices: counters (step, epoch, ...) say so; they are never ticked by default. */
  private keyOptions(payload: ChartPayload): [string, string][] {
    const counters = new Set(payload.counterKeys);
    return payload.availableKeys.map((k) => [k, counters.has(k) ? `${k} (counter)` : k]);
  }

  private summarize(select: HTMLElement, labels: string[]): void {
    const summary = this.summaries.get(select);
    if (!summary) return;
    const options = select.querySelectorAll('vscode-option').length;
    const all = select === this.keysSelect ? 'defaults' : 'all';
    const text = labels.length && (select === this.keysSelect || labels.length < options) ? labels.join(', ') : all;
    summary.textContent = `: ${text.length > 48 ? `${text.slice(0, 47)}…` : text}`;
    summary.title = labels.join(', ') || all;
  }

  // ------------------------------------------------------------------------------------------------ data

  private showData(payload: ChartPayload): void {
    this.syncStepAxis(payload);
    if (payload.series.length === 0) {
      this.payload = undefined;
      this.setOptions(this.keysSelect, this.keyOptions(payload), payload.query.keys);
      this.setOptions(
        this.splitsSelect,
        payload.availableSplits.map((s) => [s, SPLIT_LABELS[s] ?? s]),
        this.state.splits[payload.view],
      );
      const what = payload.view === 'versions' ? 'revision' : 'run';
      this.showMessage(
        'empty',
        `No ${what} has ${payload.query.keys.join(', ') || 'these metrics'} for the chosen splits and sources.`,
        'Pick other metrics, splits or sources above.',
      );
      channel.post({
        type: 'rendered',
        view: payload.view,
        series: 0,
        points: 0,
        ms: performance.now() - this.receivedAt,
      });
      return;
    }
    this.payload = payload;
    this.message.hidden = true;
    this.message.replaceChildren();
    this.body.hidden = false;
    this.root.setAttribute('aria-busy', 'false');
    this.setOptions(this.keysSelect, this.keyOptions(payload), payload.query.keys);
    const sources = new Map(this.sources.map((s) => [s.id, s]));
    for (const s of payload.sources) if (!sources.has(s.id)) sources.set(s.id, s);
    this.sources = [...sources.values()];
    this.setOptions(
      this.sourcesSelect,
      this.sources.map((s) => [s.id, s.label]),
      this.state.sources,
    );
    this.setOptions(
      this.splitsSelect,
      payload.availableSplits.map((s) => [s, SPLIT_LABELS[s] ?? s]),
      this.state.splits[payload.view],
    );
    this.splitsSelect
      .closest<HTMLElement>('.mh-field')
      ?.toggleAttribute('hidden', payload.availableSplits.length === 0);
    this.assignColours();
    this.chart.setData(payload, this.chartOptions(), this.state.zoom[payload.view], this.state.layout);
    this.pendingRender = true;
    this.renderLegend();
    this.renderStatus();
    this.renderCompare();
    this.renderTable();
    this.describeCanvas();
    if (this.pendingRender) {
      this.pendingRender = false;
      channel.post({
        type: 'rendered',
        view: payload.view,
        series: payload.series.length,
        points: this.chart.visiblePoints,
        ms: performance.now() - this.receivedAt,
      });
    }
  }

  private assignColours(): void {
    const payload = this.payload;
    if (!payload) return;
    for (const s of payload.series) if (!this.colourSlots.has(s.id)) this.colourSlots.set(s.id, this.colourSlots.size);
    const palette = readTheme().palette(this.colourSlots.size);
    this.colours = new Map(
      [...this.colourSlots].flatMap(([id, slot]) => {
        const colour = palette[slot];
        return colour === undefined ? [] : [[id, colour] as const];
      }),
    );
  }

  private chartOptions() {
    const hidden = new Set(this.state.hidden);
    return {
      smoothing: this.state.smoothing,
      logScale: this.state.logScale,
      hidden,
      colours: this.colours,
      selected: new Set(this.state.selection[this.state.view]),
    };
  }

  private refreshOptions(): void {
    if (!this.payload) return;
    this.chart.setOptions(this.chartOptions());
  }

  private setHidden(ids: string[], hide: boolean): void {
    const hidden = new Set(this.state.hidden);
    for (const id of ids) {
      if (hide) hidden.add(id);
      else hidden.delete(id);
    }
    this.state.hidden = [...hidden];
    this.save();
    this.refreshOptions();
    this.renderLegend();
    this.renderCompare();
    this.renderTable();
    this.renderStatus();
  }

  private renderLegend(): void {
    const payload = this.payload;
    if (!payload) return;
    const entries = payload.series.map((s) => {
      const run = s.run === undefined ? undefined : payload.runs[s.run];
      return {
        id: s.id,
        label: s.label,
        colour: this.colours.get(s.id) ?? '#888888',
        search: [s.key, s.split ?? '', run?.experiment ?? '', ...(run?.params.map(([k, v]) => `${k}=${v}`) ?? [])].join(
          '\u0000',
        ),
        breaches: s.breaches.length > 0,
      };
    });
    this.legend.update(entries, new Set(this.state.hidden));
    const experiments = payload.versions.filter((v) => v.experiment !== undefined);
    this.legend.setNote(
      '▲',
      experiments.length
        ? `DVC experiment${experiments.length === 1 ? '' : 's'} (${experiments.length}): beside the commit ${experiments.length === 1 ? 'it was' : 'they were'} run on, linked by a dashed line`
        : undefined,
    );
  }

  private renderStatus(): void {
    const payload = this.payload;
    if (!payload) return;
    const hidden = new Set(this.state.hidden);
    const shown = payload.series.filter((s) => !hidden.has(s.id)).length;
    const nonFinite = payload.series.reduce((n, s) => n + s.nonFinite, 0);
    const experiments = payload.versions.filter((v) => v.experiment !== undefined).length;
    const commits = payload.versions.length - experiments;
    const runsOnly = payload.versions.length > 0 && payload.versions.every((v) => v.kind === 'run');
    const parts = [
      payload.view === 'versions' ? `${commits} ${runsOnly ? 'runs' : 'revisions'}` : `${payload.runs.length} runs`,
      ...(experiments ? [`${experiments} experiment${experiments === 1 ? '' : 's'} (▲)`] : []),
      `${shown} of ${payload.series.length} series`,
      `${payload.plottedPoints.toLocaleString('en-US')} points${payload.rawPoints > payload.plottedPoints ? ` (decimated from ${payload.rawPoints.toLocaleString('en-US')})` : ''}`,
    ];
    if (this.state.runs.length)
      parts.push(
        `only the ${this.state.runs.length} run${this.state.runs.length === 1 ? '' : 's'} chosen in the Runs table`,
      );
    this.allRuns.hidden = this.state.runs.length === 0;
    if (nonFinite) parts.push(`${nonFinite} NaN or infinite values not shown`);
    if (payload.axisNote) parts.push(payload.axisNote);
    const xKey = payload.query.xKey;
    if (xKey && payload.runsWithoutX.length) {
      const n = payload.runsWithoutX.length;
      const names = payload.runsWithoutX.slice(0, 3).join(', ') + (n > 3 ? ', …' : '');
      parts.push(`${n} run${n === 1 ? '' : 's'} without ${xKey} not shown (${names})`);
    }
    if (xKey && payload.pointsWithoutX)
      parts.push(`${payload.pointsWithoutX.toLocaleString('en-US')} points at steps without ${xKey} not shown`);
    if (payload.detachedExperiments)
      parts.push(
        `${payload.detachedExperiments} experiment${payload.detachedExperiments === 1 ? '' : 's'} not shown: baseline outside the range`,
      );
    if (this.state.logScale && payload.series.some((s) => s.ys.some((y) => y <= 0)))
      parts.push('zero and negative values are not shown on a log scale');
    this.status.textContent = parts.join(' · ');
  }

  private describeCanvas(): void {
    const payload = this.payload;
    if (!payload) return;
    const keys = payload.query.keys.join(', ');
    const scope =
      payload.view === 'versions'
        ? `across ${payload.versions.length} revisions`
        : `across the steps of ${payload.runs.length} runs`;
    this.chart.describe(
      (title) =>
        `Line chart of ${title || keys} ${scope}. Turn on "Show as table" to read the values. Keys: plus and minus zoom, arrows pan, 0 resets.`,
    );
  }

  private onPointClick(target: PointTarget, extend: boolean): void {
    const payload = this.payload;
    if (!payload) return;
    const id = this.itemId(target);
    if (!id) return;
    if (extend) {
      this.toggleSelection(id, !this.state.selection[payload.view].includes(id));
      return;
    }
    this.open(id, target.series);
  }

  private itemId(target: PointTarget): string | undefined {
    const payload = this.payload;
    if (!payload) return undefined;
    if (payload.view === 'versions') {
      const index = target.series.versions?.[target.index];
      return index === undefined ? undefined : payload.versions[index]?.sha;
    }
    return target.series.run === undefined ? undefined : payload.runs[target.series.run]?.id;
  }

  /** Opens a revision (the clicked series' file, else the first visible one's) or a run. */
  private open(id: string, series?: PlotSeries): void {
    const payload = this.payload;
    if (!payload) return;
    if (payload.view === 'versions') {
      const index = payload.versions.findIndex((v) => v.sha === id);
      const version = payload.versions[index];
      if (!version) return;
      const hidden = new Set(this.state.hidden);
      const owner = series ?? payload.series.find((s) => !hidden.has(s.id) && s.versions?.includes(index));
      const source = this.sources.find((s) => s.id === version.sourceId);
      channel.post({
        type: 'openRevision',
        sha: version.sha,
        path: owner?.file ?? source?.location ?? '',
        sourceId: version.sourceId,
      });
    } else {
      const run = payload.runs.find((r) => r.id === id);
      if (run) channel.post({ type: 'openRun', runId: run.id, sourceId: run.sourceId });
    }
  }

  private toggleSelection(id: string, selected: boolean): void {
    const view = this.state.view;
    const list = this.state.selection[view].filter((x) => x !== id);
    if (selected) list.push(id);
    this.state.selection[view] = list;
    this.save();
    this.refreshOptions();
    this.renderCompare();
    if (this.state.showTable) this.renderTable();
  }

  private renderCompare(): void {
    const payload = this.payload;
    const selected = this.state.selection[this.state.view];
    if (!payload || selected.length === 0) {
      this.compare.hidden = true;
      this.compare.replaceChildren();
      return;
    }
    this.compare.hidden = false;
    const clear = el('vscode-button', { text: 'Clear selection', attrs: { secondary: '' } });
    clear.addEventListener('click', () => {
      this.state.selection[this.state.view] = [];
      this.save();
      this.refreshOptions();
      this.renderCompare();
      if (this.state.showTable) this.renderTable();
    });
    const heading = el('h2', { text: `Compare (${selected.length} selected)` });
    const table = buildComparison(payload, selected, new Set(this.state.hidden));
    if (!table) {
      this.compare.replaceChildren(
        el('div', { className: 'mh-compare-header' }, [heading, clear]),
        el('p', {
          className: 'mh-hint',
          text: 'Shift+click another point (or tick another row in "Show as table") to compare. The first selected is the baseline.',
        }),
      );
      return;
    }
    const copy = el('vscode-button', { text: 'Copy as Markdown' });
    copy.addEventListener('click', () => channel.post({ type: 'copyMarkdown', markdown: compareToMarkdown(table) }));
    const legend = el('p', { className: 'mh-hint' }, [
      'Deltas against the first selected: ',
      el('span', { className: 'verdict-improved', text: 'better' }),
      ', ',
      el('span', { className: 'verdict-regressed', text: 'worse' }),
      ' by each metric’s goal; grey where no goal is defined.',
    ]);
    this.compare.replaceChildren(
      el('div', { className: 'mh-compare-header' }, [heading, copy, clear]),
      legend,
      el('div', { className: 'mh-table-wrap' }, [renderComparison(table)]),
    );
  }

  private renderTable(): void {
    const payload = this.payload;
    if (!payload || !this.state.showTable) {
      this.tableSection.hidden = true;
      this.tableSection.replaceChildren();
      return;
    }
    this.tableSection.hidden = false;
    this.tableSection.replaceChildren(
      renderDataTable(payload, new Set(this.state.hidden), new Set(this.state.selection[this.state.view]), {
        onOpen: (id) => this.open(id),
        onToggleCompare: (id, selected) => this.toggleSelection(id, selected),
      }),
    );
  }

  private showMessage(kind: 'loading' | 'empty' | 'error', title: string, hint?: string): void {
    this.root.setAttribute('aria-busy', kind === 'loading' ? 'true' : 'false');
    this.message.hidden = false;
    this.message.className = `mh-message ${kind}-state`;
    this.message.setAttribute('role', kind === 'error' ? 'alert' : 'status');
    const children: (Node | string)[] = [el('p', { className: 'mh-message-title', text: title })];
    if (hint) children.push(el('p', { className: 'mh-message-hint', text: hint }));
    if (kind === 'error' || kind === 'empty') {
      const retry = el('vscode-button', { text: kind === 'error' ? 'Try again' : 'Reload', attrs: { secondary: '' } });
      retry.addEventListener('click', () => this.request());
      const sources = el('vscode-button', { text: 'Choose sources…', attrs: { secondary: '' } });
      sources.addEventListener('click', () => channel.post({ type: 'selectSources', current: this.state.sources }));
      children.push(el('div', { className: 'mh-button-row mh-center' }, [retry, sources]));
    }
    this.message.replaceChildren(...children);
    if (kind !== 'loading' || !this.payload) {
      this.body.hidden = kind !== 'loading' || !this.payload;
      if (kind !== 'loading') {
        this.compare.hidden = true;
        this.tableSection.hidden = true;
      }
    }
    if (kind !== 'loading' || !this.payload) this.status.textContent = '';
  }

  private exportPng(): void {
    if (!this.payload) return;
    channel.post({
      type: 'export',
      format: 'png',
      dataUrl: this.chart.toPng(),
      suggestedName: `metric-history-${this.payload.view}.png`,
    });
  }

  private exportCsv(): void {
    const payload = this.payload;
    if (!payload) return;
    const hidden = new Set(this.state.hidden);
    const visible = payload.series.filter((s) => !hidden.has(s.id));
    const csv = plotToCsv(payload, visible, this.state.smoothing > 0 ? this.chart.smoothed : undefined);
    channel.post({ type: 'export', format: 'csv', csv, suggestedName: `metric-history-${payload.view}.csv` });
  }

  private save(): void {
    channel.saveState(this.state);
  }
}

new MetricHistoryApp();
