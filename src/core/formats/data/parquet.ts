// The one Parquet reader, on hyparquet (pure JavaScript; snappy built in, gzip/zstd/brotli/lz4 through
// hyparquet-compressors). Reads one row group at a time as decoded columns (memory: one row group's columns, never
// its rows) and feeds rows to the sink from them: INT64 as bigint, timestamps as Date, lists as arrays, structs as objects.
import fs from 'node:fs';
import {
  type Cancellation,
  CancelledError,
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
  data_page_offset: bigint;
  dictionary_page_offset?: bigint;
  total_compressed_size: bigint;
}
interface FileMetaData {
  num_rows: bigint;
  row_groups: { num_rows: bigint; columns?: { meta_data?: ColumnChunkMeta }[] }[];
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
type ParquetHeader = (reader: PageReader) => { compressed_page_size?: unknown };
interface Hyparquet {
  parquetMetadataAsync(file: AsyncBuffer): Promise<FileMetaData>;
  parquetSchema(metadata: FileMetaData): { children: { element: { name: string } }[] };
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
      const start = Number(meta.dictionary_page_offset || meta.data_page_offset);
      const end = start + Number(meta.total_compressed_size);
      if (
        !Number.isSafeInteger(start) ||
        !Number.isSafeInteger(end) ||
        start < 0 ||
        end > buffer.byteLength ||
        end < start
      )
        throw new DataFormatError(`${name}: a column chunk lies outside the file (bytes ${start}-${end}).`);
      const bytes = await buffer.slice(start, end);
      const reader: PageReader = { view: new DataView(bytes), offset: 0 };
      while (reader.offset < bytes.byteLength - 1) {
        let size: unknown;
        try {
          size = parquetHeader(reader).compressed_page_size;
        } catch (err) {
          throw new DataFormatError(`${name}: a page header cannot be read: ${(err as Error).message}`);
        }
        if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || reader.offset + size > bytes.byteLength)
          throw new DataFormatError(`${name}: a page header has no valid compressed size.`);
        reader.offset += size;
      }
    }
  }
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
