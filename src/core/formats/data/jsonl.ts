// The one JSON Lines reader: one JSON object per line (UTF-8, an optional BOM, blank lines skipped). Columns are the
// union of the objects' keys in first-seen order; a line that is not a JSON object is a bad row with its line number.
import { Buffer } from 'node:buffer';
import { type Cancellation, CancelledError, chunks, type DataSource, type RowSink } from './source';

const UTF8_BOM = [0xef, 0xbb, 0xbf] as const;
const startsWithBom = (buf: Buffer, at: number, end: number): boolean =>
  end - at >= 3 && buf[at] === UTF8_BOM[0] && buf[at + 1] === UTF8_BOM[1] && buf[at + 2] === UTF8_BOM[2];

/**
 * The line splitter of JSON Lines, on bytes: lines are cut at '\n' bytes (which never occur inside a UTF-8
 * sequence), one callback per line with its 1-based number and its byte range (a byte order mark leading the file
 * dropped, a CR before the LF kept for JSON.parse to ignore). A line of more than `maxLineBytes` bytes is not kept:
 * `onTooLong` gets its number and its bytes are skipped up to the next line end, so memory stays bounded. The one
 * splitter of the dataset reader and the prediction-log reader; a pushed chunk may be reused once `push` returns.
 */
export class JsonLineSplitter {
  /** The start of a line that did not end in the chunks so far. */
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private line = 0;
  /** The current line is too long: its bytes are dropped until it ends. */
  private skipping = false;

  constructor(
    private readonly onLine: (bytes: Buffer, start: number, end: number, line: number) => void,
    private readonly maxLineBytes = Infinity,
    private readonly onTooLong?: (line: number) => void,
    /** Whether the bytes start the file (a byte order mark may lead them); false for a part read from its middle. */
    private readonly fileStart = true,
  ) {}

  push(bytes: Uint8Array): void {
    const chunk = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let start = 0;
    if (this.carryBytes > 0 || this.skipping) {
      const nl = chunk.indexOf(10);
      if (nl < 0) {
        this.keep(chunk);
        return;
      }
      this.keep(chunk.subarray(0, nl));
      this.endCarried();
      start = nl + 1;
    }
    for (;;) {
      const nl = chunk.indexOf(10, start);
      if (nl < 0) break;
      this.emit(chunk, start, nl);
      start = nl + 1;
    }
    if (start < chunk.length) this.keep(chunk.subarray(start));
  }

  /** The last line, when the bytes do not end with a line end. */
  end(): void {
    if (this.carryBytes > 0 || this.skipping) this.endCarried();
  }

  /** Keeps the start of an unfinished line, or stops keeping it once it is surely too long. */
  private keep(bytes: Buffer): void {
    if (this.skipping) return;
    this.carry.push(Buffer.from(bytes)); // A copy: the caller may reuse the chunk's buffer once push returns.
    this.carryBytes += bytes.length;
    if (this.carryBytes > this.maxLineBytes) {
      this.skipping = true;
      this.carry = [];
      this.carryBytes = 0;
    }
  }

  private endCarried(): void {
    if (this.skipping) {
      this.skipping = false;
      this.onTooLong?.(++this.line);
      return;
    }
    const bytes = this.carry.length === 1 ? this.carry[0]! : Buffer.concat(this.carry, this.carryBytes);
    this.carry = [];
    this.carryBytes = 0;
    this.emit(bytes, 0, bytes.length);
  }

  private emit(buf: Buffer, start: number, end: number): void {
    const line = ++this.line;
    if (end - start > this.maxLineBytes) {
      this.onTooLong?.(line);
      return;
    }
    // A streaming UTF-8 decode drops one byte order mark and the text splitter used to drop a second one.
    if (line === 1 && this.fileStart) for (let k = 0; k < 2 && startsWithBom(buf, start, end); k++) start += 3;
    this.onLine(buf, start, end, line);
  }
}

export function readJsonl(
  source: DataSource,
  sink: RowSink,
  cancel?: Cancellation,
  onChunk?: (bytes: Uint8Array) => void,
): void {
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
  const splitter = new JsonLineSplitter((bytes, start, end, line) =>
    onLine(decoder.decode(bytes.subarray(start, end)), line),
  );
  for (const chunk of chunks(source)) {
    if (cancel?.cancelled) throw new CancelledError();
    onChunk?.(chunk);
    splitter.push(chunk);
  }
  splitter.end();
  if (announced === 0) sink.columns([]);
}
