// The column chooser: search over every column (thousands are fine: only the first matches are drawn, the search
// narrows the rest), show or hide each, pin it, or show/hide every match at once.
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import type { ColumnDef } from '../../src/core/runs/model';
import { el } from '../shared/vscodeApi';

/** The most matches the list draws at once. */
export const MAX_LISTED = 200;

export interface ChooserHandlers {
  onChange(hidden: string[]): void;
  onPin(id: string): void;
}

export class ColumnChooser {
  readonly element = el('section', {
    className: 'rt-chooser',
    attrs: { role: 'dialog', 'aria-label': 'Columns', hidden: '' },
  });
  private readonly search = el('vscode-textfield', {
    attrs: { placeholder: 'Search columns', 'aria-label': 'Search columns' },
  });
  private readonly list = el('div', { className: 'rt-chooser-list', attrs: { role: 'list' } });
  private readonly summary = el('div', { className: 'rt-muted', attrs: { role: 'status' } });
  private columns: ColumnDef[] = [];
  private hidden = new Set<string>();
  private pinned = new Set<string>();

  constructor(private readonly handlers: ChooserHandlers) {
    const showAll = el('button', { className: 'rt-small', text: 'Show matches' });
    const hideAll = el('button', { className: 'rt-small', text: 'Hide matches' });
    const close = el('button', { className: 'rt-small', text: 'Close' });
    showAll.addEventListener('click', () => this.setMatches(false));
    hideAll.addEventListener('click', () => this.setMatches(true));
    close.addEventListener('click', () => (this.element.hidden = true));
    this.search.addEventListener('input', () => this.render());
    this.element.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') this.element.hidden = true;
    });
    this.element.append(
      el('div', { className: 'rt-inline' }, [this.search, showAll, hideAll, close]),
      this.summary,
      this.list,
    );
  }

  /** Opens (or closes) the chooser over these columns. */
  toggle(columns: ColumnDef[], hidden: readonly string[], pinned: readonly string[]): void {
    if (!this.element.hidden) {
      this.element.hidden = true;
      return;
    }
    this.open(columns, hidden, pinned);
  }

  open(columns: ColumnDef[], hidden: readonly string[], pinned: readonly string[], query?: string): void {
    this.columns = columns;
    this.hidden = new Set(hidden);
    this.pinned = new Set(pinned);
    if (query !== undefined) this.search.value = query;
    this.element.hidden = false;
    this.render();
    this.search.focus();
  }

  private matches(): ColumnDef[] {
    const words = this.search.value.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return this.columns;
    return this.columns.filter((c) => {
      const text = `${c.group} ${c.id} ${c.label}`.toLowerCase();
      return words.every((w) => text.includes(w));
    });
  }

  private setMatches(hide: boolean): void {
    for (const c of this.matches()) {
      if (hide && c.id !== 'name') this.hidden.add(c.id);
      else this.hidden.delete(c.id);
    }
    this.handlers.onChange([...this.hidden]);
    this.render();
  }

  private render(): void {
    const matches = this.matches();
    const shown = this.columns.filter((c) => !this.hidden.has(c.id)).length;
    this.summary.textContent =
      `${shown} of ${this.columns.length} columns shown · ${matches.length} match` +
      (matches.length > MAX_LISTED ? `; listing the first ${MAX_LISTED}, type to narrow the search` : '');
    const fragment = document.createDocumentFragment();
    for (const column of matches.slice(0, MAX_LISTED)) {
      const box = el('input', { attrs: { type: 'checkbox', 'aria-label': `Show ${column.id}` } });
      box.checked = !this.hidden.has(column.id);
      box.addEventListener('change', () => {
        if (box.checked) this.hidden.delete(column.id);
        else this.hidden.add(column.id);
        this.handlers.onChange([...this.hidden]);
        this.render();
      });
      const pinned = this.pinned.has(column.id);
      const pin = el('button', {
        className: `rt-icon codicon codicon-${pinned ? 'pinned' : 'pin'}`,
        attrs: {
          'aria-label': `${pinned ? 'Unpin' : 'Pin'} ${column.id}`,
          title: pinned ? 'Unpin' : 'Pin to the left',
        },
      });
      pin.addEventListener('click', () => {
        if (pinned) this.pinned.delete(column.id);
        else this.pinned.add(column.id);
        this.handlers.onPin(column.id);
        this.render();
      });
      fragment.append(
        el('div', { className: 'rt-chooser-item', attrs: { role: 'listitem' } }, [
          el('label', {}, [
            box,
            el('span', { className: 'rt-badge', text: column.group }),
            el('span', { text: column.group === 'run' ? column.label : column.id }),
            ...(column.unit ? [el('span', { className: 'rt-muted', text: ` (${column.unit})` })] : []),
          ]),
          pin,
        ]),
      );
    }
    this.list.replaceChildren(fragment);
  }
}
