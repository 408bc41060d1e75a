// The typed form of mlops.yaml (format version 1), as `validateConfig` returns it: every list present (empty when
// absent), every optional text either a value or undefined. The one model of the file: the explorer, the checks,
// notebook stripping and the CLI all read this shape.

/** 1-based line and column of an entry in the file it was read from. */
export interface SourcePosition {
  line: number;
  column: number;
}

export const MODEL_STAGES = ['dev', 'staging', 'production', 'archived'] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

export const METRIC_GOALS = ['maximize', 'minimize'] as const;
export type MetricGoal = (typeof METRIC_GOALS)[number];

export const CONVENTION_KINDS = ['models', 'datasets', 'notebooks', 'folders'] as const;
export type ConventionKind = (typeof CONVENTION_KINDS)[number];

export interface ModelConfig {
  name: string;
  /** Relative to the workspace folder, forward slashes, no leading `./` or trailing `/`. */
  path: string;
  description?: string;
  owner?: string;
  stage?: ModelStage;
  /** Names of entries of `datasets`. */
  datasets: string[];
  /** Metric source files, relative to the workspace folder. */
  metrics: string[];
  tags: string[];
  /** Where the entry starts in mlops.yaml, when it was read from a file. */
  position?: SourcePosition;
}

export interface DatasetConfig {
  name: string;
  path: string;
  description?: string;
  format?: string;
  /** The `schema:` as written (read by `readDatasetSchema` in src/core/data/schema.ts); undefined when absent. */
  schema?: unknown;
  /** The `drift:` as written (read by `readDriftConfig`); undefined when absent. */
  drift?: unknown;
  /** Where the entry starts in mlops.yaml, when it was read from a file. */
  position?: SourcePosition;
}

export interface MetricDefinition {
  key: string;
  label?: string;
  unit?: string;
  goal?: MetricGoal;
  /** The bound checks compare against: a minimum when the goal is maximize, a maximum when it is minimize. */
  threshold?: number;
  /** Where the entry starts in mlops.yaml, when it was read from a file. */
  position?: SourcePosition;
}

/** Naming patterns per kind; a single pattern in the file becomes a list of one. */
export type Conventions = Partial<Record<ConventionKind, string[]>>;

export interface MlopsConfig {
  version: 1;
  /** Empty when the file names no project. */
  project: string;
  models: ModelConfig[];
  datasets: DatasetConfig[];
  metrics: MetricDefinition[];
  conventions: Conventions;
  exclude: string[];
  /** The `checks:` section as written (the checks engine resolves it); undefined when absent or empty. */
  checks?: unknown;
  /** The `notebooks:` section as written (read by `readNotebooksConfig`); undefined when absent or empty. */
  notebooks?: unknown;
  /** The `telemetry:` section as written (read by `readTelemetryConfig`); undefined when absent or empty. */
  telemetry?: unknown;
  /** Top-level sections this version does not know (kept for later sections and for tools that read them). */
  unknownSections: Record<string, unknown>;
}

/** The configuration of a folder without mlops.yaml. */
export function emptyConfig(): MlopsConfig {
  return {
    version: 1,
    project: '',
    models: [],
    datasets: [],
    metrics: [],
    conventions: {},
    exclude: [],
    unknownSections: {},
  };
}
