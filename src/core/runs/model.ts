// The Runs table's model: one row per run of every metrics source, one column per fact, param and metric. The panel
// (webview/runs), the host (src/features/runs) and `mlops runs list` all build rows, columns, filters and sorts with
// the functions of src/core/runs, so the table and the CLI never disagree.
import type { RunStatus, SourceKind } from '../metrics/model';

/** A cell value: numbers (NaN and +/-Infinity kept), text, or nothing (the run has no such value). */
export type CellValue = number | string | boolean | null;

/** A label a user puts on runs (a name and one of the theme's chart colours). */
export interface RunLabel {
  name: string;
  /** A colour name from the panel's palette (`red`, `orange`, `yellow`, `green`, `blue`, `purple`, `grey`). */
  color: string;
}

/** A note and labels of one run, merged from `.mlops/notes.yaml`, MLflow's `mlflow.note.content` tag and git notes. */
export interface RunAnnotation {
  note?: string;
  labels: RunLabel[];
  /** Where the note text came from (the notes file wins when several have one). */
  noteSource?: 'notes-file' | 'mlflow' | 'git-notes';
}

/** One metric of one run: its latest value, and the min and max over its steps. */
export interface MetricCell {
  latest: number;
  min: number;
  max: number;
  /** The step of the latest value. */
  step?: number;
}

export interface RunRow {
  /** Stable across reloads and sources: `<source kind>:<source location relative to the folder>:<run id>`. */
  key: string;
  /** The run id within its source (commit sha, experiment ref, MLflow run id, event-file folder). */
  runId: string;
  name: string;
  sourceKind: SourceKind;
  /** A short name of the source for display (`Git history`, `MLflow mlruns/`, `TensorBoard runs/`). */
  sourceLabel: string;
  /** The source's location (a path relative to the workspace folder, or a server URL without credentials). */
  sourceLocation: string;
  /** Commit sha, tag or DVC experiment name the run belongs to. */
  commit?: string;
  tags: string[];
  experiment?: string;
  /** Branch names pointing at the revision, when the run comes from git. */
  branches: string[];
  status: RunStatus;
  /** Milliseconds since the epoch. */
  startTime?: number;
  durationMs?: number;
  author?: string;
  params: Record<string, CellValue>;
  metrics: Record<string, MetricCell>;
  annotation: RunAnnotation;
}

export type ColumnGroup = 'run' | 'params' | 'metrics';

export interface ColumnDef {
  /** `name`, `source`, `commit`, `status`, `start`, `duration`, `author`, `params.<key>`, `metrics.<key>`, `metrics.<key>.min`… */
  id: string;
  group: ColumnGroup;
  label: string;
  /** Unit from mlops.yaml (`USD`, `%`), for metric columns. */
  unit?: string;
  /** Goal from mlops.yaml or a conventional name (`loss` minimises), for marking the best value. */
  goal?: 'maximize' | 'minimize';
  /** How values compare when sorting and filtering. */
  type: 'number' | 'text' | 'time' | 'duration';
}
