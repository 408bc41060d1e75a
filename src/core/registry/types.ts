// Plain data types of model versions' contents and comparisons, shared by core, the CLI and the Model Dashboard's
// protocol (no Node imports, so the panel can use them).

export interface DatasetAtVersion {
  path: string;
  /** The mlops.yaml dataset name, when the path is one. */
  name?: string;
  /** The content hash: DVC's md5 (or other hash) when DVC tracks it, else the git blob (or tree) id. */
  hash?: string;
  hashKind: 'dvc' | 'git' | 'missing';
  /** Where the hash comes from: `dvc.lock`, the `.dvc` file, or `git`. */
  from?: string;
  size?: number;
}

export interface EnvironmentFile {
  path: string;
  kind: 'requirements' | 'lock' | 'conda' | 'dockerfile';
  /** The git blob id: two versions with the same id have the same file. */
  hash: string;
  /** Requirements: the pinned lines (`name==version`), normalised and sorted. */
  pinned?: string[];
  /** Dockerfile: the base images of its FROM lines. */
  baseImages?: string[];
}

export interface ParamChange {
  key: string;
  old?: string;
  new?: string;
}

export interface DatasetChange {
  path: string;
  name?: string;
  old?: string;
  new?: string;
  status: 'changed' | 'added' | 'removed';
  /** Data rows (CSV lines after the header) before and after, when the data is readable. */
  rows?: { old?: number; new?: number };
}

export interface EnvironmentChange {
  path: string;
  status: 'changed' | 'added' | 'removed';
  /** Requirements: pins only in the newer version / only in the older one. */
  pinsAdded?: string[];
  pinsRemoved?: string[];
  baseImages?: { old: string[]; new: string[] };
}

export interface MetricCell {
  key: string;
  value?: number | string;
  /** This version's value less the previous version's (two numbers only). */
  delta?: number;
  /** Whether the delta goes the metric's goal's way (undefined without a goal or a delta). */
  improvement?: boolean;
}

export interface VersionRow {
  version: string;
  date?: number;
  author?: string;
  commit?: string;
  message?: string;
  stages: string[];
  aliases: string[];
  active: boolean;
  registered: boolean;
  /** The tracking server whose registry holds the version (its address, never with credentials). */
  server?: string;
  /** Undefined until details are read. */
  metrics?: MetricCell[];
  /** Paths of datasets whose hash differs from the previous version (undefined: not known). */
  datasetsChanged?: string[];
  /** Environment files that differ from the previous version. */
  environmentChanged?: string[];
}

export interface StageCell {
  model: string;
  version: string;
}

export type LineageNodeKind = 'stage' | 'data' | 'model' | 'metrics' | 'params' | 'code' | 'file';

export interface LineageNode {
  id: string;
  kind: LineageNodeKind;
  label: string;
  /** The file (relative to the root) a click opens: the path itself, or dvc.yaml for a stage. */
  file?: string;
  /** Stages: why DVC would rerun it (empty: up to date). */
  changes?: string[];
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface LineageEdge {
  from: string;
  to: string;
  /** The edge's route, from dagre. */
  points: { x: number; y: number }[];
}

export interface LineageGraph {
  nodes: LineageNode[];
  edges: LineageEdge[];
  width: number;
  height: number;
  problems: string[];
}
