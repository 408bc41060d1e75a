// The one JSON Lines reader: one JSON object per line (UTF-8, an optional BOM, blank lines skipped). Columns are the
// union of the objects' keys in first-seen order; a line that is not a JSON object is a bad row with its line number.
import { type Cancellation, CancelledError, chunks, type DataSource, type RowSink } from './source';

/**
 * The line splitter of JSON Lines: push decoded text, get one callback per line with its 1-based number (a BOM at
 * the start dropped, a CR before the LF kept for JSON.parse to ignore). A line longer than `maxLineChars` is not
 * kept: `onTooLong` gets its number and the text up to the next line end is skipped, so memory stays bounded.
 */
export class JsonLineSplitter {
  private carry = '';
  private line = 0;
  private skipping = false;
  private started = false;

  constructor(
    private readonly onLine: (text: string, line: number) => void,
    private readonly maxLineChars = Infinity,
    private readonly onTooLong?: (line: number) => void,
  ) {}

  push(chunk: string): void {
    let text = this.carry.length > 0 ? this.carry + chunk : chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      this.line++;
      if (this.skipping) this.skipping = false;
      else if (nl - start > this.maxLineChars) this.onTooLong?.(this.line);
      else this.onLine(text.slice(start, nl), this.line);
      start = nl + 1;
    }
    this.carry = text.slice(start);
    if (this.carry.length > this.maxLineChars && !this.skipping) {
      this.skipping = true;
      this.onTooLong?.(this.line + 1);
    }
    if (this.skipping) this.carry = '';
  }

  /** The last line, when the text does not end with a line end. */
  end(): void {
    if (this.skipping) {
      this.line++;
      this.skipping = false;
    } else if (this.carry.length > 0) {
      this.line++;
      this.onLine(this.carry, this.line);
    }
    this.carry = '';
  }
}

export function readJsonl(source: DataSource, sink: RowSink, cancel?: Cancellation): void {
  const names: string[] = [];
  const index = new Map<string, number>();
  const decoder = new TextDecoder('utf-8');
  let announced = 0;
  const onLine = (text: string, line: number): void => {
    if (text.trim() === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      sink.bad(line, 'not valid JSON');
      return;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      sink.bad(line, 'not a JSON object');
      return;
    }
    const record = value as Record<string, unknown>;
    const cells: unknown[] = new Array<unknown>(names.length).fill(null);
    for (const key of Object.keys(record)) {
      let at = index.get(key);
      if (at === undefined) {
        at = names.length;
        names.push(key);
        index.set(key, at);
      }
      cells[at] = record[key] ?? null;
    }
    if (names.length !== announced) {
      announced = names.length;
      sink.columns(names.slice());
    }
    sink.row(cells, line);
  };
  const splitter = new JsonLineSplitter(onLine);
  for (const chunk of chunks(source)) {
    if (cancel?.cancelled) throw new CancelledError();
    splitter.push(decoder.decode(chunk, { stream: true }));
  }
  splitter.push(decoder.decode());
  splitter.end();
  if (announced === 0) sink.columns([]);
}
