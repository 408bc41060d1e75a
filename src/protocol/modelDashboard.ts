// The Model Dashboard panel's message contract, imported by the host (src/features/models) and the panel
// (webview/modelDashboard). Every message is plain JSON with a discriminating `type`.
import type {
  DatasetAtVersion,
  DatasetChange,
  EnvironmentChange,
  EnvironmentFile,
  LineageGraph,
  MetricCell,
  ParamChange,
  StageCell,
  VersionRow,
} from '../core/registry/types';
import type { DiffEntry } from '../core/metrics/diff';

export const MODEL_DASHBOARD_VIEW_TYPE = 'mlops.modelDashboard';

/** The compare target that stands for the files on disk now. */
export const WORKSPACE_TARGET = 'workspace';

export interface DashboardModel {
  name: string;
  description?: string;
  path?: string;
  deprecated: boolean;
  latest?: string;
  sources: string[];
  /** Stage -> the versions holding it now. */
  stages: Record<string, string[]>;
  /** Newest first; metrics filled in by a `versions` message. */
  versions: VersionRow[];
}

export interface CommitLine {
  sha: string;
  author: string;
  date: number;
  subject: string;
}

export interface VersionDetailView {
  model: string;
  version: string;
  commit?: string;
  date?: number;
  author?: string;
  message?: string;
  stages: string[];
  metrics: { key: string; value: number | string }[];
  params: { key: string; value: string }[];
  datasets: DatasetAtVersion[];
  environment: EnvironmentFile[];
  /** Commits from the previous version to this one (newest first). */
  commits: CommitLine[];
  previous?: string;
  /** The model card's text (Markdown, shown as text), when the model has one. */
  modelCard?: { path: string; text: string };
  problems: string[];
}

export interface CompareView {
  model: string;
  a: string;
  b: string;
  metrics: DiffEntry[];
  /** Why neither version has metric values (DVC-tracked files not pulled, stages not run), as `mlops models diff` says. */
  metricsAbsent?: string;
  params: ParamChange[];
  datasets: DatasetChange[];
  environment: EnvironmentChange[];
  commits: CommitLine[];
  markdown: string;
  problems: string[];
}

/** The MLflow tracking server the settings name, as the dashboard shows it (never its credentials). */
export interface ServerRegistryView {
  /** The server's address without credentials. */
  location: string;
  /** Its host (and port), what labels it. */
  host: string;
  /**
   * `loading`: its registry is being read; `loaded`: its versions are in `models`; `failed`: it could not be read
   * (`message` says why and what to do); `untrusted`: not contacted in an untrusted workspace.
   */
  status: 'loading' | 'loaded' | 'failed' | 'untrusted';
  /** The versions read from it (loaded). */
  versions: number;
  message?: string;
}

export type HostToWebview =
  | { type: 'loading'; message: string }
  /** The registry of the folder (first message after each `ready`, and after each change). */
  | {
      type: 'registry';
      folder: string;
      trusted: boolean;
      models: DashboardModel[];
      board: { stage: string; cells: StageCell[] }[];
      /** Key metric names with their goal (for colouring deltas). */
      goals: Record<string, 'maximize' | 'minimize'>;
      problems: string[];
      /** The model to show, when the host asks (a model item was clicked). */
      select?: string;
      /** The tracking server of `mlops.mlflow.trackingUri`, when one is set. */
      server?: ServerRegistryView;
    }
  /** The versions table of a model with metrics and changes filled in (`limited`: only the newest were read). */
  | { type: 'versions'; model: string; keys: string[]; rows: VersionRow[]; limited?: number }
  | { type: 'detail'; detail: VersionDetailView }
  | { type: 'compare'; compare: CompareView }
  /** The pipeline and mlops.yaml links, laid out; stages with `changes` need a rerun. */
  | { type: 'lineageGraph'; graph: LineageGraph }
  /** The host asks the panel to show a model. */
  | { type: 'select'; model: string }
  /** Something failed; `action` says what to do. */
  | { type: 'error'; message: string; action?: string };

export type ReleaseAction = 'register' | 'assign' | 'unassign' | 'deprecate';

/** The release actions on a version of a tracking server's registry (the host asks before it writes). */
export type ServerAction = 'setAlias' | 'removeAlias' | 'transitionStage';

export type WebviewToHost =
  | { type: 'ready' }
  | { type: 'refresh' }
  | { type: 'showLineage' }
  | { type: 'selectModel'; model: string }
  | { type: 'showVersion'; model: string; version: string }
  /** Compare `a` (older) with `b`; `b` may be the workspace. */
  | { type: 'compare'; model: string; a: string; b: string }
  | { type: 'copyMarkdown'; markdown: string }
  /** Open a folder-relative file. */
  | { type: 'openFile'; file: string }
  | { type: 'action'; action: ReleaseAction; model: string; version?: string }
  /**
   * An action on a version of the tracking server's registry; `alias` (remove: the alias to remove; set: the host
   * asks when absent) and `stage` (the MLflow stage; the host asks when absent) are optional.
   */
  | { type: 'serverAction'; action: ServerAction; model: string; version: string; alias?: string; stage?: string }
  | { type: 'trust' };

export type { LineageGraph, MetricCell, StageCell, VersionRow };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const text = (value: unknown, max = 512): value is string =>
  typeof value === 'string' && value.length > 0 && value.length <= max && !value.includes('\0');

const ACTIONS: readonly ReleaseAction[] = ['register', 'assign', 'unassign', 'deprecate'];
const SERVER_ACTIONS: readonly ServerAction[] = ['setAlias', 'removeAlias', 'transitionStage'];

/** Checks a message from the panel and returns it typed, or undefined when its shape is wrong. */
export function parseModelDashboardMessage(raw: unknown): WebviewToHost | undefined {
  if (!isRecord(raw) || typeof raw.type !== 'string') return undefined;
  switch (raw.type) {
    case 'ready':
    case 'refresh':
    case 'showLineage':
    case 'trust':
      return { type: raw.type };
    case 'selectModel':
      return text(raw.model) ? { type: 'selectModel', model: raw.model } : undefined;
    case 'showVersion':
      return text(raw.model) && text(raw.version, 128)
        ? { type: 'showVersion', model: raw.model, version: raw.version }
        : undefined;
    case 'compare':
      return text(raw.model) && text(raw.a, 128) && text(raw.b, 128) && raw.a !== raw.b
        ? { type: 'compare', model: raw.model, a: raw.a, b: raw.b }
        : undefined;
    case 'copyMarkdown':
      return typeof raw.markdown === 'string' && raw.markdown.length <= 1_000_000
        ? { type: 'copyMarkdown', markdown: raw.markdown }
        : undefined;
    case 'openFile':
      return text(raw.file, 4096) ? { type: 'openFile', file: raw.file } : undefined;
    case 'action': {
      const action = ACTIONS.find((a) => a === raw.action);
      if (!action || !text(raw.model)) return undefined;
      if (raw.version !== undefined && !text(raw.version, 128)) return undefined;
      return typeof raw.version === 'string'
        ? { type: 'action', action, model: raw.model, version: raw.version }
        : { type: 'action', action, model: raw.model };
    }
    case 'serverAction': {
      const action = SERVER_ACTIONS.find((a) => a === raw.action);
      if (!action || !text(raw.model) || !text(raw.version, 128)) return undefined;
      if (raw.alias !== undefined && !text(raw.alias, 256)) return undefined;
      if (raw.stage !== undefined && !text(raw.stage, 64)) return undefined;
      if (action === 'removeAlias' && raw.alias === undefined) return undefined;
      return {
        type: 'serverAction',
        action,
        model: raw.model,
        version: raw.version,
        ...(typeof raw.alias === 'string' ? { alias: raw.alias } : {}),
        ...(typeof raw.stage === 'string' ? { stage: raw.stage } : {}),
      };
    }
    default:
      return undefined;
  }
}
