// What the three MLflow readers (file store, mlflow.db, tracking server) share: experiments, registered models,
// runs with their MLflow-specific facts, status names, and how MLflow writes special float values.
import { type MetricPoint, type MetricSeries, type Run, type RunStatus, type MetricsError } from '../../metrics/model';
import { splitOf } from '../../metrics/split';
import type { ListingCache } from '../../listingCache';

export interface MlflowExperiment {
  /** A string: file-store ids have 18 digits, beyond what a JavaScript number holds exactly. */
  id: string;
  name: string;
  /** `active` or `deleted`. */
  lifecycleStage: string;
  artifactLocation?: string;
  creationTime?: number;
  lastUpdateTime?: number;
  tags: Record<string, string>;
}

/** A Run with the MLflow facts the source-neutral model has no place for. */
export interface MlflowRun extends Run {
  experimentId: string;
  /** `active` or `deleted`. */
  lifecycleStage: string;
  userId?: string;
  artifactUri?: string;
  /** Whether each series holds its whole history, or only its latest point. */
  fullHistory: boolean;
}

export interface MlflowModelVersion {
  name: string;
  /** A string, as MLflow shows it (`1`, `2`, ...). */
  version: string;
  /** Legacy stage (`None`, `Staging`, `Production`, `Archived`). */
  stage?: string;
  /** `READY`, `PENDING_REGISTRATION` or `FAILED_REGISTRATION`. */
  status?: string;
  runId?: string;
  source?: string;
  description?: string;
  creationTime?: number;
  lastUpdatedTime?: number;
  /** Who registered the version (`user_id`; MLflow's own client leaves it empty unless a server sets it). */
  userId?: string;
  tags: Record<string, string>;
  /** The version's folder, from the file store's `readRegistry` (absolute). */
  folder?: string;
}

export interface MlflowRegisteredModel {
  name: string;
  description?: string;
  creationTime?: number;
  lastUpdatedTime?: number;
  tags: Record<string, string>;
  /** Alias -> version (e.g. `champion` -> `2`). */
  aliases: Record<string, string>;
  /** Versions in version order; deleted versions are left out. */
  versions: MlflowModelVersion[];
}

export interface MlflowRunQuery {
  /** Only these experiments (ids as strings); all when absent. */
  experimentIds?: string[];
  /** Include deleted runs and the runs of deleted experiments (default false). */
  includeDeleted?: boolean;
  /** Read every metric's whole history (default false: only the latest point of each metric). */
  fullHistory?: boolean;
  /** Where the listing of the latest values is kept between reads (the runs whose files did not change are reused). */
  cache?: ListingCache;
}

export interface MlflowRunListing {
  runs: MlflowRun[];
  /** Runs or files that could not be read, each with a message naming the file; the other runs are still listed. */
  problems: MetricsError[];
}

/** Stage MLflow gives a model version it deleted but still stores. */
export const DELETED_VERSION_STAGE = 'Deleted_Internal';

const statusByNumber: Record<number, RunStatus> = {
  1: 'running',
  2: 'scheduled',
  3: 'finished',
  4: 'failed',
  5: 'killed',
};
const statusByName: Record<string, RunStatus> = {
  RUNNING: 'running',
  SCHEDULED: 'scheduled',
  FINISHED: 'finished',
  FAILED: 'failed',
  KILLED: 'killed',
};

/** Run status from the file store's number (1 RUNNING .. 5 KILLED). */
export function statusFromNumber(status: unknown): RunStatus {
  return (typeof status === 'number' && statusByNumber[status]) || 'unknown';
}

/** Run status from its name (`FINISHED`, ...), as the database and the REST API write it. */
export function statusFromName(status: unknown): RunStatus {
  return (typeof status === 'string' && statusByName[status.toUpperCase()]) || 'unknown';
}

/**
 * The value of a metric as MLflow's SQL stores it: NaN as `is_nan` with value 0, and +/-Infinity replaced by the
 * largest finite double (SQL has no infinity); both are given back as NaN and +/-Infinity.
 */
export function storedMetricValue(value: number, isNan: boolean): number {
  if (isNan) return NaN;
  if (value === Number.MAX_VALUE) return Infinity;
  if (value === -Number.MAX_VALUE) return -Infinity;
  return value;
}

/** A series for a metric key, with the split recognised from the key. */
export function metricSeries(key: string, points: MetricPoint[]): MetricSeries {
  const { split, baseKey } = splitOf(key);
  return { key, split, baseKey, points };
}

/** The label MLflow shows: the run name, else the `mlflow.runName` tag, else the run id. */
export function runLabel(runId: string, runName: string | undefined, tags: Record<string, string>): string {
  return runName || tags['mlflow.runName'] || runId;
}

/** Orders strings by their UTF-16 code units (what `<` compares): the same order in every locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A text field as stored: strings as they are, numbers and booleans as their text; undefined for anything else. */
export function textField(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint'
    ? String(value)
    : undefined;
}

/** An integer field (times, status, version, step) given as a number or as its decimal text (JSON int64). */
export function integerField(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  return typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : undefined;
}

/** What to show of a failed file operation: its error code (`ENOENT`, ...), else its message. */
export function errorCode(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? (err instanceof Error ? err.message : String(err));
}
