// The one CSV/TSV reader. Detects the encoding (BOM, else UTF-8 when the sample decodes, else Windows-1252), the
// delimiter (the candidate whose count per line is steadiest over the sample, outside quotes), the quote and the
// header, then scans the decoded text chunk by chunk: RFC 4180 quoting ("" inside quotes, line breaks inside quoted
// fields), CRLF/LF/CR line ends. A record whose field count differs from the header's is a bad row (counted with its
// line number), as is a quoted field left open at the end of the file. Memory: one chunk plus the record it splits.
import { StringDecoder } from 'node:string_decoder';
import {
  type Cancellation,
  CancelledError,
  chunks,
  DataFormatError,
  type DataSource,
  head,
  type RowSink,
} from './source';

export interface CsvDialect {
  delimiter: string;
  quote: string;
  header: boolean;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
}

export interface CsvOptions {
  /** Overrides for what detection would choose. */
  delimiter?: string;
  header?: boolean;
  encoding?: CsvDialect['encoding'];
  /** The delimiter to prefer when the sample is ambiguous (`\t` for .tsv). */
  preferDelimiter?: string;
  cancel?: Cancellation;
  /** Sees every byte of the source in order, chunk by chunk (to hash it in the same pass). */
  onChunk?: (bytes: Uint8Array) => void;
}

const SAMPLE_BYTES = 64 * 1024;
const CANDIDATES = [',', '\t', ';', '|'];

/** pandas' default missing-value markers (read_csv na_values), so null counts agree with it. */
export const NA_VALUES: ReadonlySet<string> = new Set([
  '',
  '#N/A',
  '#N/A N/A',
  '#NA',
  '-1.#IND',
  '-1.#QNAN',
  '-NaN',
  '-nan',
  '1.#IND',
  '1.#QNAN',
  '<NA>',
  'N/A',
  'NA',
  'NULL',
  'NaN',
  'None',
  'n/a',
  'nan',
  'null',
]);

export function detectEncoding(sample: Uint8Array): { encoding: CsvDialect['encoding']; bom: number } {
  if (sample[0] === 0xef && sample[1] === 0xbb && sample[2] === 0xbf) return { encoding: 'utf-8', bom: 3 };
  if (sample[0] === 0xff && sample[1] === 0xfe) return { encoding: 'utf-16le', bom: 2 };
  if (sample[0] === 0xfe && sample[1] === 0xff) return { encoding: 'utf-16be', bom: 2 };
  // No BOM: UTF-8 when the sample decodes (ignoring a sequence cut at the sample's end), else Windows-1252.
  let end = sample.length;
  if (end === SAMPLE_BYTES) {
    let back = 0;
    while (back < 4 && end - back - 1 >= 0 && ((sample[end - back - 1] ?? 0) & 0xc0) === 0x80) back++;
    end -= back + 1;
    if (end < 0) end = 0;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(sample.subarray(0, end));
    return { encoding: 'utf-8', bom: 0 };
  } catch {
    return { encoding: 'windows-1252', bom: 0 };
  }
}

/** Splits sample text into records (quote-aware) for dialect detection; the last, possibly cut, record is dropped. */
function sampleRecords(text: string, delimiter: string, quote: string, limit: number): string[][] {
  const records: string[][] = [];
  const parser = new CsvParser(delimiter, quote, (cells) => {
    if (records.length < limit) records.push(cells.slice());
  });
  parser.push(text);
  return records;
}

export function detectDialect(text: string, options: CsvOptions = {}): Omit<CsvDialect, 'encoding'> {
  const quote = '"';
  let delimiter = options.delimiter;
  if (delimiter === undefined) {
    let best: { d: string; score: number } | undefined;
    const ordered = options.preferDelimiter
      ? [options.preferDelimiter, ...CANDIDATES.filter((c) => c !== options.preferDelimiter)]
      : CANDIDATES;
    for (const d of ordered) {
      const records = sampleRecords(text, d, quote, 50).filter((r) => !(r.length === 1 && r[0] === ''));
      if (records.length === 0) continue;
      const first = records[0]?.length ?? 1;
      if (first < 2) continue;
      const steady = records.filter((r) => r.length === first).length / records.length;
      const score = steady * 1000 + first;
      if (!best || score > best.score) best = { d, score };
    }
    delimiter = best?.d ?? options.preferDelimiter ?? ',';
  }
  let header = options.header;
  if (header === undefined) {
    const records = sampleRecords(text, delimiter, quote, 20);
    const first = records[0] ?? [];
    // A header when no cell of the first record is a number while some later record has one in that column, or
    // when the first record is all distinct non-empty text (like Python's csv.Sniffer, simplified).
    const numeric = (s: string): boolean => s.trim() !== '' && Number.isFinite(Number(s));
    if (first.some(numeric)) header = false;
    else if (records.length > 1 && first.some((_, i) => records.slice(1).some((r) => numeric(r[i] ?? ''))))
      header = true;
    else header = first.length > 0 && first.every((s) => s !== '') && new Set(first).size === first.length;
  }
  return { delimiter, quote, header };
}

/** The incremental record scanner: push decoded text, get one callback per record with its starting line. */
export class CsvParser {
  private carry = '';
  private line = 1;
  private readonly cells: string[] = [];
  private readonly d: number;
  private readonly q: number;

  /** Skipping the rest of a record that grew past `limit.maxRecordChars`, up to the next line end. */
  private skipping = false;

  constructor(
    delimiter: string,
    quote: string,
    private readonly onRecord: (cells: string[], line: number) => void,
    private readonly onOpenQuote?: (line: number) => void,
    /** A record longer than this is dropped (reported, then skipped to the next line end): memory stays bounded. */
    private readonly limit?: { maxRecordChars: number; onTooLong: (line: number) => void },
  ) {
    this.d = delimiter.charCodeAt(0);
    this.q = quote.charCodeAt(0);
  }

  /** Scans `text` (appended to any unfinished record); keeps the unfinished tail for the next push or end(). */
  push(text: string, final = false): void {
    if (this.skipping) {
      const nl = text.indexOf('\n');
      if (nl < 0) return;
      this.skipping = false;
      this.line++;
      text = text.slice(nl + 1);
    }
    // An unfinished record cannot end in text without a line end: append it instead of scanning the record again
    // (a record spread over many chunks would otherwise be scanned once per chunk).
    if (!final && this.carry.length > 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
      this.carry += text;
      if (this.limit && this.carry.length > this.limit.maxRecordChars) this.tooLong();
      return;
    }
    const s = this.carry.length > 0 ? this.carry + text : text;
    const n = s.length;
    const d = this.d;
    const q = this.q;
    let i = 0;
    let recordStart = 0;
    let lineAtRecord = this.line;
    let line = this.line;
    const cells = this.cells;
    cells.length = 0;
    while (i < n) {
      // One field.
      let c = s.charCodeAt(i);
      if (c === q) {
        let j = i + 1;
        let value = '';
        let segment = j;
        let closed = false;
        while (j < n) {
          const cj = s.charCodeAt(j);
          if (cj === q) {
            if (j + 1 < n && s.charCodeAt(j + 1) === q) {
              value += s.slice(segment, j + 1);
              j += 2;
              segment = j;
              continue;
            }
            if (j + 1 >= n && !final) break; // cannot tell "" from " at the chunk's end
            value += s.slice(segment, j);
            j++;
            closed = true;
            break;
          }
          if (cj === 10) line++;
          else if (cj === 13 && s.charCodeAt(j + 1) !== 10) line++;
          j++;
        }
        if (!closed) {
          if (!final) return this.keep(s, recordStart, lineAtRecord);
          this.onOpenQuote?.(lineAtRecord);
          this.cells.length = 0;
          this.carry = '';
          this.line = line;
          return;
        }
        // Text after the closing quote up to the delimiter is kept, as Python's csv module does.
        let k = j;
        while (k < n) {
          const ck = s.charCodeAt(k);
          if (ck === d || ck === 10 || ck === 13) break;
          k++;
        }
        if (k > j) value += s.slice(j, k);
        cells.push(value);
        i = k;
      } else {
        let k = i;
        while (k < n) {
          c = s.charCodeAt(k);
          if (c === d || c === 10 || c === 13) break;
          k++;
        }
        cells.push(s.slice(i, k));
        i = k;
      }
      if (i >= n) {
        if (!final) return this.keep(s, recordStart, lineAtRecord);
        this.emit(lineAtRecord, i - recordStart);
        break;
      }
      c = s.charCodeAt(i);
      if (c === d) {
        i++;
        if (i >= n) {
          if (!final) return this.keep(s, recordStart, lineAtRecord);
          cells.push('');
          this.emit(lineAtRecord, i - recordStart);
        }
        continue;
      }
      // A line end.
      if (c === 13) {
        if (i + 1 >= n && !final) return this.keep(s, recordStart, lineAtRecord);
        if (s.charCodeAt(i + 1) === 10) i++;
      }
      i++;
      line++;
      this.emit(lineAtRecord, i - recordStart);
      recordStart = i;
      lineAtRecord = line;
    }
    this.carry = '';
    this.line = line;
  }

  private keep(s: string, recordStart: number, line: number): void {
    this.carry = s.slice(recordStart);
    this.line = line;
    this.cells.length = 0;
    if (this.limit && this.carry.length > this.limit.maxRecordChars) this.tooLong();
  }

  private tooLong(): void {
    const line = this.line;
    for (let i = this.carry.indexOf('\n'); i >= 0; i = this.carry.indexOf('\n', i + 1)) this.line++;
    this.carry = '';
    this.cells.length = 0;
    this.skipping = true;
    this.limit?.onTooLong(line);
  }

  private emit(line: number, chars: number): void {
    const cells = this.cells;
    if (this.limit && chars > this.limit.maxRecordChars) {
      cells.length = 0;
      this.limit.onTooLong(line);
      return;
    }
    // A blank line is no record.
    if (!(cells.length === 1 && cells[0] === '')) this.onRecord(cells, line);
    cells.length = 0;
  }

  end(): void {
    if (this.carry.length > 0 && !this.skipping) this.push('', true);
  }
}

/**
 * A streaming decoder: Node's StringDecoder for UTF-8 (its fast path decodes at about twice TextDecoder's speed; both
 * keep a sequence cut at a chunk's end for the next chunk and write U+FFFD for invalid bytes), TextDecoder else.
 */
function textDecoder(encoding: CsvDialect['encoding']): { write(bytes: Uint8Array): string; end(): string } {
  if (encoding === 'utf-8') {
    const utf8 = new StringDecoder('utf8');
    return { write: (bytes) => utf8.write(bytes), end: () => utf8.end() };
  }
  const decoder = new TextDecoder(encoding);
  return { write: (bytes) => decoder.decode(bytes, { stream: true }), end: () => decoder.decode() };
}

/** Reads a CSV/TSV source into `sink`; returns the dialect it used. */
export function readCsv(source: DataSource, sink: RowSink, options: CsvOptions = {}): CsvDialect {
  const sample = head(source, SAMPLE_BYTES);
  const detected = detectEncoding(sample);
  const encoding = options.encoding ?? detected.encoding;
  const bom = options.encoding && options.encoding !== detected.encoding ? 0 : detected.bom;
  const sampleText = new TextDecoder(encoding).decode(sample.subarray(bom));
  const dialect = { ...detectDialect(sampleText, options), encoding };
  let width = -1;
  const parser = new CsvParser(
    dialect.delimiter,
    dialect.quote,
    (cells, line) => {
      if (width < 0) {
        width = cells.length;
        if (dialect.header) {
          sink.columns(cells.map((c, i) => (c.trim() === '' ? `Unnamed: ${i}` : c)));
          return;
        }
        sink.columns(cells.map((_, i) => String(i)));
      }
      if (cells.length !== width) {
        sink.bad(line, `expected ${width} fields, saw ${cells.length}`);
        return;
      }
      sink.row(cells, line);
    },
    (line) => sink.bad(line, 'a quoted field is not closed'),
  );
  const decoder = textDecoder(encoding);
  let first = true;
  for (const chunk of chunks(source)) {
    if (options.cancel?.cancelled) throw new CancelledError();
    options.onChunk?.(chunk);
    const bytes = first ? chunk.subarray(bom) : chunk;
    first = false;
    parser.push(decoder.write(bytes));
  }
  parser.push(decoder.end());
  parser.end();
  if (width < 0) sink.columns([]);
  return dialect;
}

export function assertDelimiter(d: string): void {
  if (d.length !== 1 || d === '"' || d === '\n' || d === '\r')
    throw new DataFormatError(`'${d}' cannot be a delimiter.`);
}
