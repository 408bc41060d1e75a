// The Runs panel: every run of every source in one table. Filter (the runs core's expression language, errors
// underlined where they are), multi-sort, grouping, a column chooser, checkbox/keyboard selection, notes and labels,
// scatter and parallel-coordinates plots, and exports. It keeps only UI state (setState/getState); every name,
// value, note and label is inserted as text.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-checkbox/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { bestValues, differingColumns, type BestValue } from '../../src/core/runs/columns';
import { exportRows } from '../../src/core/runs/export';
import { compileFilter, FilterError } from '../../src/core/runs/filter';
import type { ColumnDef, RunLabel, RunRow } from '../../src/core/runs/model';
import { sortRows } from '../../src/core/runs/sort';
import {
  decodeRuns,
  LABEL_COLORS,
  type HostToWebview,
  type RunsGroupBy,
  type RunsViewRequest,
  type WebviewToHost,
} from '../../src/protocol/runs';
import { connect, el } from '../shared/vscodeApi';
import { watchTheme } from '../metricHistory/theme';
import { ColumnChooser } from './chooser';
import { RunsGrid, type GridColumnsState, type GridItem } from './grid';
import { MAX_PARALLEL_PARAMS, RunPlots } from './plots';
import { restoreState, type PlotKind, type UiState } from './state';

const channel = connect<WebviewToHost, HostToWebview, UiState>();

const GROUPS: [RunsGroupBy, string][] = [
  ['none', 'No grouping'],
  ['source', 'Group by source'],
  ['experiment', 'Group by experiment'],
  ['branch', 'Group by branch'],
];
const PLOTS: [PlotKind, string][] = [
  ['none', 'No plot'],
  ['scatter', 'Scatter plot'],
  ['parallel', 'Parallel coordinates'],
];

class RunsApp {
  private state: UiState;
  private rows: RunRow[] = [];
  private columns: ColumnDef[] = [];
  private shown: RunRow[] = [];
  private selection: Set<string>;
  private anchor: number | undefined;
  private items: GridItem[] = [];
  private filterTimer: ReturnType<typeof setTimeout> | undefined;

  private readonly root =
    document.getElementById('root') ?? document.body.appendChild(el('main', { attrs: { id: 'root' } }));
  private readonly filter = el('vscode-textfield', {
    attrs: {
      id: 'rt-filter',
      placeholder: 'Filter: metrics.f1 > 0.8 and params.lr < 0.01, tag:fraud-classifier@*, or words',
      'aria-label': 'Filter runs',
      'aria-describedby': 'rt-filter-error',
    },
  });
  private readonly filterError = el('div', {
    className: 'rt-filter-error',
    attrs: { id: 'rt-filter-error', role: 'alert', hidden: '' },
  });
  private readonly group = el('vscode-single-select', { attrs: { 'aria-label': 'Group runs' } });
  private readonly differing = el('vscode-checkbox', {
    attrs: { label: 'Only columns that differ', title: 'Hide params and metrics that are equal in every shown run' },
  });
  private readonly plotSelect = el('vscode-single-select', { attrs: { 'aria-label': 'Plot' } });
  private readonly status = el('div', { className: 'rt-status', attrs: { role: 'status', 'aria-live': 'polite' } });
  private readonly message = el('div', { className: 'rt-message', attrs: { hidden: '' } });
  private readonly chartButton = button('Chart selected', 'graph-line', 'Chart the selected runs in Metric History');
  private readonly compareButton = button('Compare', 'diff', 'Compare the two selected runs');
  private readonly grid: RunsGrid;
  private readonly chooser: ColumnChooser;
  private readonly plotArea = el('section', { className: 'rt-plot', attrs: { 'aria-label': 'Run plot', hidden: '' } });
  private readonly plotControls = el('div', { className: 'rt-toolbar' });
  private readonly plotCanvas = el('canvas', { attrs: { role: 'img', 'aria-label': 'Run plot' } });
  private readonly plotNote = el('div', { className: 'rt-muted' });
  private readonly plots = new RunPlots(this.plotCanvas);

  constructor() {
    this.state = restoreState(channel.state());
    this.selection = new Set(this.state.selection);
    this.grid = new RunsGrid({
      onColumnsChange: (s) => this.onColumnsChange(s),
      onSelect: (key, mode, index) => this.select(key, mode, index),
      onEditNote: (row, cell) => this.editNote(row, cell),
      onEditLabels: (row, cell) => this.editLabels(row, cell),
    });
    this.chooser = new ColumnChooser({
      onChange: (hidden) => {
        this.state.hidden = hidden;
        this.save();
        this.renderGrid();
      },
      onPin: (id) => {
        this.state.pinned = this.state.pinned.includes(id)
          ? this.state.pinned.filter((p) => p !== id)
          : [...this.state.pinned, id];
        this.save();
        this.renderGrid();
      },
    });
    this.build();
    channel.onMessage((m) => this.onMessage(m));
    watchTheme(() => this.renderPlot());
    channel.ready();
  }

  private build(): void {
    for (const [value, label] of GROUPS) this.group.append(option(value, label));
    for (const [value, label] of PLOTS) this.plotSelect.append(option(value, label));
    this.group.value = this.state.group;
    this.plotSelect.value = this.state.plot;
    this.differing.checked = this.state.onlyDiffering;
    this.filter.value = this.state.filter;

    this.filter.addEventListener('input', () => {
      if (this.filterTimer) clearTimeout(this.filterTimer);
      this.filterTimer = setTimeout(() => this.setFilter(this.filter.value), 150);
    });
    this.filter.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.setFilter(this.filter.value);
      if (e.key === 'ArrowDown') this.grid.focus();
    });
    this.group.addEventListener('change', () => {
      this.state.group = this.group.value as RunsGroupBy;
      this.save();
      this.refresh();
    });
    this.differing.addEventListener('change', () => {
      this.state.onlyDiffering = this.differing.checked;
      this.save();
      this.renderGrid();
    });
    this.plotSelect.addEventListener('change', () => {
      this.state.plot = this.plotSelect.value as PlotKind;
      this.save();
      this.renderPlot();
    });
    const columnsButton = button('Columns…', 'list-selection', 'Choose, pin and find columns');
    columnsButton.addEventListener('click', () =>
      this.chooser.toggle(this.columns, this.state.hidden, this.state.pinned),
    );
    this.chartButton.addEventListener('click', () => {
      const keys = this.selectedKeys();
      if (keys.length) channel.post({ type: 'chart', keys });
    });
    this.compareButton.addEventListener('click', () => channel.post({ type: 'compare', keys: this.selectedKeys() }));
    const clear = button('Clear selection', 'clear-all', 'Select no run', true);
    clear.addEventListener('click', () => {
      this.selection.clear();
      this.saveSelection();
      this.renderGrid();
    });
    const csv = button('Export CSV', 'export', 'Save the shown runs and columns as CSV', true);
    csv.addEventListener('click', () => this.export('csv'));
    const md = button('Export Markdown', 'markdown', 'Save the shown runs and columns as a Markdown table', true);
    md.addEventListener('click', () => this.export('md'));
    const copy = button(
      'Copy as Markdown',
      'copy',
      'Copy the shown runs as a Markdown table (for a pull request)',
      true,
    );
    copy.addEventListener('click', () => {
      const { rows, columns } = this.exported();
      channel.post({ type: 'copyMarkdown', markdown: exportRows(rows, columns, 'md') });
    });

    const toolbar = el('div', { className: 'rt-toolbar' }, [
      this.group,
      columnsButton,
      this.differing,
      this.plotSelect,
      el('span', { className: 'rt-sep' }),
      this.chartButton,
      this.compareButton,
      clear,
      el('span', { className: 'rt-sep' }),
      csv,
      md,
      copy,
    ]);
    this.plotArea.append(
      this.plotControls,
      el('div', { className: 'rt-plot-canvas' }, [this.plotCanvas]),
      this.plotNote,
    );
    this.root.className = 'rt-root';
    this.root.append(
      el('div', { className: 'rt-filter-row' }, [this.filter, this.filterError]),
      toolbar,
      this.status,
      this.message,
      this.chooser.element,
      this.grid.element,
      this.plotArea,
    );
    this.root.removeAttribute('aria-busy');
    this.grid.mount();
    this.showMessage('Reading runs…');
  }

  // ------------------------------------------------------------------------------------------------ messages

  private onMessage(message: HostToWebview): void {
    switch (message.type) {
      case 'loading':
        if (!this.rows.length) this.showMessage(message.message);
        return;
      case 'error':
        this.showMessage(message.message);
        return;
      case 'data': {
        const receivedAt = performance.now();
        const rows = decodeRuns(message.table);
        if (!rows || !Array.isArray(message.columns)) {
          this.showMessage('The runs could not be read: the message from the extension has the wrong shape.');
          return;
        }
        const total = message.total;
        const ahead = typeof total === 'number' && Number.isInteger(total) && total > rows.length;
        // The first screen's rows, ahead of the rest: drawn only when they are what the first screen shows.
        if (ahead && !this.showsRowsAsSent()) return;
        this.receivedAt = receivedAt;
        this.following = ahead ? total - rows.length : 0;
        this.rows = rows;
        this.columns = message.columns;
        this.message.hidden = true;
        if (rows.length === 0)
          this.showMessage(
            'No runs found. Commit metrics files, log runs with MLflow, DVCLive or TensorBoard, or configure sources in mlops.yaml.',
          );
        this.problems = message.problems;
        this.refresh();
        return;
      }
      case 'view':
        this.applyRequest(message.request);
        return;
    }
  }

  private problems: string[] = [];
  private receivedAt: number | undefined;
  /** How many rows are still to come after the first screen's (0: every row is here). */
  private following = 0;

  /**
   * Whether the first rows in the host's order are the first rows shown: no filter, sort or grouping, no plot and
   * no "only columns that differ" (which all need every row), and nothing shown yet.
   */
  private showsRowsAsSent(): boolean {
    const s = this.state;
    return (
      this.rows.length === 0 &&
      !s.filter.trim() &&
      s.sort.length === 0 &&
      s.group === 'none' &&
      s.plot === 'none' &&
      !s.onlyDiffering
    );
  }

  private applyRequest(request: RunsViewRequest): void {
    if (request.filter !== undefined) {
      this.state.filter = request.filter;
      this.filter.value = request.filter;
    }
    if (request.sort) this.state.sort = request.sort;
    if (request.group) {
      this.state.group = request.group;
      this.group.value = request.group;
    }
    this.save();
    this.refresh();
  }

  // ------------------------------------------------------------------------------------------------ table

  private setFilter(text: string): void {
    if (text === this.state.filter) return;
    this.state.filter = text;
    this.save();
    this.refresh();
  }

  /** Filters, sorts and groups the rows, then draws the grid and the plot. */
  private refresh(): void {
    // From the data's arrival when it just came (first render, refresh), else from now (filter, sort, group).
    const started = this.receivedAt ?? performance.now();
    this.receivedAt = undefined;
    let error: string | undefined;
    let kept: RunRow[] = this.rows;
    this.filterError.hidden = true;
    this.filterError.replaceChildren();
    if (this.state.filter.trim()) {
      try {
        const keep = compileFilter(this.state.filter);
        kept = [];
        for (const row of this.rows) if (keep(row)) kept.push(row);
      } catch (err) {
        if (!(err instanceof FilterError)) throw err;
        error = err.message;
        this.showFilterError(this.state.filter, err);
        kept = this.rows;
      }
    }
    this.filter.toggleAttribute('invalid', error !== undefined);
    this.shown = sortRows(
      kept,
      this.state.sort.map((s) => ({ column: s.id, direction: s.desc ? 'desc' : 'asc' })),
    );
    this.items = this.grouped(this.shown);
    this.renderGrid();
    this.renderPlot();
    const ms = performance.now() - started;
    channel.post({
      type: 'shown',
      keys: this.shown.map((r) => r.key),
      total: this.rows.length + this.following,
      filter: this.state.filter,
      ...(error ? { filterError: error } : {}),
      ms,
    });
  }

  private grouped(rows: RunRow[]): GridItem[] {
    const by = this.state.group;
    if (by === 'none') return rows.map((row) => ({ kind: 'row', row }));
    const groups = new Map<string, RunRow[]>();
    for (const row of rows) {
      const names =
        by === 'source'
          ? [row.sourceLabel]
          : by === 'experiment'
            ? [row.experiment ?? '(no experiment)']
            : row.branches.length
              ? row.branches
              : ['(no branch)'];
      for (const name of names) {
        let list = groups.get(name);
        if (!list) groups.set(name, (list = []));
        list.push(row);
      }
    }
    const items: GridItem[] = [];
    for (const [label, list] of groups) {
      items.push({ kind: 'group', label, count: list.length });
      for (const row of list) items.push({ kind: 'row', row });
    }
    return items;
  }

  /** The columns the grid shows: not hidden, and (when asked) differing across the shown runs. */
  private visibleColumns(): ColumnDef[] {
    const hidden = new Set(this.state.hidden);
    let columns = this.columns.filter((c) => !hidden.has(c.id));
    if (this.state.onlyDiffering) columns = differingColumns(columns, this.shown);
    return columns;
  }

  private renderGrid(): void {
    const columns = this.visibleColumns();
    // Best values are found per column when the grid draws it: 10,000 runs x 500 metrics are never all read.
    const best = new Map<string, BestValue | undefined>();
    const byId = new Map(columns.map((c) => [c.id, c]));
    const shown = this.shown;
    const bestOf = (id: string): BestValue | undefined => {
      if (!best.has(id)) {
        const column = byId.get(id);
        // The best of the first screen's rows is not the best run: marked once every row is here.
        best.set(id, column && !this.following ? bestValues([column], shown)[id] : undefined);
      }
      return best.get(id);
    };
    const state: GridColumnsState = {
      order: this.state.order,
      pinned: this.state.pinned,
      widths: this.state.widths,
      sort: this.state.sort,
    };
    this.grid.update(this.items, columns, state, this.selection, bestOf);
    const selected = this.selectedKeys().length;
    const hiddenColumns = this.columns.length - columns.length;
    this.status.textContent =
      (this.following
        ? `The first ${this.rows.length} of ${this.rows.length + this.following} runs (reading the rest…)`
        : `${this.shown.length} of ${this.rows.length} runs`) +
      (selected ? ` · ${selected} selected` : '') +
      ` · ${columns.length} of ${this.columns.length} columns` +
      (hiddenColumns && this.state.onlyDiffering ? ' (only those that differ)' : '') +
      (this.problems.length ? ` · ${this.problems.length} source problem${this.problems.length === 1 ? '' : 's'}` : '');
    if (this.problems.length) this.status.title = this.problems.join('\n');
    this.chartButton.toggleAttribute('disabled', selected === 0);
    this.compareButton.toggleAttribute('disabled', selected !== 2);
  }

  private onColumnsChange(s: GridColumnsState): void {
    const sortChanged = JSON.stringify(s.sort) !== JSON.stringify(this.state.sort);
    this.state.order = s.order.filter((id) => !id.startsWith('__'));
    this.state.pinned = s.pinned;
    this.state.widths = s.widths;
    this.state.sort = s.sort;
    this.save();
    if (sortChanged) this.refresh();
  }

  /** The filter's error under the box: the expression with the wrong part underlined, and the message. */
  private showFilterError(text: string, error: FilterError): void {
    const start = Math.max(0, Math.min(error.offset, text.length));
    const end = Math.min(text.length, start + Math.max(1, error.length));
    const expression = el('div', { className: 'rt-expr' }, [
      el('span', { text: text.slice(0, start) }),
      el('mark', { className: 'rt-error-span', text: text.slice(start, end) || ' ' }),
      el('span', { text: text.slice(end) }),
    ]);
    this.filterError.replaceChildren(
      el('span', { className: 'codicon codicon-error' }),
      el('span', { text: ` ${error.message}` }),
      expression,
    );
    this.filterError.hidden = false;
  }

  private showMessage(text: string): void {
    this.message.textContent = text;
    this.message.hidden = false;
  }

  // ------------------------------------------------------------------------------------------------ selection

  private select(key: string, mode: 'toggle' | 'range', index: number): void {
    if (mode === 'range' && this.anchor !== undefined && index >= 0) {
      const [from, to] = this.anchor <= index ? [this.anchor, index] : [index, this.anchor];
      for (let i = from; i <= to; i++) {
        const item = this.items[i];
        if (item?.kind === 'row') this.selection.add(item.row.key);
      }
    } else {
      if (this.selection.has(key)) this.selection.delete(key);
      else this.selection.add(key);
      if (index >= 0) this.anchor = index;
    }
    this.saveSelection();
    this.renderGrid();
    if (this.state.plot !== 'none') this.renderPlot();
  }

  private selectedKeys(): string[] {
    const present = new Set(this.rows.map((r) => r.key));
    return [...this.selection].filter((k) => present.has(k));
  }

  private saveSelection(): void {
    this.state.selection = [...this.selection];
    this.save();
  }

  // ------------------------------------------------------------------------------------------------ notes and labels

  private editNote(row: RunRow, cell: HTMLElement): void {
    const input = el('input', {
      className: 'rt-editor',
      attrs: { type: 'text', 'aria-label': `Note on ${row.name}`, maxlength: '10000' },
    });
    input.value = row.annotation.note ?? '';
    cell.replaceChildren(input);
    input.focus();
    let done = false;
    const finish = (save: boolean) => {
      if (done) return;
      done = true;
      const note = input.value.trim();
      input.remove();
      if (save && note !== (row.annotation.note ?? '')) {
        row.annotation = { ...row.annotation, note: note || undefined };
        channel.post({ type: 'setNote', key: row.key, note });
      }
      this.renderGrid();
      this.grid.focus();
    };
    input.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Enter') finish(true);
      if (e.key === 'Escape') finish(false);
    });
    input.addEventListener('blur', () => finish(true));
  }

  private editLabels(row: RunRow, cell: HTMLElement): void {
    document.querySelector('.rt-label-editor')?.remove();
    const known = new Map<string, string>();
    for (const r of this.rows) for (const l of r.annotation.labels) if (!known.has(l.name)) known.set(l.name, l.color);
    const current = new Map(row.annotation.labels.map((l) => [l.name, l.color]));
    const editor = el('div', {
      className: 'rt-label-editor',
      attrs: { role: 'dialog', 'aria-label': `Labels of ${row.name}` },
    });
    const list = el('div', { className: 'rt-label-list' });
    const renderList = () => {
      list.replaceChildren();
      for (const [name, color] of known) {
        const box = el('input', { attrs: { type: 'checkbox', 'aria-label': name } });
        box.checked = current.has(name);
        box.addEventListener('change', () => {
          if (box.checked) current.set(name, color);
          else current.delete(name);
        });
        list.append(
          el('label', { className: 'rt-label-item' }, [
            box,
            el('span', { className: 'rt-chip', text: name, attrs: { 'data-color': color } }),
          ]),
        );
      }
    };
    renderList();
    const name = el('input', {
      attrs: { type: 'text', placeholder: 'New label', 'aria-label': 'New label name', maxlength: '100' },
    });
    const colour = el('select', { attrs: { 'aria-label': 'Colour of the new label' } });
    for (const c of LABEL_COLORS) colour.append(el('option', { text: c, attrs: { value: c } }));
    const add = el('button', { className: 'rt-small', text: 'Add' });
    const addLabel = () => {
      const text = name.value.trim();
      if (!text) return;
      known.set(text, colour.value);
      current.set(text, colour.value);
      name.value = '';
      renderList();
    };
    add.addEventListener('click', addLabel);
    const save = el('button', { className: 'rt-small rt-primary', text: 'Save' });
    const cancel = el('button', { className: 'rt-small', text: 'Cancel' });
    const close = () => {
      editor.remove();
      this.grid.focus();
    };
    save.addEventListener('click', () => {
      const labels: RunLabel[] = [...current].map(([n, c]) => ({ name: n, color: c }));
      row.annotation = { ...row.annotation, labels };
      channel.post({ type: 'setLabels', key: row.key, labels });
      close();
      this.renderGrid();
    });
    cancel.addEventListener('click', close);
    editor.addEventListener('keydown', (e) => {
      e.stopPropagation();
      if (e.key === 'Escape') close();
      if (e.key === 'Enter' && e.target === name) addLabel();
    });
    editor.append(
      el('div', { className: 'rt-label-title', text: `Labels of ${row.name}` }),
      list,
      el('div', { className: 'rt-inline' }, [name, colour, add]),
      el('div', { className: 'rt-inline' }, [save, cancel]),
    );
    const rect = cell.getBoundingClientRect();
    editor.style.left = `${Math.max(4, Math.min(rect.left, window.innerWidth - 280))}px`;
    editor.style.top = `${rect.bottom + window.scrollY + 2}px`;
    document.body.append(editor);
    (list.querySelector('input') ?? name).focus();
  }

  // ------------------------------------------------------------------------------------------------ plots

  /** The runs a plot draws: the selected ones among the shown, else every shown run. */
  private plotted(): RunRow[] {
    const selected = this.shown.filter((r) => this.selection.has(r.key));
    return selected.length ? selected : this.shown;
  }

  private renderPlot(): void {
    const kind = this.state.plot;
    this.plotArea.hidden = kind === 'none';
    if (kind === 'none') {
      this.plots.destroy();
      return;
    }
    const rows = this.plotted();
    const numeric = this.columns.filter((c) => c.type !== 'text');
    const metrics = this.columns.filter((c) => c.group === 'metrics');
    const which = rows.length === this.shown.length ? 'shown' : 'selected';
    if (kind === 'scatter') {
      const x = this.pick(numeric, this.state.scatterX, (c) => c.group === 'params');
      const y = this.pick(numeric, this.state.scatterY, (c) => c.group === 'metrics' && !!c.goal);
      const xs = this.columnSelect('X axis', numeric, x?.id, (id) => (this.state.scatterX = id));
      const ys = this.columnSelect('Y axis', numeric, y?.id, (id) => (this.state.scatterY = id));
      this.plotControls.replaceChildren(el('span', { text: 'X' }), xs, el('span', { text: 'Y' }), ys);
      if (!x || !y) {
        this.plotNote.textContent = 'No numeric columns to plot.';
        this.plots.destroy();
        return;
      }
      const n = this.plots.scatter(rows, x, y);
      this.plotNote.textContent = `${n} of the ${rows.length} ${which} runs have both values.`;
      return;
    }
    const metric = this.pick(metrics, this.state.parallelMetric, (c) => !!c.goal);
    const ms = this.columnSelect('Metric', metrics, metric?.id, (id) => (this.state.parallelMetric = id));
    this.plotControls.replaceChildren(el('span', { text: 'Params → ' }), ms);
    const params = differingColumns(
      this.columns.filter((c) => c.group === 'params'),
      rows,
    ).filter((c) => c.group === 'params');
    if (!metric || params.length === 0) {
      this.plotNote.textContent = metric ? 'No param differs across these runs.' : 'No metric to plot.';
      this.plots.destroy();
      return;
    }
    const axes = params.slice(0, MAX_PARALLEL_PARAMS);
    const n = this.plots.parallel(rows, axes, metric);
    this.plotNote.textContent =
      `${n} of the ${rows.length} ${which} runs; ${axes.length} param${axes.length === 1 ? '' : 's'} that differ` +
      (params.length > axes.length ? ` (the first ${axes.length} of ${params.length})` : '') +
      '; each axis runs from its min to its max.';
  }

  private pick(columns: ColumnDef[], id: string, preferred: (c: ColumnDef) => boolean): ColumnDef | undefined {
    return columns.find((c) => c.id === id) ?? columns.find(preferred) ?? columns[0];
  }

  private columnSelect(label: string, columns: ColumnDef[], value: string | undefined, set: (id: string) => void) {
    const select = el('vscode-single-select', { attrs: { 'aria-label': label, combobox: '' } });
    for (const c of columns.slice(0, 2000)) select.append(option(c.id, c.group === 'run' ? c.label : c.id));
    if (value) select.value = value;
    select.addEventListener('change', () => {
      set(select.value);
      this.save();
      this.renderPlot();
    });
    return select;
  }

  // ------------------------------------------------------------------------------------------------ export

  private exported(): { rows: RunRow[]; columns: ColumnDef[] } {
    return { rows: this.shown, columns: this.visibleColumns() };
  }

  private export(format: 'csv' | 'md'): void {
    const { rows, columns } = this.exported();
    channel.post({ type: 'export', format, text: exportRows(rows, columns, format), suggestedName: `runs.${format}` });
  }

  private save(): void {
    channel.saveState(this.state);
  }
}

function option(value: string, label: string): HTMLElement {
  return el('vscode-option', { text: label, attrs: { value } });
}

function button(text: string, icon: string, title: string, secondary = false): HTMLElement {
  return el('vscode-button', {
    text,
    attrs: { icon, title, 'aria-label': title, ...(secondary ? { secondary: '' } : {}) },
  });
}

new RunsApp();
