// The Runs table as text: CSV, Markdown (a pull-request comment), an aligned plain-text table and JSON. One exporter
// for the panel's "Export" / "Copy as Markdown" and for `mlops runs list --format`. Browser-safe.
// Cells come from repositories and trackers: control characters are made visible in every format but JSON (which
// escapes them itself), Markdown cells cannot break the table or inject HTML, and CSV cells cannot start a formula.
import { escapeControlCharacters } from '../security/controlCharacters';
import { alignedTable } from '../textTable';
import { columnAccessor, parseColumnId } from './columns';
import type { CellValue, ColumnDef, RunRow } from './model';

export const EXPORT_FORMATS = ['table', 'csv', 'json', 'md'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** A number for reading: NaN, Infinity and -Infinity by name; others without floating-point noise (10 digits). */
export function formatNumber(value: number, full = false): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return full ? String(value) : String(Number(value.toPrecision(10)));
}

const pad = (n: number): string => String(n).padStart(2, '0');

/** A time as `YYYY-MM-DD HH:MM:SS` in UTC (the same text on every machine). */
export function formatTime(ms: number): string {
  const d = new Date(ms);
  if (Number.isNaN(d.getTime())) return String(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(
    d.getUTCMinutes(),
  )}:${pad(d.getUTCSeconds())}`;
}

/** A duration as `850ms`, `42s`, `3m 05s`, `2h 04m`, `3d 01h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return formatNumber(ms);
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${pad(s % 60)}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h ${pad(m % 60)}m`;
  return `${Math.floor(h / 24)}d ${pad(h % 24)}h`;
}

/**
 * A cell as display text: numbers compact, times and durations readable, full commit shas shortened to 7
 * characters; '' for a missing value. `full`: numbers, times (ISO 8601) and shas as they are (CSV).
 */
export function formatCell(value: CellValue, column: ColumnDef, full = false): string {
  if (value === null) return '';
  if (typeof value === 'number') {
    if (column.type === 'time') return full ? new Date(value).toISOString() : formatTime(value);
    if (column.type === 'duration') return full ? String(value / 1000) : formatDuration(value);
    return formatNumber(value, full);
  }
  const text = String(value);
  if (!full && column.id === 'commit' && /^[0-9a-f]{40}$/.test(text)) return text.slice(0, 7);
  return text;
}

/** A column's header: its label, with the unit in brackets; duration in seconds for CSV. */
function header(column: ColumnDef, full: boolean): string {
  const prefix = column.group === 'run' ? '' : `${column.group}.`;
  const name = `${prefix}${column.label}`;
  if (full && column.type === 'duration') return `${name} (s)`;
  return column.unit ? `${name} [${column.unit}]` : name;
}

function csvCell(text: string): string {
  let t = escapeControlCharacters(text);
  // A cell a spreadsheet would run as a formula is kept as text.
  if (/^[=+\-@]/.test(t) && !/^[+-]?(\d|\.\d|Infinity$)/.test(t)) t = `'${t}`;
  return /[",\n\r]/.test(t) || t !== t.trim() ? `"${t.replace(/"/g, '""')}"` : t;
}

function mdCell(text: string): string {
  return escapeControlCharacters(text)
    .replace(/\\/g, '\\\\')
    .replace(/\|/g, '\\|')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([`*_[\]])/g, '\\$1');
}

function jsonValue(value: CellValue, column: ColumnDef): CellValue {
  if (typeof value === 'number' && !Number.isFinite(value)) return formatNumber(value);
  if (typeof value === 'number' && column.type === 'time') return new Date(value).toISOString();
  return value;
}

/** The rows as text in a format, one column per ColumnDef, in the order given. */
export function exportRows(rows: readonly RunRow[], columns: readonly ColumnDef[], format: ExportFormat): string {
  const readers = columns.map((c) => columnAccessor(parseColumnId(c.id)));
  if (format === 'json') {
    const out = rows.map((row) => {
      const record: Record<string, CellValue> = { key: row.key };
      columns.forEach((column, i) => {
        const read = readers[i];
        if (read) record[column.id] = jsonValue(read(row), column);
      });
      return record;
    });
    return JSON.stringify(out, null, 2) + '\n';
  }
  const full = format === 'csv';
  const cells = rows.map((row) => columns.map((column, i) => formatCell(readers[i]?.(row) ?? null, column, full)));
  const headers = columns.map((c) => header(c, full));
  if (format === 'csv') return [headers, ...cells].map((line) => line.map(csvCell).join(',')).join('\r\n') + '\r\n';
  if (format === 'md') {
    const align = columns.map((c) => (c.type === 'number' || c.type === 'duration' ? '---:' : '---'));
    return (
      [headers.map(mdCell), align, ...cells.map((line) => line.map(mdCell))]
        .map((line) => `| ${line.join(' | ')} |`)
        .join('\n') + '\n'
    );
  }
  return alignedTable([headers, ...cells]);
}
