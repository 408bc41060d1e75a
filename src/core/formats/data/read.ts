// One entry point over the dataset readers: picks the reader by format and feeds the sink.
import { readCsv, type CsvDialect, type CsvOptions } from './csv';
import { readJsonl } from './jsonl';
import { readParquet } from './parquet';
import { type Cancellation, DataFormatError, type DataFormat, type DataSource, type RowSink } from './source';

export interface ReadOptions extends Omit<CsvOptions, 'cancel'> {
  cancel?: Cancellation;
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
  switch (format) {
    case 'csv':
      return readCsv(source, sink, options);
    case 'tsv':
      return readCsv(source, sink, { preferDelimiter: '\t', ...options });
    case 'jsonl':
      readJsonl(source, sink, options.cancel, options.onChunk);
      return undefined;
    case 'parquet':
      await readParquet(source, sink, options.cancel);
      return undefined;
    case 'arrow':
      throw new DataFormatError(
        'Arrow/Feather files are not read yet: convert to Parquet (pyarrow.parquet.write_table) to profile them.',
      );
  }
}
