// The inputs and outputs of pipeline checks. The engine and the built-in checks depend only on these interfaces:
// the editor and the CLI each build a CheckContext from their own readers (config, files, metrics, git) and get
// back plain data (CheckReport) to show as diagnostics, a report file or a pull-request comment.
import type { Logger } from '../logging';
import type { MlopsConfig } from '../formats/mlopsYaml/model';
import type { Run } from '../metrics/model';

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export type ScopeKind = 'models' | 'datasets' | 'notebooks' | 'paths';

export const SCOPE_KINDS: readonly ScopeKind[] = ['models', 'datasets', 'notebooks', 'paths'];

/** 1-based line and column of something in a text file. */
export interface SourcePosition {
  line: number;
  column: number;
}

// ------------------------------------------------------------------------------------------------ configuration

// The checks read mlops.yaml as its one model, `MlopsConfig` (src/core/formats/mlopsYaml/model.ts).

/** A check as declared in the `checks:` section, after validation and defaults. */
export interface CheckDefinition {
  id: string;
  type: string;
  severity: Severity;
  scope: { kind: ScopeKind; names?: string[]; globs?: string[] };
  options: Record<string, unknown>;
  enabled: boolean;
  /** Where the declaration starts in the config file, when it came from there. */
  position?: SourcePosition;
}

// ------------------------------------------------------------------------------------------------ providers

export interface FileEntry {
  /** Relative to the root, forward slashes. */
  path: string;
  size: number;
  mtimeMs: number;
}

export interface FileStat {
  size: number;
  mtimeMs: number;
  isDirectory: boolean;
}

/** The workspace files the checks look at: ignored and excluded files are already left out of `list`. */
export interface FileLister {
  /** Every regular file, sorted by path. Implementations cache the list for the context's lifetime. */
  list(signal?: AbortSignal): Promise<readonly FileEntry[]>;
  /** Facts about a file or folder (ignored or not), undefined when it does not exist. */
  stat(relativePath: string): Promise<FileStat | undefined>;
  /** The text of a file; throws a CheckInputError when it is missing or larger than `maxBytes`. */
  readText(relativePath: string, maxBytes?: number): Promise<string>;
  /** Whether a path from the config resolves (symlinks included) outside the root: it is never opened. */
  isOutside?(relativePath: string): boolean;
}

export interface MetricsProvider {
  /** Runs of the working tree: the metric files of one model, or of every model. */
  current(modelName?: string): Promise<Run[]>;
  /** The same files at a revision (commit, tag or branch). */
  atRevision(revision: string, modelName?: string): Promise<Run[]>;
  /** The merge base of HEAD with the default branch (origin/HEAD, main or master), when there is one. */
  mergeBase(): Promise<string | undefined>;
}

export interface GitHelper {
  isRepository(): Promise<boolean>;
  /** Whether the path is in the index. */
  isTracked(relativePath: string): Promise<boolean>;
  /** Whether the file is (or will be committed as) a Git LFS pointer: pointer content or `filter=lfs`. */
  isLfsPointer(relativePath: string): Promise<boolean>;
  /** Whether DVC tracks the path: a `.dvc` file for it or a parent, or a cached `outs` entry in dvc.yaml/dvc.lock. */
  isDvcTracked(relativePath: string): Promise<boolean>;
  /** Committer date (ms since the epoch) of the last commit that touched the path. */
  lastCommitDate(relativePath: string): Promise<number | undefined>;
  /** The newest tag matching a glob (`fraud-classifier@v*`), by tag date. */
  newestTag(pattern: string): Promise<string | undefined>;
  /** Full sha of a revision, or undefined when it does not resolve. */
  resolveRevision(revision: string): Promise<string | undefined>;
}

/** Everything a check may read. Build one per run; providers may cache for its lifetime. */
export interface CheckContext {
  /** Absolute path of the folder being checked. */
  root: string;
  config: MlopsConfig;
  /** The config file relative to the root (for locations of config findings), when there is one. */
  configFile?: string;
  /** Position in the config file of a value by its path, e.g. ['checks', 2, 'severity']. */
  positionOf?: (path: readonly (string | number)[]) => SourcePosition | undefined;
  files: FileLister;
  metrics: MetricsProvider;
  git: GitHelper;
  logger: Logger;
  /** The clock, in ms since the epoch (tests pin it). */
  now: () => number;
  /**
   * Where the service-slo check reads telemetry instead of mlops.yaml's sources (`mlops check --telemetry`), and a
   * server to query (a setting in the editor); the token is never logged.
   */
  telemetry?: { locations?: readonly string[]; prometheusUrl?: string; token?: string };
}

// ------------------------------------------------------------------------------------------------ results

export interface Location {
  /** Relative to the root, forward slashes. */
  file: string;
  /** 1-based. */
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
}

/** A change that fixes a finding, for an editor quick fix. */
export type QuickFix =
  | { kind: 'rename'; from: string; to: string }
  | { kind: 'appendLine'; file: string; line: string }
  /** Create the model's card from a template, next to the model. */
  | { kind: 'modelCard'; model: string };

export type ResultStatus = 'pass' | 'fail' | 'error' | 'skip';

export interface CheckResult {
  checkId: string;
  type: string;
  /** The check's severity; a check may raise it for a finding (e.g. a secret). */
  severity: Severity;
  /** fail: a finding; error: the check itself could not run; pass and skip are recorded for counts. */
  status: ResultStatus;
  /** What was checked: a model or dataset name, a file, `metric f1 (test)`... */
  target: string;
  message: string;
  location?: Location;
  hint?: string;
  model?: string;
  dataset?: string;
  /** Set by the staleness check: the model should be retrained. */
  retrain?: boolean;
  /** Stable identifier of the finding within its check and target (for fingerprints). */
  key?: string;
  fix?: QuickFix;
}

export interface CheckSummary {
  id: string;
  type: string;
  severity: Severity;
  title: string;
  passed: number;
  failed: number;
  skipped: number;
  /** Set when the check threw. */
  error?: string;
  durationMs: number;
}

export interface ReportCounts {
  error: number;
  warning: number;
  info: number;
  passed: number;
  skipped: number;
}

export interface CheckReport {
  /** The checks that ran, in order. */
  checks: CheckSummary[];
  /** Failures and passes, check by check in declaration order, then by target and location. */
  results: CheckResult[];
  counts: ReportCounts;
  durationMs: number;
}

// ------------------------------------------------------------------------------------------------ errors

export interface ConfigProblem {
  /** Path of the offending value, e.g. ['checks', 2, 'severity']. */
  path: (string | number)[];
  message: string;
  position?: SourcePosition;
}

/** The `checks:` section (or the config it reads) is invalid; the message names the file, position and fix. */
export class ChecksConfigError extends Error {
  /** One line per problem, `file:line:column: message`; the message is these lines joined. */
  readonly lines: readonly string[];

  constructor(
    readonly file: string,
    readonly problems: ConfigProblem[],
  ) {
    const lines = problems.map(
      (p) => `${file}${p.position ? `:${p.position.line}:${p.position.column}` : ''}: ${p.message}`,
    );
    super(lines.join('\n'));
    this.lines = lines;
    this.name = 'ChecksConfigError';
  }
}

/** A file a check needs is missing, too large or unreadable. */
export class CheckInputError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly position?: SourcePosition,
  ) {
    super(message);
    this.name = 'CheckInputError';
  }
}

/** The run was cancelled through its AbortSignal. */
export class CheckCancelledError extends Error {
  constructor() {
    super('The checks were cancelled.');
    this.name = 'CheckCancelledError';
  }
}

/** `only` named a check that is not declared. */
export class CheckSelectionError extends Error {
  constructor(
    readonly unknown: string[],
    readonly known: string[],
  ) {
    super(
      `Unknown check id${unknown.length > 1 ? 's' : ''} ${unknown.map((id) => `'${id}'`).join(', ')}. Declared checks: ${known.join(', ') || '(none)'}.`,
    );
    this.name = 'CheckSelectionError';
  }
}
