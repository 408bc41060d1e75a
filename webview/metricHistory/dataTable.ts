// "Show as table": the chart's data as an accessible table, with the same actions as the chart (open, compare).
import { formatValue } from '../../src/core/chart/annotations';
import type { ChartPayload } from '../../src/core/chart/types';
import { el } from '../shared/vscodeApi';

export interface TableCallbacks {
  onOpen(id: string): void;
  onToggleCompare(id: string, selected: boolean): void;
}

const MAX_ROWS = 500;
const DATE = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });

export function renderDataTable(
  payload: ChartPayload,
  hidden: ReadonlySet<string>,
  selected: ReadonlySet<string>,
  callbacks: TableCallbacks,
): HTMLElement {
  const visible = payload.series.filter((s) => !hidden.has(s.id));
  const table = el('table', { className: 'mh-data-table' });
  const caption = el('caption', {
    text:
      payload.view === 'versions'
        ? `Metric values per revision, newest first (${visible.length} series)`
        : `Last value of each run's series (${visible.length} series)`,
  });
  table.append(caption);
  const headRow = table.createTHead().insertRow();
  const th = (text: string) => el('th', { text, attrs: { scope: 'col' } });
  const actions = (id: string, openLabel: string) => {
    const box = el('input', { attrs: { type: 'checkbox', 'aria-label': `Compare ${id}` } });
    box.checked = selected.has(id);
    box.addEventListener('change', () => callbacks.onToggleCompare(id, box.checked));
    const open = el('button', { className: 'mh-link-button', text: openLabel, attrs: { type: 'button' } });
    open.addEventListener('click', () => callbacks.onOpen(id));
    return el('td', { className: 'mh-actions' }, [box, open]);
  };
  const body = table.createTBody();
  let truncated: boolean;
  if (payload.view === 'versions') {
    headRow.append(th('Compare / open'), th('Revision'), th('Date'), ...visible.map((s) => th(s.label)));
    const rows = payload.versions.map((v, i) => ({ v, i })).reverse();
    truncated = rows.length > MAX_ROWS;
    for (const { v, i } of rows.slice(0, MAX_ROWS)) {
      const tr = body.insertRow();
      tr.append(
        actions(v.sha, 'Open'),
        el('th', { text: v.label, attrs: { scope: 'row' } }),
        el('td', { text: Number.isFinite(v.date) ? DATE.format(new Date(v.date)) : '' }),
      );
      for (const s of visible) {
        const at = s.versions?.indexOf(i) ?? -1;
        const breach = at >= 0 && s.breaches.includes(at);
        tr.append(
          el('td', {
            className: `mh-num${breach ? ' verdict-regressed' : ''}`,
            text: at >= 0 ? `${formatValue(s.ys[at] ?? NaN)}${breach ? ' ⚠' : ''}` : '—',
          }),
        );
      }
    }
  } else {
    headRow.append(
      th('Compare / open'),
      th('Run'),
      th('Key'),
      th(`Last ${payload.query.xKey ?? 'step'}`),
      th('Last value'),
      th('Min'),
      th('Max'),
      th('Points'),
    );
    truncated = visible.length > MAX_ROWS;
    for (const s of visible.slice(0, MAX_ROWS)) {
      const run = s.run === undefined ? undefined : payload.runs[s.run];
      const last = s.ys.length - 1;
      const tr = body.insertRow();
      let min = Infinity;
      let max = -Infinity;
      for (const y of s.ys) {
        if (y < min) min = y;
        if (y > max) max = y;
      }
      const breach = last >= 0 && s.breaches.includes(last);
      tr.append(
        run ? actions(run.id, 'Open run') : el('td'),
        el('th', { text: run?.label ?? s.label, attrs: { scope: 'row' } }),
        el('td', { text: s.key }),
        el('td', { className: 'mh-num', text: last >= 0 ? String(s.xs[last]) : '—' }),
        el('td', {
          className: `mh-num${breach ? ' verdict-regressed' : ''}`,
          text: last >= 0 ? `${formatValue(s.ys[last] ?? NaN)}${breach ? ' ⚠' : ''}` : '—',
        }),
        el('td', { className: 'mh-num', text: last >= 0 ? formatValue(min) : '—' }),
        el('td', { className: 'mh-num', text: last >= 0 ? formatValue(max) : '—' }),
        el('td', { className: 'mh-num', text: `${s.xs.length}${s.rawCount > s.xs.length ? ` of ${s.rawCount}` : ''}` }),
      );
    }
  }
  const wrap = el('div', { className: 'mh-table-wrap' }, [table]);
  if (truncated)
    wrap.append(
      el('p', {
        className: 'mh-note',
        text: `Only the first ${MAX_ROWS} rows are listed; export CSV for all of them.`,
      }),
    );
  return wrap;
}
