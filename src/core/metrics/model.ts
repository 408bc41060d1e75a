// The source-neutral model of metrics: every reader (plain files, DVC, git history, MLflow, TensorBoard) produces
// Runs; the chart, the Experiments view, the checks and the CLI consume them without knowing the source.

export type SourceKind =
  | 'file'
  | 'dvc'
  | 'dvclive'
  | 'git'
  | 'mlflow-file'
  | 'mlflow-sqlite'
  | 'mlflow-rest'
  | 'tensorboard';

export type Split = 'train' | 'validation' | 'test';

export interface SourceRef {
  kind: SourceKind;
  /** A path (file store folder, event file, metrics file, repository) or a URL for a tracking server. */
  location: string;
}

export interface MetricPoint {
  step: number;
  /** NaN and +/-Infinity are kept as such. */
  value: number;
  /** Milliseconds since the epoch, when the source records one. */
  timestamp?: number;
}

export interface MetricSeries {
  /** The key as the source names it (e.g. `validation.f1`, `train/loss`). */
  key: string;
  /** Split recognised from the key or from config, when there is one. */
  split?: Split;
  /** The key with the split part removed (`validation.f1` -> `f1`), for grouping across splits. */
  baseKey: string;
  points: MetricPoint[];
  /** The metrics file the series comes from (relative to the repository or workspace root), when a run combines files. */
  file?: string;
}

export type RunStatus = 'running' | 'scheduled' | 'finished' | 'failed' | 'killed' | 'unknown';

/** Git facts of a revision, for runs that come from history. */
export interface Revision {
  sha: string;
  shortSha: string;
  subject: string;
  author: string;
  authorEmail?: string;
  /** Author date, milliseconds since the epoch. */
  date: number;
  tags: string[];
  /** Branch, experiment ref (`refs/exps/...`) or tag names that point here. */
  refs: string[];
  parents: string[];
}

export interface Run {
  /** Stable and unique within its source (run id, commit sha, experiment ref, or a path). */
  id: string;
  source: SourceRef;
  label: string;
  /** Commit sha or tracker run id. */
  revision?: string;
  revisionInfo?: Revision;
  /** Experiment name or id for trackers; DVC experiment name for exp refs. */
  experiment?: string;
  /** Start time, milliseconds since the epoch. */
  time?: number;
  endTime?: number;
  params: Record<string, string>;
  tags: Record<string, string>;
  status: RunStatus;
  metrics: MetricSeries[];
  /** Metric values that are text (DVC metrics files may hold strings), keyed like series by file and key. */
  textMetrics?: TextMetric[];
}

/** A metric whose value is a string, e.g. `{"model": "resnet"}` in a DVC metrics file. */
export interface TextMetric {
  key: string;
  value: string;
  file?: string;
}

/** A reader error a user can act on: names the file (or URL) and, when known, the position. */
export class MetricsError extends Error {
  constructor(
    message: string,
    readonly location: string,
    readonly position?: { line?: number; column?: number; offset?: number },
  ) {
    super(message);
    this.name = 'MetricsError';
  }
}

/** The last point of a series (by step, then by order), or undefined for an empty series. */
export function latest(series: MetricSeries): MetricPoint | undefined {
  let best: MetricPoint | undefined;
  for (const p of series.points) if (!best || p.step >= best.step) best = p;
  return best;
}
