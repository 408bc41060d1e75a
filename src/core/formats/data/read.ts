// One entry point over the dataset readers: picks the reader by format and feeds the sink.
import { readCsv, type CsvDialect, type CsvOptions } from './csv';
import { readJsonl } from './jsonl';
import { readParquet } from './parquet';
import {
  type Cancellation,
  DataFormatError,
  type DataFormat,
  type DataSource,
  type RowSink,
  sourceSize,
} from './source';

export interface ReadOptions extends Omit<CsvOptions, 'cancel'> {
  cancel?: Cancellation;
  /** The share of the source read so far (0..1): bytes of text formats, rows of Parquet. */
  onProgress?: (fraction: number) => void;
}

/** `onChunk` that also reports the share of `total` bytes seen. */
function countingChunks(options: ReadOptions, total: number): ((bytes: Uint8Array) => void) | undefined {
  const { onChunk, onProgress } = options;
  if (!onProgress || total <= 0) return onChunk;
  let seen = 0;
  return (bytes) => {
    onChunk?.(bytes);
    seen += bytes.byteLength;
    onProgress(seen / total);
  };
}

/** Whether `format` is read as a stream of bytes (its reader calls `onChunk` with every byte of the source). */
export function isStreamed(format: DataFormat): boolean {
  return format === 'csv' || format === 'tsv' || format === 'jsonl';
}

/** Reads `source` as `format` into `sink`; returns the CSV dialect for text tables. */
export async function readDataset(
  source: DataSource,
  format: DataFormat,
  sink: RowSink,
  options: ReadOptions = {},
): Promise<CsvDialect | undefined> {
  const onChunk =
    options.onProgress && isStreamed(format) ? countingChunks(options, sourceSize(source)) : options.onChunk;
  const streamed = onChunk ? { ...options, onChunk } : options;
  switch (format) {
    case 'csv':
      return readCsv(source, sink, streamed);
    case 'tsv':
      return readCsv(source, sink, { preferDelimiter: '\t', ...streamed });
    case 'jsonl':
      readJsonl(source, sink, options.cancel, onChunk);
      return undefined;
    case 'parquet':
      await readParquet(source, sink, options.cancel, options.onProgress);
      return undefined;
    case 'arrow':
      throw new DataFormatError(
        'Arrow/Feather files are not read yet: convert to Parquet (pyarrow.parquet.write_table) to profile them.',
      );
  }
}
