// A legend that scales to hundreds of series: a search box, show/hide all (of the matches), and one toggle button
// per series. Every label is inserted as text.
import { el } from '../shared/vscodeApi';

export interface LegendEntry {
  id: string;
  label: string;
  colour: string;
  /** Extra words the search matches (run parameters, key). */
  search: string;
  breaches: boolean;
}

export interface LegendCallbacks {
  onToggle(ids: string[], hidden: boolean): void;
  onFilter(text: string): void;
}

export class Legend {
  readonly element: HTMLElement;
  private readonly list: HTMLUListElement;
  private readonly count: HTMLElement;
  private readonly search: HTMLInputElement;
  private readonly note: HTMLElement;
  private entries: LegendEntry[] = [];
  private hidden = new Set<string>();

  constructor(private readonly callbacks: LegendCallbacks) {
    this.search = el('input', {
      className: 'mh-legend-search',
      attrs: { type: 'search', placeholder: 'Filter series', 'aria-label': 'Filter series in the legend' },
    });
    this.search.addEventListener('input', () => {
      this.callbacks.onFilter(this.search.value);
      this.renderList();
    });
    const showAll = el('button', {
      className: 'mh-link-button',
      text: 'Show all',
      attrs: { type: 'button', title: 'Show every series that matches the filter' },
    });
    const hideAll = el('button', {
      className: 'mh-link-button',
      text: 'Hide all',
      attrs: { type: 'button', title: 'Hide every series that matches the filter' },
    });
    showAll.addEventListener('click', () =>
      this.callbacks.onToggle(
        this.matching().map((e) => e.id),
        false,
      ),
    );
    hideAll.addEventListener('click', () =>
      this.callbacks.onToggle(
        this.matching().map((e) => e.id),
        true,
      ),
    );
    this.count = el('span', { className: 'mh-legend-count', attrs: { 'aria-live': 'polite' } });
    this.list = el('ul', { className: 'mh-legend-list', attrs: { 'aria-label': 'Series' } });
    this.note = el('p', { className: 'mh-legend-note' });
    this.note.hidden = true;
    this.element = el('aside', { className: 'mh-legend', attrs: { 'aria-label': 'Legend' } }, [
      this.search,
      el('div', { className: 'mh-legend-actions' }, [showAll, hideAll, this.count]),
      this.note,
      this.list,
    ]);
  }

  /** A key to a point style the series share (e.g. DVC experiments), or none. */
  setNote(symbol: string, text: string | undefined): void {
    this.note.hidden = text === undefined;
    this.note.replaceChildren(
      ...(text === undefined
        ? []
        : [el('span', { className: 'mh-legend-symbol', text: symbol, attrs: { 'aria-hidden': 'true' } }), text]),
    );
  }

  setFilter(text: string): void {
    this.search.value = text;
  }

  update(entries: LegendEntry[], hidden: ReadonlySet<string>): void {
    this.entries = entries;
    this.hidden = new Set(hidden);
    this.renderList();
  }

  private matching(): LegendEntry[] {
    // A phrase: "run 1" finds run 1, run 10-19 and run 100; "lr=0.01" finds runs by parameter.
    const phrase = this.search.value.trim().toLowerCase();
    if (!phrase) return this.entries;
    return this.entries.filter((e) => `${e.label}\u0000${e.search}`.toLowerCase().includes(phrase));
  }

  private renderList(): void {
    const matching = this.matching();
    const shown = matching.slice(0, 1000);
    const items = shown.map((entry) => {
      const hidden = this.hidden.has(entry.id);
      const swatch = el('span', { className: 'mh-swatch', attrs: { 'aria-hidden': 'true' } });
      swatch.style.backgroundColor = entry.colour;
      const button = el(
        'button',
        {
          className: `mh-legend-item${hidden ? ' is-hidden' : ''}`,
          attrs: {
            type: 'button',
            'aria-pressed': String(!hidden),
            title: `${entry.label} — click to ${hidden ? 'show' : 'hide'}`,
            'data-series-id': entry.id,
          },
        },
        [swatch, el('span', { className: 'mh-legend-label', text: entry.label })],
      );
      if (entry.breaches)
        button.append(
          el('span', {
            className: 'mh-breach-mark',
            text: '⚠',
            attrs: { title: 'Breaches its threshold', 'aria-label': 'breaches its threshold' },
          }),
        );
      button.addEventListener('click', () => this.callbacks.onToggle([entry.id], !this.hidden.has(entry.id)));
      return el('li', {}, [button]);
    });
    this.list.replaceChildren(...items);
    const visible = this.entries.filter((e) => !this.hidden.has(e.id)).length;
    const filtered = matching.length !== this.entries.length ? `, ${matching.length} match` : '';
    const cut = shown.length < matching.length ? ` (first ${shown.length} listed)` : '';
    this.count.textContent = `${visible} of ${this.entries.length} shown${filtered}${cut}`;
  }
}
