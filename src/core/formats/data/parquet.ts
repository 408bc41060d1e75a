// The one Parquet reader, on hyparquet (pure JavaScript; snappy built in, gzip/zstd/brotli/lz4 through
// hyparquet-compressors). Reads one row group at a time so memory stays at one row group's decoded columns, and
// feeds rows to the sink: INT64 as bigint, timestamps as Date, lists as arrays, structs as objects.
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
interface FileMetaData {
  num_rows: bigint;
  row_groups: { num_rows: bigint }[];
}
interface Hyparquet {
  parquetMetadataAsync(file: AsyncBuffer): Promise<FileMetaData>;
  parquetSchema(metadata: FileMetaData): { children: { element: { name: string } }[] };
  parquetRead(options: {
    file: AsyncBuffer;
    metadata: FileMetaData;
    compressors: unknown;
    rowStart: number;
    rowEnd: number;
    onComplete: (rows: unknown[][]) => void;
  }): Promise<void>;
}

async function load(): Promise<{ hy: Hyparquet; compressors: unknown }> {
  const [hy, extra] = await Promise.all([import('hyparquet'), import('hyparquet-compressors')]);
  return { hy: hy as unknown as Hyparquet, compressors: (extra as { compressors: unknown }).compressors };
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

export async function readParquet(source: DataSource, sink: RowSink, cancel?: Cancellation): Promise<void> {
  const { buffer, close } =
    source.kind === 'file' ? fileBuffer(source.path) : { buffer: bufferOf(source.bytes), close: () => undefined };
  try {
    const { hy, compressors } = await load();
    const metadata = await readMetadata(hy, buffer, sourceName(source));
    const columns = topColumns(hy, metadata, sourceName(source));
    sink.columns(columns);
    let rowStart = 0;
    for (const group of metadata.row_groups) {
      if (cancel?.cancelled) throw new CancelledError();
      const rowEnd = rowStart + Number(group.num_rows);
      let rows: unknown[][] = [];
      try {
        await hy.parquetRead({
          file: buffer,
          metadata,
          compressors,
          rowStart,
          rowEnd,
          onComplete: (r: unknown[][]) => {
            rows = r;
          },
        });
      } catch (err) {
        throw new DataFormatError(
          `${sourceName(source)}: rows ${rowStart + 1}-${rowEnd} cannot be read: ${(err as Error).message}`,
        );
      }
      for (let i = 0; i < rows.length; i++) sink.row(rows[i] ?? [], rowStart + i + 1);
      rowStart = rowEnd;
    }
  } finally {
    close();
  }
}
