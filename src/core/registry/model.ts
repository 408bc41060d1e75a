// The one model of model versions: every registry a team uses (GTO git tags, the MLflow registry, `models:` in
// mlops.yaml) merged per model. Plain data; the CLI and the editor render it.

export type RegistrySource = 'gto' | 'mlflow' | 'mlops.yaml';

export type RegistryEventKind = 'registered' | 'deregistered' | 'assigned' | 'unassigned' | 'deprecated';

export interface RegistryEvent {
  kind: RegistryEventKind;
  model: string;
  /** The version the event is about (undefined for a deprecation of the whole model). */
  version?: string;
  stage?: string;
  /** Milliseconds since the epoch. */
  time: number;
  author?: string;
  authorEmail?: string;
  message?: string;
  /** The git tag that records it (GTO). */
  tag?: string;
  commit?: string;
  source: RegistrySource;
}

export interface ModelVersion {
  model: string;
  /** `v1.2.0` for GTO, `3` for MLflow; a commit sha for a GTO stage given to a commit without a version. */
  version: string;
  source: RegistrySource;
  /** Registered by a tag or a registry entry (false for a commit that only holds a stage). */
  registered: boolean;
  /** False once deregistered. */
  active: boolean;
  commit?: string;
  /** The MLflow run the version came from. */
  runId?: string;
  /** The tracking server whose registry holds the version (its address, never with credentials). */
  server?: string;
  /** When, by whom and why it was registered (the tag's tagger, date and message; MLflow's creation time). */
  createdAt?: number;
  author?: string;
  authorEmail?: string;
  message?: string;
  tag?: string;
  commitAuthor?: string;
  commitDate?: number;
  commitSubject?: string;
  /** The stages it holds now, in the order they were assigned. */
  stages: string[];
  aliases: string[];
  /** Its events, oldest first. */
  events: RegistryEvent[];
}

export interface RegistryModel {
  name: string;
  description?: string;
  type?: string;
  labels: string[];
  /** The model's path in the workspace (mlops.yaml, artifacts.yaml or dvc.yaml `artifacts:`). */
  path?: string;
  /** Where the model is known from. */
  sources: RegistrySource[];
  /** Deprecated by a `name@deprecated` tag (and not registered again since). */
  deprecated: boolean;
  /** The highest registered, active version. */
  latest?: string;
  /** Stage -> the versions holding it now, newest assignment first (one each unless all are asked for). */
  stages: Record<string, string[]>;
  /** Newest version first (semantic-version order, then others). */
  versions: ModelVersion[];
  /** Model-level events (deprecations), oldest first. */
  events: RegistryEvent[];
  /** The stage mlops.yaml gives the model, when it gives one. */
  configuredStage?: string;
}

export interface RegistryProblem {
  source: RegistrySource;
  message: string;
  /** The tracking server the problem is about (its registry could not be read). */
  server?: string;
}

/** What became of reading a tracking server's registry. */
export interface ServerRegistryRead {
  /** The server's address, never with credentials. */
  location: string;
  /** The versions read from it. */
  versions: number;
  /** Why its registry could not be read (unreachable, refused, timed out, over a limit). */
  problem?: string;
}

export interface Registry {
  models: RegistryModel[];
  /** Every stage in use, sorted. */
  stages: string[];
  problems: RegistryProblem[];
  /** The tracking server's registry, when one was read (`mlflowServer`). */
  server?: ServerRegistryRead;
}
