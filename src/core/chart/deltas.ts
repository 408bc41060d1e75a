import { formatValue } from './annotations';
import type { Goal } from './types';

export type Verdict = 'improved' | 'regressed' | 'unchanged' | 'unknown';

/** Improvement or regression of a change by the metric's goal; `unknown` without a goal or a finite change. */
export function verdict(delta: number, goal: Goal | undefined): Verdict {
  if (!Number.isFinite(delta)) return 'unknown';
  if (delta === 0) return 'unchanged';
  if (!goal) return 'unknown';
  return delta > 0 === (goal === 'maximize') ? 'improved' : 'regressed';
}

export interface CompareColumn {
  id: string;
  label: string;
  goal?: Goal;
  unit?: string;
}

export interface CompareItem {
  id: string;
  /** Revision (short sha, tags, subject) or run name. */
  label: string;
  /** By column id; a missing or non-finite value shows as empty. */
  values: Record<string, number | undefined>;
}

export interface CompareCell {
  value?: number;
  /** value - the baseline's value (absent for the baseline row and for missing values). */
  delta?: number;
  /** delta / |baseline|, when the baseline is not 0. */
  relative?: number;
  verdict: Verdict;
}

export interface CompareTable {
  columns: CompareColumn[];
  rows: { item: CompareItem; baseline: boolean; cells: CompareCell[] }[];
}

/** Compares every item with the first (the baseline), column by column. */
export function compareItems(items: readonly CompareItem[], columns: readonly CompareColumn[]): CompareTable {
  const base = items[0];
  return {
    columns: [...columns],
    rows: items.map((item, index) => ({
      item,
      baseline: index === 0,
      cells: columns.map((column): CompareCell => {
        const value = finite(item.values[column.id]);
        if (index === 0 || value === undefined || base === undefined) return { value, verdict: 'unknown' };
        const reference = finite(base.values[column.id]);
        if (reference === undefined) return { value, verdict: 'unknown' };
        const delta = value - reference;
        return {
          value,
          delta,
          relative: reference === 0 ? undefined : delta / Math.abs(reference),
          verdict: verdict(delta, column.goal),
        };
      }),
    })),
  };
}

function finite(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

/** `+0.0123 (+1.6%)`, `−0.5`, `0`: the text of a delta cell. */
export function formatDelta(cell: CompareCell): string {
  if (cell.delta === undefined) return '';
  const sign = cell.delta > 0 ? '+' : cell.delta < 0 ? '−' : '±';
  const text = `${sign}${formatValue(Math.abs(cell.delta))}`;
  if (cell.relative === undefined) return text;
  const percent = Math.abs(cell.relative * 100);
  return `${text} (${sign}${percent >= 100 ? percent.toFixed(0) : percent.toPrecision(2)}%)`;
}
