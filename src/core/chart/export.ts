import { formatValue } from './annotations';
import { formatDelta, type CompareTable } from './deltas';
import type { ChartPayload, PlotSeries } from './types';

export type Cell = string | number | undefined;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote, CR or LF, quotes doubled. Text that a
 * spreadsheet would run as a formula (starting with =, +, -, @, tab or CR) gets a leading apostrophe; numbers are
 * written as numbers, so negative values stay negative.
 */
export function csvField(value: Cell): string {
  if (value === undefined) return '';
  if (typeof value === 'number')
    return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A whole CSV document: a header row, then the rows, CRLF line endings as RFC 4180 has them. */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\r\n') + '\r\n';
}

/**
 * One Markdown table cell: the pipe, backslash and inline markup are escaped, HTML-significant characters become
 * entities and line breaks become spaces, so a name can neither break the table nor inject markup.
 */
export function markdownCell(value: Cell): string {
  if (value === undefined) return '';
  const text = typeof value === 'number' ? formatValue(value) : value;
  return text
    .replace(/[\r\n]+/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\|`*_[\]]/g, (ch) => `\\${ch}`);
}

export function toMarkdownTable(
  header: readonly string[],
  rows: readonly (readonly Cell[])[],
  align?: readonly ('left' | 'right')[],
): string {
  const line = (cells: readonly Cell[]) => `| ${header.map((_, i) => markdownCell(cells[i])).join(' | ')} |`;
  const rule = `| ${header.map((_, i) => (align?.[i] === 'right' ? '---:' : '---')).join(' | ')} |`;
  return [line(header), rule, ...rows.map(line)].join('\n') + '\n';
}

/** The compare table as Markdown: one row per item, a value and a delta column per metric. */
export function compareToMarkdown(table: CompareTable): string {
  const header = ['', ...table.columns.flatMap((c) => [c.unit ? `${c.label} (${c.unit})` : c.label, `Δ ${c.label}`])];
  const rows = table.rows.map((row) => [
    row.baseline ? `${row.item.label} (baseline)` : row.item.label,
    ...row.cells.flatMap((cell) => [
      cell.value,
      cell.delta === undefined ? undefined : `${formatDelta(cell)}${verdictMark(cell.verdict)}`,
    ]),
  ]);
  return toMarkdownTable(
    header,
    rows,
    header.map((_, i) => (i === 0 ? 'left' : 'right')),
  );
}

function verdictMark(verdict: string): string {
  return verdict === 'improved' ? ' ✓' : verdict === 'regressed' ? ' ✗' : '';
}

/**
 * The plotted data as CSV, one row per point (long format). `smoothed` holds each series' smoothed values when
 * smoothing is on (same length as its ys); hidden series are left out by the caller.
 */
export function plotToCsv(
  payload: Pick<ChartPayload, 'view' | 'versions' | 'runs' | 'sources'> & { query?: { xKey?: string } },
  series: readonly PlotSeries[],
  smoothed?: ReadonlyMap<string, readonly number[]>,
): string {
  const sourceLabel = new Map(payload.sources.map((s) => [s.id, s.location]));
  const withSmoothing = smoothed !== undefined && smoothed.size > 0;
  if (payload.view === 'versions') {
    const header = [
      'series',
      'key',
      'split',
      'source',
      'file',
      'revision',
      'tags',
      'subject',
      'author',
      'date',
      'value',
      ...(withSmoothing ? ['smoothed'] : []),
    ];
    const rows: Cell[][] = [];
    for (const s of series) {
      const smooth = smoothed?.get(s.id);
      s.ys.forEach((y, i) => {
        const index = s.versions?.[i];
        const version = index === undefined ? undefined : payload.versions[index];
        rows.push([
          s.label,
          s.key,
          s.split,
          sourceLabel.get(s.sourceId) ?? s.sourceId,
          s.file,
          version?.sha,
          version?.tags.join(' '),
          version?.subject,
          version?.author,
          version && Number.isFinite(version.date) ? new Date(version.date).toISOString() : undefined,
          y,
          ...(withSmoothing ? [smooth?.[i]] : []),
        ]);
      });
    }
    return toCsv(header, rows);
  }
  const header = [
    'series',
    'key',
    'split',
    'source',
    'run',
    'run id',
    payload.query?.xKey ?? 'step',
    'value',
    ...(withSmoothing ? ['smoothed'] : []),
  ];
  const rows: Cell[][] = [];
  for (const s of series) {
    const run = s.run === undefined ? undefined : payload.runs[s.run];
    const smooth = smoothed?.get(s.id);
    s.ys.forEach((y, i) => {
      rows.push([
        s.label,
        s.key,
        s.split,
        sourceLabel.get(s.sourceId) ?? s.sourceId,
        run?.label,
        run?.id,
        s.xs[i],
        y,
        ...(withSmoothing ? [smooth?.[i]] : []),
      ]);
    });
  }
  return toCsv(header, rows);
}
