// Aligned plain-text tables for terminals and CI logs. Cells come from the workspace (file names, metric keys),
// so their control characters are escaped: a name cannot start a line of its own or repaint the terminal.
import { escapeControlCharacters } from './security/controlCharacters';

/** Rows of cells padded to their column's width, two spaces apart, trailing blanks trimmed; one line per row. */
export function alignedTable(rows: readonly (readonly string[])[]): string {
  const cells = rows.map((row) => row.map(escapeControlCharacters));
  const widths: number[] = [];
  for (const row of cells)
    row.forEach((cell, i) => {
      if (cell.length > (widths[i] ?? 0)) widths[i] = cell.length;
    });
  return (
    cells
      .map((row) =>
        row
          .map((cell, i) => cell.padEnd(widths[i] ?? 0))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
