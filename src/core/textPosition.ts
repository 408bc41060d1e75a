// Where an offset in a text is, as editors and error messages count: 1-based line and column, the column in UTF-16
// code units, lines ended by LF (a CR before it belongs to the line).

/** Line and column (both 1-based) of a character offset; an offset outside the text is taken at its nearer end. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const end = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: end - lineStart + 1 };
}
