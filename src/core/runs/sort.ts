// Sorting the Runs table by several columns, shared by the panel and `mlops runs list --sort KEY[:desc]`.
// Browser-safe. Order within a column: numbers, then NaN, then texts; missing values last — whatever the direction
// (the direction reverses numbers among numbers and texts among texts only). Stable: equal rows keep their order.
import { columnAccessor, parseColumnId } from './columns';
import type { CellValue, RunRow } from './model';

export type SortDirection = 'asc' | 'desc';

export interface SortKey {
  /** A column id (`metrics.f1`, `params.lr`, `start`, `metrics.loss.min`). */
  column: string;
  direction: SortDirection;
}

/** A `--sort` value that is not `KEY[:asc|:desc]`. */
export class SortKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SortKeyError';
  }
}

/**
 * `KEY`, `KEY:asc` or `KEY:desc` (case-insensitive suffix; a leading `-` also means descending). The key may hold
 * colons; only a last `:asc`/`:desc` is a direction.
 */
export function parseSortKey(text: string): SortKey {
  let column = text.trim();
  let direction: SortDirection = 'asc';
  const suffix = /:(asc|desc)$/i.exec(column);
  if (suffix) {
    direction = (suffix[1] as string).toLowerCase() as SortDirection;
    column = column.slice(0, -suffix[0].length);
  } else if (column.startsWith('-')) {
    direction = 'desc';
    column = column.slice(1);
  }
  if (!column) throw new SortKeyError(`'${text}' names no column; write KEY or KEY:desc (e.g. metrics.f1:desc).`);
  return { column, direction };
}

/** The text form parseSortKey reads (`metrics.f1:desc`; ascending keys without a suffix). */
export function formatSortKey(key: SortKey): string {
  return key.direction === 'desc' ? `${key.column}:desc` : key.column;
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/** 0 numbers, 1 NaN, 2 texts (booleans as text), 3 missing. */
function rank(value: CellValue): number {
  if (value === null) return 3;
  if (typeof value === 'number') return Number.isNaN(value) ? 1 : 0;
  return 2;
}

/** Compares two cells ascending by the table's rules (numbers, NaN, texts, missing). */
export function compareCells(a: CellValue, b: CellValue, direction: SortDirection = 'asc'): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  const sign = direction === 'desc' ? -1 : 1;
  if (ra === 0) return a === b ? 0 : (a as number) < (b as number) ? -sign : sign;
  if (ra === 2) return sign * collator.compare(String(a), String(b));
  return 0;
}

/** `rows` sorted by `keys` (the first key first); a new array, stable. Values are read once per row and key. */
export function sortRows<T extends RunRow>(rows: readonly T[], keys: readonly SortKey[]): T[] {
  if (keys.length === 0) return [...rows];
  const readers = keys.map((k) => columnAccessor(parseColumnId(k.column)));
  const directions = keys.map((k) => k.direction);
  const decorated = rows.map((row, index) => ({ row, index, values: readers.map((read) => read(row)) }));
  decorated.sort((x, y) => {
    for (let i = 0; i < directions.length; i++) {
      const c = compareCells(x.values[i] ?? null, y.values[i] ?? null, directions[i]);
      if (c !== 0) return c;
    }
    return x.index - y.index;
  });
  return decorated.map((d) => d.row);
}
