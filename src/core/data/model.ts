// The data-metrics model: a dataset's profile, its versions, schema violations and drift between two versions. The
// Dataset panel (webview/dataset), the host (src/features/data), the checks (`data-schema`, `data-drift`) and
// `mlops data` build these with the functions of src/core/data, so the editor and the CLI never disagree.

export type ColumnType = 'integer' | 'number' | 'boolean' | 'datetime' | 'string' | 'categorical' | 'list' | 'struct';

/** A figure and how it was computed: `exact`, or a sketch with its error bound (e.g. relative rank error 0.01). */
export interface Figure {
  value: number;
  exact: boolean;
  /** For sketches: the bound and what it bounds (`rank` for quantiles, `relative` for distinct counts). */
  error?: { bound: number; kind: 'rank' | 'relative' };
}

export interface HistogramBin {
  /** Inclusive lower edge; the last bin's upper edge is inclusive too. */
  lower: number;
  upper: number;
  count: number;
}

export interface ColumnProfile {
  name: string;
  type: ColumnType;
  /** Values present (not null / empty). */
  count: number;
  nulls: number;
  distinct: Figure;
  min?: number | string;
  max?: number | string;
  mean?: number;
  std?: number;
  /** Quantiles at 0.05, 0.25, 0.5, 0.75, 0.95 (keys as strings: "0.5"). */
  quantiles?: Record<string, Figure>;
  histogram?: HistogramBin[];
  /** The most frequent values with their counts, most frequent first. */
  topValues?: { value: string; count: number }[];
  /** Lengths of string values. */
  length?: { min: number; max: number; mean: number };
}

export interface DatasetProfile {
  /** The dataset path relative to the workspace folder (posix). */
  path: string;
  /** The revision it was read at (`workspace` for the working tree). */
  revision: string;
  format: 'csv' | 'tsv' | 'jsonl' | 'parquet' | 'arrow';
  /** Content hash (md5 as DVC writes it when known, else sha256 of the bytes). */
  hash: string;
  bytes: number;
  rows: number;
  columns: ColumnProfile[];
  /** Rows that could not be read, with 1-based line numbers (the first few) and how many in all. */
  badRows: { count: number; lines: number[] };
  /** Detected delimiter, quoting, header and encoding for text formats. */
  dialect?: { delimiter: string; quote: string; header: boolean; encoding: string };
  /** True when every figure is exact (the data fit under the exact-profile limit). */
  exact: boolean;
}

export type DriftTest = 'ks' | 'chi-squared' | 'z-test' | 'wasserstein' | 'jensen-shannon' | 'psi';

export interface ColumnDrift {
  column: string;
  test: DriftTest;
  /** A p-value for statistical tests, a distance for the others. */
  score: number;
  threshold: number;
  drifted: boolean;
}

export interface DriftReport {
  path: string;
  reference: string;
  current: string;
  columns: ColumnDrift[];
  /** Columns drifted / columns tested; the dataset drifts when the share reaches `shareThreshold` (0.5). */
  share: number;
  shareThreshold: number;
  drifted: boolean;
}

export interface SchemaViolation {
  column?: string;
  /** The rule broken: `type`, `nullable`, `min`, `max`, `allowed`, `pattern`, `unique`, `rows`, `freshness`, `missing-column`. */
  rule: string;
  message: string;
  /** 1-based data rows where it is broken (the first few) and how many in all. */
  rows: number[];
  count: number;
}
