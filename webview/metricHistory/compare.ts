// The comparison of selected revisions or runs: a table of values and deltas against the first selected, coloured
// by each metric's goal, and its Markdown for "Copy as Markdown".
import {
  compareItems,
  formatDelta,
  type CompareColumn,
  type CompareItem,
  type CompareTable,
} from '../../src/core/chart/deltas';
import { formatValue } from '../../src/core/chart/annotations';
import type { ChartPayload } from '../../src/core/chart/types';

/** Builds the comparison of the selected ids (shas or run ids, in selection order) over the visible series. */
export function buildComparison(
  payload: ChartPayload,
  selected: readonly string[],
  hidden: ReadonlySet<string>,
): CompareTable | undefined {
  const visible = payload.series.filter((s) => !hidden.has(s.id));
  if (payload.view === 'versions') {
    const columns: CompareColumn[] = visible.map((s) => ({ id: s.id, label: s.label, goal: s.goal, unit: s.unit }));
    const items: CompareItem[] = [];
    for (const sha of selected) {
      const versionIndex = payload.versions.findIndex((v) => v.sha === sha);
      const version = payload.versions[versionIndex];
      if (!version) continue;
      const values: Record<string, number | undefined> = {};
      for (const s of visible) {
        const i = s.versions?.indexOf(versionIndex) ?? -1;
        values[s.id] = i >= 0 ? s.ys[i] : undefined;
      }
      items.push({ id: sha, label: version.label, values });
    }
    return items.length >= 2 ? compareItems(items, columns) : undefined;
  }
  // Steps: one row per run, one column per key; each cell is the run's last value.
  const keys = new Map<string, CompareColumn>();
  for (const s of visible)
    if (!keys.has(s.key)) keys.set(s.key, { id: s.key, label: s.key, goal: s.goal, unit: s.unit });
  const items: CompareItem[] = [];
  for (const runId of selected) {
    const runIndex = payload.runs.findIndex((r) => r.id === runId);
    const run = payload.runs[runIndex];
    if (!run) continue;
    const values: Record<string, number | undefined> = {};
    for (const s of payload.series) {
      if (s.run !== runIndex || s.ys.length === 0) continue;
      values[s.key] = s.ys[s.ys.length - 1];
    }
    items.push({ id: runId, label: run.label, values });
  }
  return items.length >= 2 ? compareItems(items, [...keys.values()]) : undefined;
}

/** The comparison as an HTML table: every text through textContent. */
export function renderComparison(table: CompareTable): HTMLTableElement {
  const doc = document;
  const element = doc.createElement('table');
  element.className = 'mh-compare-table';
  const head = element.createTHead().insertRow();
  const corner = doc.createElement('th');
  corner.scope = 'col';
  corner.textContent = 'Selected';
  head.append(corner);
  for (const column of table.columns) {
    const th = doc.createElement('th');
    th.scope = 'col';
    th.textContent = column.unit ? `${column.label} (${column.unit})` : column.label;
    if (column.goal) th.title = column.goal === 'maximize' ? 'Higher is better' : 'Lower is better';
    head.append(th);
  }
  const body = element.createTBody();
  for (const row of table.rows) {
    const tr = body.insertRow();
    const th = doc.createElement('th');
    th.scope = 'row';
    th.textContent = row.baseline ? `${row.item.label} (baseline)` : row.item.label;
    tr.append(th);
    for (const cell of row.cells) {
      const td = tr.insertCell();
      td.className = `mh-num verdict-${cell.verdict}`;
      const value = doc.createElement('span');
      value.textContent = cell.value === undefined ? '—' : formatValue(cell.value);
      td.append(value);
      if (cell.delta !== undefined) {
        const delta = doc.createElement('span');
        delta.className = 'mh-delta';
        delta.textContent = formatDelta(cell);
        td.append(' ', delta);
        td.title =
          cell.verdict === 'improved'
            ? 'Better than the baseline'
            : cell.verdict === 'regressed'
              ? 'Worse than the baseline'
              : cell.verdict === 'unchanged'
                ? 'Same as the baseline'
                : 'No goal defined for this metric';
      }
    }
  }
  return element;
}
