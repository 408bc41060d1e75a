// What a metric source is: a plain definition saying how it is found, read and watched, and what it needs. The
// editor (VS Code file search, watchers, secret storage, trust) and the CLI (a directory walk, flags and the
// environment) both go through the list in `list.ts`.
import type { ListingCache } from '../../listingCache';
import type { Logger } from '../../logging';
import type { SqlJsStatic } from '../../formats/mlflow/sqlite';
import type { Run, SourceKind } from '../model';

/** A problem of a source, shown beside its runs (the runs that could be read stay). */
export interface SourceProblem {
  severity: 'warning' | 'info';
  message: string;
  detail?: string;
  /** A note that needs no attention (where values came from): shown, but the source does not open for it. */
  quiet?: boolean;
}

/** What reading a source requires; the adapter refuses (with a problem) what it cannot grant. */
export interface SourceNeeds {
  /** Starts git processes. */
  git?: boolean;
  /** Contacts a server over the network. */
  network?: boolean;
  /** May use a secret (a tracking token), kept out of settings, logs and output. */
  secret?: boolean;
  /** Only in a trusted workspace (VS Code's Restricted Mode reads nothing that needs this). */
  trust?: boolean;
}

/** How a source is found in a workspace folder. */
export interface SourceDiscovery {
  /** Globs (relative to the folder) of marker files; each match names a source location through `locate`. */
  globs: readonly string[];
  /** The most matches a search returns per glob. */
  maxResults: number;
  /**
   * The source locations (absolute) of the matched files (absolute); several files may name one location. It may
   * read a few bytes of each match to keep only the files that are this source (see `checks`).
   */
  locate(matches: readonly string[], root: string): string[];
  /**
   * Whether `locate` checks each matched file's content (an SQLite file is an MLflow store only when it has MLflow's
   * tables): then a changed file it does not keep, or a file beside one (`-wal`), is no reason to search again.
   */
  checks?: boolean;
}

/** The workspace's followed files (posix paths relative to the folder). */
export interface FollowedFiles {
  metrics: string[];
  params: { path: string; keys?: string[] }[];
  plots: string[];
  /** DVCLive folders (their metrics.json and plots/metrics belong to the workspace run). */
  live: string[];
}

/** What a read is given by its adapter. */
export interface SourceReadContext {
  /** The workspace folder. */
  root: string;
  /** The files the workspace follows (mlops.yaml, dvc.yaml, DVCLive): read by the workspace and git sources. */
  followed: FollowedFiles;
  /** Where MLflow listings are kept between reads (the CLI: the user's cache folder); none: every read is whole. */
  cache?: ListingCache;
  /** sql.js, loaded once per adapter (mlflow.db). */
  sqlJs?: () => Promise<SqlJsStatic>;
  /** The tracking token of a server (never logged or printed). */
  token?: string;
  /** Request timeout of a server. */
  timeoutMs?: number;
  /** The most pages one listing of a server may take (default: the client's). */
  maxPages?: number;
  /** The largest answer read from a server, in bytes (default: the client's). */
  maxResponseBytes?: number;
  /** Git history: every branch, or the current one (default). */
  historyScope?: 'current' | 'all';
  /** Git history: the most revisions read. */
  maxHistory?: number;
  logger?: Logger;
  signal?: AbortSignal;
}

export interface SourceReadResult {
  runs: Run[];
  problems: SourceProblem[];
}

/** One kind of place runs come from. Adding a source is one module exporting this and one entry in `list.ts`. */
export interface MetricSourceDefinition {
  /** The run's source kind (`Run.source.kind`); the workspace source reads as `file` or `dvc`. */
  kind: SourceKind;
  /** Other kinds this definition's runs carry (the workspace: `file` and `dvc`). */
  aliases?: readonly SourceKind[];
  /** What it is, for the Experiments view and the CLI: Workspace, Git history, MLflow, TensorBoard. */
  label: string;
  /** One sentence for documentation and `--help`. */
  description: string;
  /**
   * How it is found: marker globs (a search), or `workspace` (the folder's followed files), `repository` (the
   * folder is in a git repository) or `trackingUri` (a setting, a flag or MLFLOW_TRACKING_URI).
   */
  discovery: SourceDiscovery | 'workspace' | 'repository' | 'trackingUri';
  /** Globs (relative to the folder) of the files whose change makes it reload; `gitRefs`: the repository's refs. */
  watch: readonly string[] | 'followed' | 'gitRefs';
  needs: SourceNeeds;
  /** The runs at a location, with their latest values (and per-step series where the source keeps them cheaply). */
  read(location: string, context: SourceReadContext): Promise<SourceReadResult>;
  /** The runs with every metric's whole history, when `read` gives less. */
  readFull?(location: string, context: SourceReadContext): Promise<Run[]>;
}

/** At most one problem for many messages: the first message, and how many there are. */
export function summarizeProblems(messages: readonly string[], what: string): SourceProblem[] {
  const first = messages[0];
  if (first === undefined) return [];
  if (messages.length === 1) return [{ severity: 'warning', message: first }];
  return [
    {
      severity: 'warning',
      message: `${messages.length} ${what}: ${first}`,
      detail: messages.slice(0, 20).join('\n'),
    },
  ];
}
