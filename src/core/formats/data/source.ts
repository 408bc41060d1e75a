// Where a dataset's bytes come from (a file on disk, read in chunks, or a buffer such as a git blob) and the sink
// every dataset reader feeds: one call per row with the row's cells, so no reader holds the whole table.
import fs from 'node:fs';

export type DataSource = { kind: 'file'; path: string } | { kind: 'buffer'; bytes: Uint8Array; name: string };

export type DataFormat = 'csv' | 'tsv' | 'jsonl' | 'parquet' | 'arrow';

/** Receives a dataset row by row. `line` is the 1-based line (CSV/JSONL) or row number (Parquet) of the row. */
export interface RowSink {
  /** The column names, once known (CSV header, Parquet schema); JSON Lines may add columns later. */
  columns(names: readonly string[]): void;
  /** One row; cells are strings for text formats (null when missing), JS values for JSON and Parquet. */
  row(cells: readonly unknown[], line: number): void;
  /** A row that could not be read. */
  bad(line: number, reason: string): void;
  /**
   * A sink that does not need rows (a profile) may take a columnar format's values column by column instead: then
   * `values` receives every column's values in row order, batch after batch, and `rowsRead` the rows they cover,
   * and `row` is never called. Readers of row formats ignore both.
   */
  columnar?: ColumnSink;
}

/**
 * One batch of a column's values in row order, nulls left out (`nulls` says how many rows had none). The i-th value
 * is `values[index[i]]` when `index` is given (dictionary-encoded data), else `values[i]`; `length` values in all.
 * - `number`: numbers (integer columns: `integer` is true; NaN counts as missing, as in a row's cell);
 * - `date`: instants as epoch milliseconds;
 * - `value`: JS values as rows carry them (strings, booleans, Dates, bigints, byte arrays).
 */
export type ColumnBatch =
  | { kind: 'number'; integer: boolean; values: Float64Array; index?: ArrayLike<number>; length: number; nulls: number }
  | { kind: 'date'; values: Float64Array; index?: ArrayLike<number>; length: number; nulls: number }
  | { kind: 'value'; values: ArrayLike<unknown>; index?: ArrayLike<number>; length: number; nulls: number };

export interface ColumnSink {
  values(column: number, batch: ColumnBatch): void;
  /** Rows whose every column was delivered. */
  rowsRead(count: number): void;
}

/** Raised when a file cannot be read as its format: the message says what to fix. */
export class DataFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataFormatError';
  }
}

/** Lets a long read stop early; readers check it between chunks. */
export interface Cancellation {
  readonly cancelled: boolean;
}

export class CancelledError extends Error {
  constructor() {
    super('Cancelled.');
    this.name = 'CancelledError';
  }
}

export const CHUNK_BYTES = 4 * 1024 * 1024;

export function sourceName(source: DataSource): string {
  return source.kind === 'file' ? source.path : source.name;
}

export function sourceSize(source: DataSource): number {
  return source.kind === 'file' ? fs.statSync(source.path).size : source.bytes.byteLength;
}

/**
 * The byte chunks of a source, at most CHUNK_BYTES each (a buffer source yields slices without copying). A file is
 * read into one buffer reused for every chunk: a chunk is valid until the next one is asked for.
 */
export function* chunks(source: DataSource, size = CHUNK_BYTES): Generator<Uint8Array> {
  if (source.kind === 'buffer') {
    for (let at = 0; at < source.bytes.byteLength; at += size) yield source.bytes.subarray(at, at + size);
    return;
  }
  const fd = fs.openSync(source.path, 'r');
  const buffer = Buffer.allocUnsafe(size);
  try {
    for (;;) {
      const n = fs.readSync(fd, buffer, 0, size, null);
      if (n <= 0) return;
      yield buffer.subarray(0, n);
    }
  } finally {
    fs.closeSync(fd);
  }
}

/** The first `size` bytes of a source. */
export function head(source: DataSource, size: number): Uint8Array {
  if (source.kind === 'buffer') return source.bytes.subarray(0, size);
  const fd = fs.openSync(source.path, 'r');
  try {
    const buffer = Buffer.alloc(size);
    const n = fs.readSync(fd, buffer, 0, size, 0);
    return buffer.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** The format named by a file's extension; undefined when it is not a dataset format this reads. */
export function formatOf(file: string): DataFormat | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv') || lower.endsWith('.csv.txt')) return 'csv';
  if (lower.endsWith('.tsv') || lower.endsWith('.tab')) return 'tsv';
  if (lower.endsWith('.jsonl') || lower.endsWith('.ndjson')) return 'jsonl';
  if (lower.endsWith('.parquet') || lower.endsWith('.pq')) return 'parquet';
  if (lower.endsWith('.arrow') || lower.endsWith('.feather')) return 'arrow';
  return undefined;
}
