// The one Parquet reader, on hyparquet (pure JavaScript; snappy built in, gzip/zstd/brotli/lz4 through
// hyparquet-compressors). Reads one row group at a time as decoded columns (memory: one row group's columns, never
// its rows) and feeds rows to the sink from them: INT64 as bigint, timestamps as Date, lists as arrays, structs as objects.
import fs from 'node:fs';
import {
  type Cancellation,
  CancelledError,
  type ColumnBatch,
  type ColumnSink,
  DataFormatError,
  type DataSource,
  type RowSink,
  sourceName,
} from './source';

// The part of hyparquet's API used here (it is an ES module, loaded on first use; the bundle inlines it).
interface AsyncBuffer {
  byteLength: number;
  slice(start: number, end?: number): ArrayBuffer | Promise<ArrayBuffer>;
}
interface ColumnChunkMeta {
  type: string;
  codec: string;
  path_in_schema: string[];
  data_page_offset: bigint;
  dictionary_page_offset?: bigint;
  total_compressed_size: bigint;
}
interface FileMetaData {
  num_rows: bigint;
  row_groups: { num_rows: bigint; columns?: { meta_data?: ColumnChunkMeta }[] }[];
}
interface SchemaElement {
  name: string;
  type?: string;
  type_length?: number;
  repetition_type?: string;
  converted_type?: string;
  logical_type?: { type: string; unit?: string; isSigned?: boolean };
}
interface SchemaTree {
  element: SchemaElement;
  children: SchemaTree[];
}
interface PageReader {
  view: DataView;
  offset: number;
}
/** Decoded values of one top-level column for rows [rowStart, rowEnd) of the file. */
interface ColumnChunk {
  columnName: string;
  columnData: ArrayLike<unknown>;
  rowStart: number;
  rowEnd: number;
}
interface PageHeader {
  type: string;
  compressed_page_size?: unknown;
  uncompressed_page_size: number;
  data_page_header?: { num_values: number; encoding: string };
  dictionary_page_header?: { num_values: number };
  data_page_header_v2?: { num_values: number; num_nulls: number; num_rows: number; encoding: string };
}
type ParquetHeader = (reader: PageReader) => PageHeader;
/** What hyparquet's page decoders need to know of a column. */
interface ColumnDecoder {
  pathInSchema: string[];
  element: SchemaElement;
  schemaPath: SchemaTree[];
  type: string;
  codec: string;
  compressors: unknown;
  parsers: unknown;
  utf8: boolean;
}
type Decoded = ArrayLike<unknown>;
/** hyparquet's page-level decoders (its own modules; the column reader below drives them page by page). */
interface PageDecoders {
  parquetHeader: ParquetHeader;
  decompressPage(bytes: Uint8Array, size: number, codec: string, compressors: unknown): Uint8Array;
  readDataPage(
    bytes: Uint8Array,
    header: NonNullable<PageHeader['data_page_header']>,
    decoder: ColumnDecoder,
  ): { dataPage: Decoded };
  readDataPageV2(bytes: Uint8Array, header: PageHeader, decoder: ColumnDecoder): { dataPage: Decoded };
  readPlain(reader: PageReader, type: string, count: number, fixedLength: number | undefined): Decoded;
  convert(data: Decoded, decoder: ColumnDecoder): Decoded;
  parsers: unknown;
}
interface Hyparquet {
  parquetMetadataAsync(file: AsyncBuffer): Promise<FileMetaData>;
  parquetSchema(metadata: FileMetaData): SchemaTree;
  parquetRead(options: {
    file: AsyncBuffer;
    metadata: FileMetaData;
    compressors: unknown;
    rowStart: number;
    rowEnd: number;
    onChunk: (chunk: ColumnChunk) => void;
  }): Promise<void>;
}

async function load(): Promise<{ hy: Hyparquet; compressors: unknown; parquetHeader: ParquetHeader }> {
  const [hy, extra, column] = await Promise.all([
    import('hyparquet'),
    import('hyparquet-compressors'),
    import('hyparquet/src/column.js'),
  ]);
  return {
    hy: hy as unknown as Hyparquet,
    compressors: (extra as { compressors: unknown }).compressors,
    parquetHeader: (column as unknown as { parquetHeader: ParquetHeader }).parquetHeader,
  };
}

async function loadDecoders(parquetHeader: ParquetHeader): Promise<PageDecoders> {
  const [datapage, plain, convert] = await Promise.all([
    import('hyparquet/src/datapage.js'),
    import('hyparquet/src/plain.js'),
    import('hyparquet/src/convert.js'),
  ]);
  const d = datapage as unknown as Pick<PageDecoders, 'decompressPage' | 'readDataPage' | 'readDataPageV2'>;
  const c = convert as unknown as { convert: PageDecoders['convert']; DEFAULT_PARSERS: unknown };
  return {
    parquetHeader,
    decompressPage: d.decompressPage,
    readDataPage: d.readDataPage,
    readDataPageV2: d.readDataPageV2,
    readPlain: (plain as unknown as Pick<PageDecoders, 'readPlain'>).readPlain,
    convert: c.convert,
    parsers: c.DEFAULT_PARSERS,
  };
}

/**
 * Walks every page header of every column chunk before hyparquet decodes them: a header without a valid compressed
 * size (a corrupt or hostile file) would make hyparquet's page loop start over at the chunk's first byte forever.
 * Such a file is refused here with a DataFormatError. Reads each chunk once more, one chunk at a time.
 */
async function checkPageHeaders(
  buffer: AsyncBuffer,
  metadata: FileMetaData,
  name: string,
  parquetHeader: ParquetHeader,
): Promise<void> {
  for (const group of metadata.row_groups) {
    for (const chunk of group.columns ?? []) {
      const meta = chunk.meta_data;
      if (!meta) continue;
      const bytes = await chunkBytes(buffer, meta, name);
      const reader: PageReader = { view: new DataView(bytes), offset: 0 };
      while (reader.offset < bytes.byteLength - 1) nextPage(reader, parquetHeader, name);
    }
  }
}

/** The bytes of one column chunk, refused when they lie outside the file. */
async function chunkBytes(buffer: AsyncBuffer, meta: ColumnChunkMeta, name: string): Promise<ArrayBuffer> {
  const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
  const end = start + Number(meta.total_compressed_size);
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end > buffer.byteLength || end < start)
    throw new DataFormatError(`${name}: a column chunk lies outside the file (bytes ${start}-${end}).`);
  return buffer.slice(start, end);
}

/** The next page's header and its (still compressed) bytes; moves the reader past them. */
function nextPage(
  reader: PageReader,
  parquetHeader: ParquetHeader,
  name: string,
): { header: PageHeader; bytes: Uint8Array } {
  let header: PageHeader;
  try {
    header = parquetHeader(reader);
  } catch (err) {
    throw new DataFormatError(`${name}: a page header cannot be read: ${(err as Error).message}`);
  }
  const size = header.compressed_page_size;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || reader.offset + size > reader.view.byteLength)
    throw new DataFormatError(`${name}: a page header has no valid compressed size.`);
  const bytes = new Uint8Array(reader.view.buffer, reader.view.byteOffset + reader.offset, size);
  reader.offset += size;
  return { header, bytes };
}

function fileBuffer(file: string): { buffer: AsyncBuffer; close: () => void } {
  const fd = fs.openSync(file, 'r');
  const size = fs.fstatSync(fd).size;
  return {
    buffer: {
      byteLength: size,
      slice(start: number, end?: number): ArrayBuffer {
        const stop = end ?? size;
        const out = Buffer.alloc(Math.max(0, stop - start));
        fs.readSync(fd, out, 0, out.length, start);
        return out.buffer.slice(out.byteOffset, out.byteOffset + out.length);
      },
    },
    close: () => fs.closeSync(fd),
  };
}

function bufferOf(bytes: Uint8Array): AsyncBuffer {
  const ab = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return { byteLength: ab.byteLength, slice: (start: number, end?: number) => ab.slice(start, end) };
}

/** The top-level column names of a Parquet file and its row count, from the footer only. */
export async function parquetColumns(source: DataSource): Promise<{ columns: string[]; rows: number }> {
  const { buffer, close } =
    source.kind === 'file' ? fileBuffer(source.path) : { buffer: bufferOf(source.bytes), close: () => undefined };
  try {
    const { hy } = await load();
    const metadata = await readMetadata(hy, buffer, sourceName(source));
    return { columns: topColumns(hy, metadata), rows: Number(metadata.num_rows) };
  } finally {
    close();
  }
}

async function readMetadata(hy: Hyparquet, buffer: AsyncBuffer, name: string): Promise<FileMetaData> {
  try {
    return await hy.parquetMetadataAsync(buffer);
  } catch (err) {
    throw new DataFormatError(`${name} is not a readable Parquet file: ${(err as Error).message}`);
  }
}

function topColumns(hy: Hyparquet, metadata: FileMetaData, name = 'the file'): string[] {
  try {
    return hy.parquetSchema(metadata).children.map((c) => c.element.name);
  } catch (err) {
    throw new DataFormatError(`${name} has an unreadable Parquet schema: ${(err as Error).message}`);
  }
}

/**
 * Rows [rowStart, rowEnd) to the sink from the columns' decoded chunks: one row array reused for every row (the sink
 * reads it before the next), so no row group is ever held as rows.
 */
function feedRows(
  columns: readonly string[],
  chunks: Map<string, ColumnChunk[]>,
  rowStart: number,
  rowEnd: number,
  sink: RowSink,
): void {
  const lists = columns.map((name) => (chunks.get(name) ?? []).sort((a, b) => a.rowStart - b.rowStart));
  const at = columns.map(() => 0);
  const row = new Array<unknown>(columns.length).fill(null);
  for (let r = rowStart; r < rowEnd; r++) {
    for (let c = 0; c < columns.length; c++) {
      const list = lists[c] as ColumnChunk[];
      let k = at[c] as number;
      while (k < list.length && (list[k] as ColumnChunk).rowEnd <= r) k++;
      at[c] = k;
      const chunk = list[k];
      row[c] = chunk && chunk.rowStart <= r ? (chunk.columnData[r - chunk.rowStart] ?? null) : null;
    }
    sink.row(row, r + 1);
  }
}

/** How a column's values become a batch without a JS value per row (or `value`: hyparquet's conversion). */
type ColumnKind =
  | { kind: 'number'; integer: boolean }
  | { kind: 'date'; msPer: number; divisor: number }
  | { kind: 'value' };

/** Mirrors hyparquet's conversion (convert.js): the columns whose values it leaves as numbers, or makes Dates. */
function kindOf(element: SchemaElement): ColumnKind {
  const { type, converted_type: ctype, logical_type: ltype } = element;
  if ((type === 'FLOAT' || type === 'DOUBLE') && !ctype && !ltype) return { kind: 'number', integer: false };
  if (type === 'INT32' || type === 'INT64') {
    if (
      (ctype === undefined || ctype === 'INT_8' || ctype === 'INT_16' || ctype === 'INT_32' || ctype === 'INT_64') &&
      (ltype === undefined || (ltype.type === 'INTEGER' && ltype.isSigned === true))
    )
      return { kind: 'number', integer: true };
    if (type === 'INT32' && ctype === 'DATE') return { kind: 'date', msPer: 86_400_000, divisor: 1 };
    if (type === 'INT64') {
      const unit =
        ctype === 'TIMESTAMP_MILLIS'
          ? 'MILLIS'
          : ctype === 'TIMESTAMP_MICROS'
            ? 'MICROS'
            : ctype === undefined && ltype?.type === 'TIMESTAMP'
              ? ltype.unit
              : undefined;
      if (unit === 'MILLIS') return { kind: 'date', msPer: 1, divisor: 1 };
      if (unit === 'MICROS') return { kind: 'date', msPer: 1, divisor: 1000 };
      if (unit === 'NANOS') return { kind: 'date', msPer: 1, divisor: 1_000_000 };
    }
  }
  return { kind: 'value' };
}

/**
 * Decoded numbers as doubles: int64 from its two 32-bit halves (hi * 2^32 is exact and the sum is rounded once, so
 * the value equals Number(bigint)), so no bigint is made per value.
 */
function asDoubles(data: Decoded): Float64Array {
  if (data instanceof Float64Array) return data;
  if (data instanceof BigInt64Array) {
    const words = new Int32Array(data.buffer, data.byteOffset, data.length * 2);
    const out = new Float64Array(data.length);
    for (let i = 0; i < out.length; i++)
      out[i] = (words[2 * i + 1] as number) * 4294967296 + ((words[2 * i] as number) >>> 0);
    return out;
  }
  const out = new Float64Array(data.length);
  for (let i = 0; i < out.length; i++) out[i] = Number(data[i]);
  return out;
}

/** Decoded timestamps or dates as epoch milliseconds, as hyparquet's parsers compute them. */
function asMilliseconds(data: Decoded, kind: { msPer: number; divisor: number }): Float64Array {
  if (kind.divisor === 1) {
    const out = asDoubles(data);
    if (kind.msPer !== 1) for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * kind.msPer;
    return out;
  }
  // Microseconds and nanoseconds exceed 2^53: divided as bigints, as hyparquet does.
  const divisor = BigInt(kind.divisor);
  const out = new Float64Array(data.length);
  for (let i = 0; i < out.length; i++) out[i] = Number((data[i] as bigint) / divisor);
  return out;
}

/**
 * Reads flat columns one column chunk at a time and one page at a time, handing each page's non-null values to the
 * sink as a batch: numbers and instants as doubles (a dictionary's values converted once per chunk), never a JS
 * value per row. Memory: one column chunk's bytes and one page's values.
 */
async function readColumns(
  buffer: AsyncBuffer,
  metadata: FileMetaData,
  tree: SchemaTree,
  sink: ColumnSink,
  name: string,
  decoders: PageDecoders,
  compressors: unknown,
  cancel: Cancellation | undefined,
  onProgress: ((fraction: number) => void) | undefined,
): Promise<void> {
  const total = metadata.row_groups.reduce(
    (sum, g) => sum + (g.columns ?? []).reduce((n, c) => n + Number(c.meta_data?.total_compressed_size ?? 0), 0),
    0,
  );
  const kinds = tree.children.map((child) => kindOf(child.element));
  let done = 0;
  let rowStart = 0;
  for (const group of metadata.row_groups) {
    const rows = Number(group.num_rows);
    for (const [c, child] of tree.children.entries()) {
      if (cancel?.cancelled) throw new CancelledError();
      const meta = (group.columns ?? []).find(
        (chunk) => chunk.meta_data?.path_in_schema[0] === child.element.name,
      )?.meta_data;
      if (!meta) {
        sink.values(c, { kind: 'value', values: [], length: 0, nulls: rows });
        continue;
      }
      const decoder: ColumnDecoder = {
        pathInSchema: meta.path_in_schema,
        element: child.element,
        schemaPath: [tree, child],
        type: meta.type,
        codec: meta.codec,
        compressors,
        parsers: decoders.parsers,
        utf8: true,
      };
      const seen = readColumnChunk(
        await chunkBytes(buffer, meta, name),
        decoder,
        kinds[c] as ColumnKind,
        rows,
        (batch) => sink.values(c, batch),
        decoders,
        name,
        cancel,
      );
      if (seen !== rows)
        throw new DataFormatError(
          `${name}: column ${child.element.name} has ${seen} values in rows ${rowStart + 1}-${rowStart + rows}, not ${rows}.`,
        );
      done += Number(meta.total_compressed_size);
      onProgress?.(total > 0 ? done / total : 1);
    }
    sink.rowsRead(rows);
    rowStart += rows;
  }
}

/** The pages of one column chunk as batches; returns the rows they cover. */
function readColumnChunk(
  chunk: ArrayBuffer,
  decoder: ColumnDecoder,
  kind: ColumnKind,
  rows: number,
  emit: (batch: ColumnBatch) => void,
  decoders: PageDecoders,
  name: string,
  cancel: Cancellation | undefined,
): number {
  const reader: PageReader = { view: new DataView(chunk), offset: 0 };
  let dictionary: Float64Array | Decoded | undefined;
  let seen = 0;
  const values = (data: Decoded): Float64Array | Decoded =>
    kind.kind === 'number'
      ? asDoubles(data)
      : kind.kind === 'date'
        ? asMilliseconds(data, kind)
        : decoders.convert(data, decoder);
  while (seen < rows && reader.offset < reader.view.byteLength - 1) {
    if (cancel?.cancelled) throw new CancelledError();
    const { header, bytes } = nextPage(reader, decoders.parquetHeader, name);
    let pageRows: number;
    let encoding: string;
    let data: Decoded;
    try {
      if (header.type === 'DICTIONARY_PAGE') {
        const page = decoders.decompressPage(bytes, header.uncompressed_page_size, decoder.codec, decoder.compressors);
        const count = header.dictionary_page_header?.num_values ?? 0;
        const plain: PageReader = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
        dictionary = values(decoders.readPlain(plain, decoder.type, count, decoder.element.type_length));
        continue;
      }
      if (header.type === 'DATA_PAGE') {
        const daph = header.data_page_header;
        if (!daph) throw new Error('a data page without its header');
        const page = decoders.decompressPage(bytes, header.uncompressed_page_size, decoder.codec, decoder.compressors);
        data = decoders.readDataPage(page, daph, decoder).dataPage;
        pageRows = daph.num_values;
        encoding = daph.encoding;
      } else if (header.type === 'DATA_PAGE_V2') {
        const daph2 = header.data_page_header_v2;
        if (!daph2) throw new Error('a data page without its header');
        data = decoders.readDataPageV2(bytes, header, decoder).dataPage;
        pageRows = daph2.num_rows;
        encoding = daph2.encoding;
      } else continue;
    } catch (err) {
      if (err instanceof DataFormatError) throw err;
      throw new DataFormatError(`${name}: column ${decoder.element.name} cannot be read: ${(err as Error).message}`);
    }
    const nulls = pageRows - data.length;
    seen += pageRows;
    if (dictionary && encoding.endsWith('_DICTIONARY')) {
      const index = data as ArrayLike<number>;
      emit(
        kind.kind === 'value'
          ? { kind: 'value', values: dictionary, index, length: index.length, nulls }
          : { ...kind, values: dictionary as Float64Array, index, length: index.length, nulls },
      );
    } else {
      const converted = values(data);
      emit(
        kind.kind === 'value'
          ? { kind: 'value', values: converted, length: converted.length, nulls }
          : { ...kind, values: converted as Float64Array, length: converted.length, nulls },
      );
    }
  }
  return seen;
}

/** Whether every top-level column is a flat column (no list, map or struct), which the column reader reads. */
function allFlat(tree: SchemaTree): boolean {
  return tree.children.every((c) => c.children.length === 0 && c.element.repetition_type !== 'REPEATED');
}

export async function readParquet(
  source: DataSource,
  sink: RowSink,
  cancel?: Cancellation,
  onProgress?: (fraction: number) => void,
): Promise<void> {
  const { buffer, close } =
    source.kind === 'file' ? fileBuffer(source.path) : { buffer: bufferOf(source.bytes), close: () => undefined };
  try {
    const { hy, compressors, parquetHeader } = await load();
    const metadata = await readMetadata(hy, buffer, sourceName(source));
    const columns = topColumns(hy, metadata, sourceName(source));
    if (sink.columnar) {
      const tree = hy.parquetSchema(metadata);
      if (allFlat(tree)) {
        sink.columns(columns);
        const decoders = await loadDecoders(parquetHeader);
        await readColumns(
          buffer,
          metadata,
          tree,
          sink.columnar,
          sourceName(source),
          decoders,
          compressors,
          cancel,
          onProgress,
        );
        return;
      }
    }
    await checkPageHeaders(buffer, metadata, sourceName(source), parquetHeader);
    sink.columns(columns);
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      if (cancel?.cancelled) throw new CancelledError();
      const rowEnd = rowStart + Number(group.num_rows);
      const chunks = new Map<string, ColumnChunk[]>();
      try {
        await hy.parquetRead({
          file: buffer,
          metadata,
          compressors,
          rowStart,
          rowEnd,
          onChunk: (chunk: ColumnChunk) => {
            const list = chunks.get(chunk.columnName);
            if (list) list.push(chunk);
            else chunks.set(chunk.columnName, [chunk]);
          },
        });
      } catch (err) {
        throw new DataFormatError(
          `${sourceName(source)}: rows ${rowStart + 1}-${rowEnd} cannot be read: ${(err as Error).message}`,
        );
      }
      feedRows(columns, chunks, rowStart, rowEnd, sink);
      rowStart = rowEnd;
      onProgress?.(rowEnd / Math.max(1, Number(metadata.num_rows)));
    }
  } finally {
    close();
  }
}
