// The shown table as CSV or Markdown text, through the runs core's export (the same text `mlops runs list` prints).
import type { ColumnDef, RunRow } from '../../src/core/runs/model';
import { cellValue } from '../../src/core/runs/columns';

export function tableText(format: 'csv' | 'md', rows: readonly RunRow[], columns: readonly ColumnDef[]): string {
  const cell = (row: RunRow, c: ColumnDef) => {
    const v = cellValue(row, c.id);
    return v === null ? '' : String(v);
  };
  if (format === 'csv') {
    const q = (t: string) => (/[",\n\r]/.test(t) ? `"${t.replace(/"/g, '""')}"` : t);
    return (
      [columns.map((c) => q(c.id)).join(','), ...rows.map((r) => columns.map((c) => q(cell(r, c))).join(','))].join(
        '\n',
      ) + '\n'
    );
  }
  const e = (t: string) => t.replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return (
    [
      `| ${columns.map((c) => e(c.label)).join(' | ')} |`,
      `|${columns.map(() => ' --- |').join('')}`,
      ...rows.map((r) => `| ${columns.map((c) => e(cell(r, c))).join(' | ')} |`),
    ].join('\n') + '\n'
  );
}
