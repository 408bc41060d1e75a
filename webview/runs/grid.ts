// The runs grid: column state (order, pinning, widths, sorting) kept by TanStack Table's headless core, rows and
// columns virtualised by TanStack Virtual, and the DOM written here with ARIA grid roles. Only the rows and columns
// in view exist in the DOM, so 10,000 runs x 500 columns draw as fast as a screenful. Every value is set as text.
import {
  createTable,
  getCoreRowModel,
  type ColumnDef as TableColumnDef,
  type Header,
  type Table,
  type TableState,
  type Updater,
} from '@tanstack/table-core';
import {
  elementScroll,
  observeElementOffset,
  observeElementRect,
  Virtualizer,
  type VirtualItem,
} from '@tanstack/virtual-core';
import type { BestValue } from '../../src/core/runs/columns';
import { cellValue } from '../../src/core/runs/columns';
import { formatCell } from '../../src/core/runs/export';
import type { ColumnDef, RunRow } from '../../src/core/runs/model';
import type { RunsSortKey } from '../../src/protocol/runs';
import { el } from '../shared/vscodeApi';

export type GridItem = { kind: 'group'; label: string; count: number } | { kind: 'row'; row: RunRow };

export const SELECT_COLUMN = '__select';
const ROW_HEIGHT = 24;
const HEADER_ROW_HEIGHT = 26;
const DEFAULT_WIDTH = 120;
const GROUP_LABEL: Record<ColumnDef['group'], string> = { run: 'Run', params: 'Params', metrics: 'Metrics' };

export interface GridColumnsState {
  order: string[];
  pinned: string[];
  widths: Record<string, number>;
  sort: RunsSortKey[];
}

export interface GridHandlers {
  /** The user changed sorting, order, pinning or widths. */
  onColumnsChange(state: GridColumnsState): void;
  /** A row's checkbox, Space, or Shift+click/Shift+Arrow (range from the anchor). */
  onSelect(key: string, mode: 'toggle' | 'range', index: number): void;
  onEditNote(row: RunRow, cell: HTMLElement): void;
  onEditLabels(row: RunRow, cell: HTMLElement): void;
}

interface Rendered {
  items: GridItem[];
  columns: ColumnDef[];
  selection: ReadonlySet<string>;
  /** The best value of a metric column among the shown runs (computed for the columns drawn, when drawn). */
  best: (columnId: string) => BestValue | undefined;
}

export class RunsGrid {
  readonly element = el('div', {
    className: 'rt-grid',
    attrs: { role: 'grid', 'aria-label': 'Runs', 'aria-multiselectable': 'true', tabindex: '-1' },
  });
  private readonly head = el('div', { className: 'rt-head', attrs: { role: 'rowgroup' } });
  private readonly body = el('div', { className: 'rt-body', attrs: { role: 'rowgroup' } });
  private table: Table<RunRow>;
  private tableState: TableState;
  private data: Rendered = { items: [], columns: [], selection: new Set(), best: () => undefined };
  private readonly rows: Virtualizer<HTMLDivElement, HTMLElement>;
  private readonly cols: Virtualizer<HTMLDivElement, HTMLElement>;
  /** The active cell: an index into the items and one into the leaf columns (0 is the checkbox column). */
  private active = { row: 0, col: 1 };
  private dragged: string | undefined;
  private frame = 0;
  /** Keyboard navigation moved to a cell not drawn yet: focus it when it is. */
  private pendingFocus = false;
  private readonly definitions = new Map<string, ColumnDef>();

  constructor(private readonly handlers: GridHandlers) {
    this.element.append(this.head, this.body);
    this.tableState = {
      ...createTable<RunRow>({
        data: [],
        columns: [],
        state: {},
        onStateChange: () => undefined,
        getCoreRowModel: getCoreRowModel(),
        renderFallbackValue: null,
      }).initialState,
    };
    this.table = this.createTable([]);
    const common = {
      getScrollElement: () => this.element,
      scrollToFn: elementScroll,
      observeElementRect,
      observeElementOffset,
      onChange: () => this.schedule(),
    };
    this.rows = new Virtualizer<HTMLDivElement, HTMLElement>({
      ...common,
      count: 0,
      estimateSize: () => ROW_HEIGHT,
      overscan: 8,
      scrollMargin: HEADER_ROW_HEIGHT * 2,
    });
    this.cols = new Virtualizer<HTMLDivElement, HTMLElement>({
      ...common,
      count: 0,
      horizontal: true,
      estimateSize: (i) => this.centerLeaves()[i]?.getSize() ?? DEFAULT_WIDTH,
      overscan: 2,
    });
    this.element.addEventListener('keydown', (e) => this.onKey(e));
    this.element.addEventListener('focusin', (e) => this.onFocusIn(e));
  }

  /** Starts observing the scroll element (call once the grid is in the document). */
  mount(): void {
    const rect = this.element.getBoundingClientRect();
    for (const v of [this.rows, this.cols]) {
      v.setOptions({ ...v.options, initialRect: { width: rect.width, height: rect.height } });
      v._didMount();
      v._willUpdate();
    }
  }

  /** The column state the table keeps (after the user sorted, moved, pinned or resized). */
  columnsState(): GridColumnsState {
    return {
      order: [...this.tableState.columnOrder],
      pinned: (this.tableState.columnPinning.left ?? []).filter((id) => id !== SELECT_COLUMN),
      widths: { ...this.tableState.columnSizing },
      sort: this.tableState.sorting.map((s) => ({ id: s.id, desc: s.desc })),
    };
  }

  /** Shows these items with these (visible, ordered) columns. */
  update(
    items: GridItem[],
    columns: ColumnDef[],
    state: GridColumnsState,
    selection: ReadonlySet<string>,
    best: (columnId: string) => BestValue | undefined,
  ): void {
    const columnsChanged =
      columns.length !== this.data.columns.length || columns.some((c, i) => this.data.columns[i]?.id !== c.id);
    this.data = { items, columns, selection, best };
    this.tableState = {
      ...this.tableState,
      columnOrder: [SELECT_COLUMN, ...state.order.filter((id) => id !== SELECT_COLUMN)],
      columnPinning: {
        left: [SELECT_COLUMN, ...state.pinned.filter((id) => columns.some((c) => c.id === id))],
        right: [],
      },
      columnSizing: { ...state.widths },
      sorting: state.sort.map((s) => ({ id: s.id, desc: s.desc })),
    };
    if (columnsChanged) {
      this.definitions.clear();
      for (const c of columns) this.definitions.set(c.id, c);
      this.table = this.createTable(columns);
    } else this.table.setOptions((prev) => ({ ...prev, state: this.tableState }));
    this.active.row = Math.min(this.active.row, Math.max(0, items.length - 1));
    this.active.col = Math.min(this.active.col, this.table.getVisibleLeafColumns().length - 1);
    this.syncVirtualizers();
    this.render();
  }

  /** Moves keyboard focus into the grid (the active cell). */
  focus(): void {
    this.focusActive();
  }

  private createTable(columns: ColumnDef[]): Table<RunRow> {
    const groups: ColumnDef['group'][] = ['run', 'params', 'metrics'];
    const defs: TableColumnDef<RunRow, unknown>[] = [
      { id: SELECT_COLUMN, header: '', size: 30, enableSorting: false, enableResizing: false },
    ];
    for (const group of groups) {
      const leaves = columns.filter((c) => c.group === group);
      if (!leaves.length) continue;
      defs.push({
        id: `group:${group}`,
        header: GROUP_LABEL[group],
        columns: leaves.map((c) => ({
          id: c.id,
          header: c.unit ? `${c.label} (${c.unit})` : c.label,
          accessorFn: (row: RunRow) => cellValue(row, c.id),
          size: c.id === 'note' ? 220 : c.id === 'name' || c.id === 'labels' ? 200 : DEFAULT_WIDTH,
          minSize: 40,
          sortDescFirst: c.group === 'metrics',
        })),
      });
    }
    return createTable<RunRow>({
      data: [],
      columns: defs,
      state: this.tableState,
      onStateChange: (updater: Updater<TableState>) => {
        this.tableState = typeof updater === 'function' ? updater(this.tableState) : updater;
        this.table.setOptions((prev) => ({ ...prev, state: this.tableState }));
        this.syncVirtualizers();
        this.render();
        this.handlers.onColumnsChange(this.columnsState());
      },
      getCoreRowModel: getCoreRowModel(),
      manualSorting: true,
      enableMultiSort: true,
      isMultiSortEvent: (e) => (e as MouseEvent).shiftKey,
      maxMultiSortColCount: 20,
      columnResizeMode: 'onChange',
      renderFallbackValue: null,
      getRowId: (row) => row.key,
    });
  }

  private centerLeaves() {
    return this.table.getCenterLeafColumns();
  }

  private syncVirtualizers(): void {
    this.rows.setOptions({ ...this.rows.options, count: this.data.items.length });
    this.cols.setOptions({
      ...this.cols.options,
      count: this.centerLeaves().length,
      scrollMargin: this.table.getLeftTotalSize(),
    });
    this.cols.measure();
    this.rows._willUpdate();
    this.cols._willUpdate();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  /** Writes the header and the rows in view. */
  render(): void {
    const table = this.table;
    const left = table.getLeftTotalSize();
    const total = left + table.getCenterTotalSize();
    const leaves = table.getVisibleLeafColumns();
    const virtualCols = this.cols.getVirtualItems();
    const virtualRows = this.rows.getVirtualItems();
    this.element.setAttribute('aria-rowcount', String(this.data.items.length + 2));
    this.element.setAttribute('aria-colcount', String(leaves.length));
    this.head.style.width = `${total}px`;
    this.body.style.width = `${total}px`;
    this.body.style.height = `${this.rows.getTotalSize() - HEADER_ROW_HEIGHT * 2}px`;
    this.head.replaceChildren(this.groupHeaderRow(left, total), this.leafHeaderRow(virtualCols, left, total));
    const focused = document.activeElement;
    const editing = focused?.closest('.rt-editor, .rt-label-editor') !== null && focused !== null;
    // A note being typed stays: the rows are drawn again when the edit ends.
    if (this.body.querySelector('.rt-editor')) return;
    const hadFocus = this.pendingFocus || (this.element.contains(focused) && !editing);
    const fragment = document.createDocumentFragment();
    for (const item of virtualRows) fragment.append(this.bodyRow(item, virtualCols, left, total));
    this.body.replaceChildren(fragment);
    this.focusActive(hadFocus && !editing);
  }

  private groupHeaderRow(left: number, total: number): HTMLElement {
    const row = el('div', { className: 'rt-row rt-head-row', attrs: { role: 'row', 'aria-rowindex': '1' } });
    row.style.width = `${total}px`;
    let colIndex = 1;
    const parts: [boolean, Header<RunRow, unknown>[]][] = [
      [true, this.table.getLeftHeaderGroups()[0]?.headers ?? []],
      [false, this.table.getCenterHeaderGroups()[0]?.headers ?? []],
    ];
    for (const [pinned, headers] of parts) {
      for (const header of headers) {
        const span = header.colSpan;
        const text =
          header.isPlaceholder || header.column.id === SELECT_COLUMN
            ? ''
            : String(header.column.columnDef.header ?? '');
        const cell = el('div', {
          className: 'rt-cell rt-group-head',
          text,
          attrs: { role: 'columnheader', 'aria-colindex': String(colIndex), 'aria-colspan': String(span) },
        });
        colIndex += span;
        this.place(cell, pinned, header.getStart(), header.getSize());
        row.append(cell);
      }
    }
    return this.layoutRow(row, left);
  }

  private leafHeaderRow(virtualCols: VirtualItem[], left: number, total: number): HTMLElement {
    const row = el('div', { className: 'rt-row rt-head-row', attrs: { role: 'row', 'aria-rowindex': '2' } });
    row.style.width = `${total}px`;
    const leafHeaders = this.table.getFlatHeaders().filter((h) => h.subHeaders.length === 0 && !h.isPlaceholder);
    const byId = new Map(leafHeaders.map((h) => [h.column.id, h]));
    const leaves = this.table.getVisibleLeafColumns();
    const leftLeaves = this.table.getLeftLeafColumns();
    const center = this.centerLeaves();
    const wanted = [...leftLeaves, ...virtualCols.map((v) => center[v.index]).filter((c) => c !== undefined)];
    for (const column of wanted) {
      const header = byId.get(column.id);
      if (!header) continue;
      row.append(this.headerCell(header, leaves.indexOf(column)));
    }
    return this.layoutRow(row, left);
  }

  private headerCell(header: Header<RunRow, unknown>, index: number): HTMLElement {
    const column = header.column;
    const id = column.id;
    const cell = el('div', {
      className: 'rt-cell rt-col-head',
      attrs: { role: 'columnheader', 'aria-colindex': String(index + 1), 'data-col': String(index), tabindex: '-1' },
    });
    this.place(
      cell,
      column.getIsPinned() === 'left',
      column.getStart(column.getIsPinned() === 'left' ? 'left' : 'center'),
      column.getSize(),
    );
    if (id === SELECT_COLUMN) {
      const all = this.data.items.filter((i) => i.kind === 'row');
      const box = el('input', { attrs: { type: 'checkbox', 'aria-label': 'Select every shown run', tabindex: '-1' } });
      box.checked = all.length > 0 && all.every((i) => i.kind === 'row' && this.data.selection.has(i.row.key));
      box.addEventListener('click', () => {
        for (const item of all)
          if (item.kind === 'row' && this.data.selection.has(item.row.key) !== box.checked)
            this.handlers.onSelect(item.row.key, 'toggle', -1);
      });
      cell.append(box);
      return cell;
    }
    const sorted = column.getIsSorted();
    cell.setAttribute('aria-sort', sorted === 'asc' ? 'ascending' : sorted === 'desc' ? 'descending' : 'none');
    const definition = this.definitions.get(id);
    const label = el('span', { className: 'rt-head-label', text: String(column.columnDef.header ?? id) });
    cell.title = definition
      ? `${definition.group === 'run' ? '' : `${definition.group}.`}${definition.label}${definition.goal ? ` (${definition.goal === 'maximize' ? 'higher' : 'lower'} is better)` : ''}\nClick to sort, Shift+click to add a sort key, drag to move`
      : id;
    cell.append(label);
    if (sorted) {
      const order = this.tableState.sorting.length > 1 ? String(column.getSortIndex() + 1) : '';
      cell.append(
        el('span', { className: `rt-sort codicon codicon-arrow-${sorted === 'asc' ? 'up' : 'down'}`, text: order }),
      );
    }
    const pin = el('button', {
      className: `rt-pin codicon codicon-${column.getIsPinned() ? 'pinned' : 'pin'}`,
      attrs: {
        'aria-label': column.getIsPinned() ? `Unpin ${id}` : `Pin ${id}`,
        tabindex: '-1',
        title: column.getIsPinned() ? 'Unpin' : 'Pin to the left',
      },
    });
    pin.addEventListener('click', (e) => {
      e.stopPropagation();
      column.pin(column.getIsPinned() ? false : 'left');
    });
    cell.append(pin);
    cell.addEventListener('click', (e) => {
      if ((e.target as HTMLElement).closest('.rt-resize')) return;
      column.toggleSorting(undefined, e.shiftKey);
    });
    if (column.getCanResize()) {
      const handle = el('div', { className: 'rt-resize', attrs: { 'aria-hidden': 'true' } });
      const resize = header.getResizeHandler();
      handle.addEventListener('mousedown', (e) => {
        e.stopPropagation();
        resize(e);
      });
      cell.append(handle);
    }
    cell.draggable = true;
    cell.addEventListener('dragstart', (e) => {
      this.dragged = id;
      e.dataTransfer?.setData('text/plain', id);
    });
    cell.addEventListener('dragover', (e) => e.preventDefault());
    cell.addEventListener('drop', (e) => {
      e.preventDefault();
      if (this.dragged && this.dragged !== id) this.moveColumn(this.dragged, id);
      this.dragged = undefined;
    });
    return cell;
  }

  /** Moves a column before another one (drag and drop, Alt+Arrow on a header). */
  private moveColumn(id: string, before: string): void {
    const order = this.table.getAllLeafColumns().map((c) => c.id);
    const current = this.tableState.columnOrder.length ? [...this.tableState.columnOrder] : order;
    for (const c of order) if (!current.includes(c)) current.push(c);
    const from = current.indexOf(id);
    if (from < 0) return;
    current.splice(from, 1);
    const to = current.indexOf(before);
    current.splice(to < 0 ? current.length : to, 0, id);
    this.table.setColumnOrder(current);
  }

  private bodyRow(item: VirtualItem, virtualCols: VirtualItem[], left: number, total: number): HTMLElement {
    const entry = this.data.items[item.index];
    const row = el('div', {
      className: 'rt-row',
      attrs: { role: 'row', 'aria-rowindex': String(item.index + 3), 'data-index': String(item.index) },
    });
    row.style.transform = `translateY(${item.start - HEADER_ROW_HEIGHT * 2}px)`;
    row.style.width = `${total}px`;
    if (!entry) return row;
    if (entry.kind === 'group') {
      row.classList.add('rt-group-row');
      const cell = el('div', {
        className: 'rt-cell rt-group-cell rt-pinned',
        attrs: {
          role: 'gridcell',
          'aria-colindex': '1',
          'aria-colspan': String(this.table.getVisibleLeafColumns().length),
          'data-col': '0',
          tabindex: '-1',
        },
      });
      cell.append(
        el('span', { className: 'codicon codicon-list-tree' }),
        el('span', { text: ` ${entry.label} ` }),
        el('span', { className: 'rt-muted', text: `(${entry.count})` }),
      );
      cell.style.position = 'sticky';
      cell.style.left = '0px';
      row.append(cell);
      return row;
    }
    const run = entry.row;
    const selected = this.data.selection.has(run.key);
    row.setAttribute('aria-selected', String(selected));
    if (selected) row.classList.add('rt-selected');
    const leaves = this.table.getVisibleLeafColumns();
    const center = this.centerLeaves();
    const wanted = [
      ...this.table.getLeftLeafColumns(),
      ...virtualCols.map((v) => center[v.index]).filter((c) => c !== undefined),
    ];
    for (const column of wanted) {
      const index = leaves.indexOf(column);
      const pinned = column.getIsPinned() === 'left';
      const cell = el('div', {
        className: 'rt-cell',
        attrs: { role: 'gridcell', 'aria-colindex': String(index + 1), 'data-col': String(index), tabindex: '-1' },
      });
      this.place(cell, pinned, column.getStart(pinned ? 'left' : 'center'), column.getSize());
      this.fillCell(cell, column.id, run, item.index, selected);
      row.append(cell);
    }
    return this.layoutRow(row, left);
  }

  /** Pinned cells stay in the flow and stick to the left; the others sit at their offset after the pinned ones. */
  private place(cell: HTMLElement, pinned: boolean, start: number, width: number): void {
    cell.style.width = `${width}px`;
    if (pinned) {
      cell.classList.add('rt-pinned');
      cell.style.left = `${start}px`;
    } else cell.style.transform = `translateX(${start}px)`;
  }

  /** Puts the pinned cells first (sticky, in the flow) and the scrolling ones in a layer after them. */
  private layoutRow(row: HTMLElement, left: number): HTMLElement {
    const pinned = [...row.children].filter((c) => c.classList.contains('rt-pinned')) as HTMLElement[];
    const others = [...row.children].filter((c) => !c.classList.contains('rt-pinned')) as HTMLElement[];
    const layer = el('div', { className: 'rt-scrolling', attrs: { role: 'presentation' } });
    layer.style.left = `${left}px`;
    for (const c of others) layer.append(c);
    row.replaceChildren(...pinned, layer);
    return row;
  }

  private fillCell(cell: HTMLElement, id: string, run: RunRow, index: number, selected: boolean): void {
    if (id === SELECT_COLUMN) {
      const box = el('input', { attrs: { type: 'checkbox', 'aria-label': `Select ${run.name}`, tabindex: '-1' } });
      box.checked = selected;
      box.addEventListener('click', (e) => {
        e.stopPropagation();
        this.active = { row: index, col: 0 };
        this.handlers.onSelect(run.key, e.shiftKey ? 'range' : 'toggle', index);
      });
      cell.append(box);
      return;
    }
    if (id === 'labels') {
      cell.classList.add('rt-labels');
      for (const label of run.annotation.labels)
        cell.append(el('span', { className: 'rt-chip', text: label.name, attrs: { 'data-color': label.color } }));
      cell.addEventListener('dblclick', () => this.handlers.onEditLabels(run, cell));
      cell.title = 'Double-click or press Enter to edit labels';
      return;
    }
    if (id === 'note') {
      cell.classList.add('rt-note');
      cell.textContent = run.annotation.note ?? '';
      const from = run.annotation.noteSource;
      cell.title = run.annotation.note
        ? `${run.annotation.note}${from === 'mlflow' ? "\n(MLflow's run note)" : from === 'git-notes' ? '\n(git note on the commit)' : ''}`
        : 'Double-click or press Enter to write a note';
      cell.addEventListener('dblclick', () => this.handlers.onEditNote(run, cell));
      return;
    }
    const definition = this.definitions.get(id);
    const value = cellValue(run, id);
    cell.textContent = definition ? formatCell(value, definition) : String(value ?? '');
    if (definition?.type === 'number' || definition?.type === 'duration') cell.classList.add('rt-num');
    const best = definition?.goal ? this.data.best(id) : undefined;
    if (best && best.rowKeys.includes(run.key)) {
      cell.classList.add('rt-best');
      cell.setAttribute('aria-description', 'best value');
      cell.title = `Best ${definition?.label ?? id} of the shown runs (${definition?.goal === 'minimize' ? 'lowest' : 'highest'})`;
    } else if (id === 'name') cell.title = `${run.name}\n${run.sourceLabel}`;
  }

  // ------------------------------------------------------------------------------------------------ keyboard

  private onFocusIn(e: FocusEvent): void {
    const cell = (e.target as HTMLElement).closest<HTMLElement>('[data-col]');
    const row = cell?.closest<HTMLElement>('[data-index]');
    if (cell && row) this.active = { row: Number(row.dataset.index), col: Number(cell.dataset.col) };
  }

  private onKey(e: KeyboardEvent): void {
    const target = e.target as HTMLElement;
    if (target.closest('input[type=text], textarea, .rt-editor')) return;
    const head = target.closest('.rt-col-head');
    const lastRow = this.data.items.length - 1;
    const lastCol = this.table.getVisibleLeafColumns().length - 1;
    const { row, col } = this.active;
    let next: { row: number; col: number } | undefined;
    const page = Math.max(1, Math.floor(this.element.clientHeight / ROW_HEIGHT) - 2);
    if (head && e.altKey && (e.key === 'ArrowLeft' || e.key === 'ArrowRight')) {
      const leaves = this.table.getVisibleLeafColumns();
      const column = leaves[col];
      const other = leaves[e.key === 'ArrowLeft' ? col - 1 : col + 2];
      if (column && column.id !== SELECT_COLUMN) {
        this.moveColumn(column.id, other?.id ?? '');
        this.active.col = Math.max(1, Math.min(lastCol, col + (e.key === 'ArrowLeft' ? -1 : 1)));
      }
      e.preventDefault();
      return;
    }
    switch (e.key) {
      case 'ArrowDown':
        if (head) next = { row: 0, col };
        else next = { row: Math.min(lastRow, row + 1), col };
        break;
      case 'ArrowUp':
        next = { row: Math.max(0, row - 1), col };
        break;
      case 'ArrowRight':
        next = { row, col: Math.min(lastCol, col + 1) };
        break;
      case 'ArrowLeft':
        next = { row, col: Math.max(0, col - 1) };
        break;
      case 'Home':
        next = e.ctrlKey ? { row: 0, col: 0 } : { row, col: 0 };
        break;
      case 'End':
        next = e.ctrlKey ? { row: lastRow, col: lastCol } : { row, col: lastCol };
        break;
      case 'PageDown':
        next = { row: Math.min(lastRow, row + page), col };
        break;
      case 'PageUp':
        next = { row: Math.max(0, row - page), col };
        break;
      case ' ':
      case 'Enter': {
        if (head) {
          const column = this.table.getVisibleLeafColumns()[col];
          if (column?.getCanSort()) column.toggleSorting(undefined, e.shiftKey);
          e.preventDefault();
          return;
        }
        const item = this.data.items[row];
        if (item?.kind !== 'row') break;
        const id = this.table.getVisibleLeafColumns()[col]?.id;
        const cell = target.closest<HTMLElement>('.rt-cell') ?? target;
        if (e.key === 'Enter' && id === 'note') this.handlers.onEditNote(item.row, cell);
        else if (e.key === 'Enter' && id === 'labels') this.handlers.onEditLabels(item.row, cell);
        else if (e.key === ' ') this.handlers.onSelect(item.row.key, e.shiftKey ? 'range' : 'toggle', row);
        else break;
        e.preventDefault();
        return;
      }
      default:
        return;
    }
    e.preventDefault();
    if (!next || lastRow < 0) return;
    if (e.shiftKey && next.row !== row && !head) {
      const item = this.data.items[next.row];
      if (item?.kind === 'row') this.handlers.onSelect(item.row.key, 'range', next.row);
    }
    this.active = next;
    this.rows.scrollToIndex(next.row, { align: 'auto' });
    const leaves = this.table.getVisibleLeafColumns();
    const column = leaves[next.col];
    if (column && !column.getIsPinned()) {
      const centerIndex = this.centerLeaves().indexOf(column);
      if (centerIndex >= 0) this.cols.scrollToIndex(centerIndex, { align: 'auto' });
    }
    this.render();
    this.focusActive();
  }

  /** Makes the active cell the grid's one tab stop, and focuses it when asked (and once it is drawn). */
  private focusActive(focus = true): void {
    for (const c of this.element.querySelectorAll('[tabindex="0"]')) c.setAttribute('tabindex', '-1');
    const cell = this.element.querySelector<HTMLElement>(
      `.rt-body [data-index="${this.active.row}"] [data-col="${this.active.col}"]`,
    );
    if (!cell) {
      // Not drawn yet (scrolling to it): the grid keeps the tab stop and focus follows once the cell is drawn.
      this.element.setAttribute('tabindex', '0');
      if (focus) this.pendingFocus = true;
      return;
    }
    this.element.setAttribute('tabindex', '-1');
    cell.setAttribute('tabindex', '0');
    if (focus) {
      this.pendingFocus = false;
      if (document.activeElement !== cell) cell.focus({ preventScroll: true });
    }
  }
}
