// The typed contract between the editor's thread and the worker thread that runs the heavy work (checks, discovery,
// hashing). One entry per kind of work in `WorkKinds`: its request, its result and its progress. Requests and
// results are plain data (structured clone); errors cross as a name and a message and become the typed errors below.
import type { CheckProgress } from '../checks/engine';
import type { CheckResult, CheckSummary, ReportCounts } from '../checks/types';
import type {
  DatasetProgress,
  DiffDatasetOutcome,
  DiffDatasetRequest,
  ProfileDatasetOutcome,
  ProfileDatasetRequest,
  ValidateDatasetRequest,
} from '../data/datasetWork';
import type { SchemaViolation } from '../data/model';
import type { MlopsConfig } from '../formats/mlopsYaml/model';
import type { LoadedConfig } from '../formats/mlopsYaml/validate';
import type { SloBreach } from '../telemetry/overlays';
import type { SloConfig, TelemetryQuery, TelemetrySummary } from '../telemetry/types';
import type { SloStatus } from '../telemetry/sloStatus';
import type { DiscoveryProblem, DiscoveryStats, FileChange, WorkspaceItem } from '../workspace/discovery';
import type { HashAlgorithm, HashResult } from '../workspace/hash';

/** The pipeline checks of one folder that has an mlops.yaml (what the editor's checks runner asks). */
export interface CheckFolderRequest {
  root: string;
  /** In an untrusted workspace no git process runs: the checks that need git are skipped and say why. */
  trusted: boolean;
  /** The clock of the run (ms since the epoch); default now. */
  now?: number;
}

export interface FolderProblem {
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

export interface CheckFolderOutcome {
  /** ok: the checks ran; config-error: mlops.yaml cannot be used (see problems); failed: the run failed. */
  status: 'ok' | 'config-error' | 'failed';
  /** The configuration the checks read (absent when it is invalid). */
  config?: MlopsConfig;
  /** The config file, relative to the folder. */
  configFile: string;
  checks: CheckSummary[];
  results: CheckResult[];
  counts: ReportCounts;
  problems: FolderProblem[];
  /** Why some checks did not run (an untrusted workspace). */
  notice?: string;
  /** Rename fixes with their `<version>` placeholder filled in: `result` is an index into `results`. */
  renameTargets: { result: number; to: string; reason: string }[];
}

export type ItemStat = { size: number; mtimeMs: number; isDirectory: boolean } | undefined;

/** Discovery of one workspace folder; the index stays with the worker under `key` for `updateFolder`. */
export interface ScanFolderRequest {
  key: string;
  root: string;
  /** Globs to skip (files.exclude, settings). */
  exclude: string[];
  respectGitignore: boolean;
}

export interface ScanFolderOutcome {
  /** mlops.yaml, validated (absent when it cannot be read: see configError). */
  config?: LoadedConfig;
  configError?: string;
  items: WorkspaceItem[];
  problems: DiscoveryProblem[];
  stats: DiscoveryStats;
  /** Why the folder could not be scanned (then items is empty). */
  scanError?: string;
  /** Size and modification time of each item, by item id. */
  itemStats: Map<string, ItemStat>;
}

/** File events for a folder scanned before; `reloadConfig` when mlops.yaml itself changed. */
export interface UpdateFolderRequest {
  key: string;
  changes: FileChange[];
  reloadConfig: boolean;
}

export interface UpdateFolderOutcome {
  /** Present when the config was reloaded (undefined inside when it cannot be read). */
  reloaded?: { config?: LoadedConfig };
  items: WorkspaceItem[];
  added: number;
  removed: number;
  updated: number;
  /** Stats of the added and updated items, by item id. */
  itemStats: Map<string, ItemStat>;
}

export interface HashFilesRequest {
  /** The folder of the persistent hash cache; none keeps it in memory. */
  cacheFolder?: string;
  files: { path: string; algorithm: HashAlgorithm; maxSize?: number }[];
}

/** After each chunk and each file: bytes done of all files; `result` when a file is finished. */
export interface HashProgress {
  done: number;
  total: number;
  file: string;
  result?: HashResult;
}

/** The telemetry summary of a folder's configured or discovered sources (the Telemetry panel's figures). */
export interface TelemetrySummaryRequest {
  root: string;
  query: TelemetryQuery;
  /** A window ending at the newest event, when the query has no start (the last hour, day or week of a log). */
  windowMs?: number;
  /** A Prometheus (or compatible) server queried besides the files. */
  prometheusUrl?: string;
  /** Its bearer token (never logged). */
  token?: string;
  timeoutMs?: number;
}

export interface TelemetrySummaryOutcome {
  summary: TelemetrySummary;
  /** The objectives of mlops.yaml's telemetry: section, which the panel draws as limit lines. */
  slos: SloConfig[];
  /** The objectives breached, each judged over its own window as the `service-slo` check judges it. */
  breaches: SloBreach[];
}

/** The service-level objectives of one folder, judged on its telemetry (the status bar). */
export interface SloStatusRequest {
  root: string;
  /** The folder's name, for the status of several folders. */
  name: string;
  /** A Prometheus server to read besides the logs, with its token, timeout and answer limit. */
  prometheusUrl?: string;
  token?: string;
  timeoutMs?: number;
  maxResponseBytes?: number;
}

/** Every kind of work: request, result and progress. Adding a kind is one entry here and one case in tasks.ts. */
export interface WorkKinds {
  checkFolder: { request: CheckFolderRequest; result: CheckFolderOutcome; progress: CheckProgress };
  scanFolder: { request: ScanFolderRequest; result: ScanFolderOutcome; progress: never };
  /** Null when the worker does not know the folder (it was restarted): scan it again. */
  updateFolder: { request: UpdateFolderRequest; result: UpdateFolderOutcome | null; progress: never };
  hashFiles: { request: HashFilesRequest; result: HashResult[]; progress: HashProgress };
  telemetrySummary: { request: TelemetrySummaryRequest; result: TelemetrySummaryOutcome; progress: never };
  /** Null when the folder has no telemetry source. */
  sloStatus: { request: SloStatusRequest; result: SloStatus | null; progress: never };
  /** A dataset version's profile (the Dataset panel), cached by content hash in the request's folder. */
  profileDataset: { request: ProfileDatasetRequest; result: ProfileDatasetOutcome; progress: DatasetProgress };
  /** The drift report between two versions of a dataset. */
  diffDataset: { request: DiffDatasetRequest; result: DiffDatasetOutcome; progress: DatasetProgress };
  /** mlops.yaml's schema checked on a dataset version; null when the dataset has no schema. */
  validateDataset: { request: ValidateDatasetRequest; result: SchemaViolation[] | null; progress: never };
}

export type WorkKind = keyof WorkKinds;
export type WorkRequestOf<K extends WorkKind> = { kind: K } & WorkKinds[K]['request'];
export type WorkRequest = { [K in WorkKind]: WorkRequestOf<K> }[WorkKind];
export type WorkResult<K extends WorkKind> = WorkKinds[K]['result'];
export type WorkProgress<K extends WorkKind> = WorkKinds[K]['progress'];

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

/** Editor -> worker, on the worker's own port. */
export type HostMessage = { type: 'request'; id: number; request: WorkRequest };

/** Editor -> worker, on the control port the worker polls between files, so a cancel reaches a busy worker. */
export type ControlMessage = { type: 'cancel'; id: number };

/** Worker -> editor. */
export type WorkerMessage =
  /** The worker loaded and listens. */
  | { type: 'ready' }
  | { type: 'progress'; id: number; progress: WorkProgress<WorkKind> }
  | { type: 'log'; level: LogLevel; message: string }
  | { type: 'result'; id: number; result: WorkResult<WorkKind> }
  | { type: 'cancelled'; id: number }
  | { type: 'failed'; id: number; error: { name: string; message: string } };

/** The data the worker is started with. */
export interface WorkerStartData {
  /** The port the worker reads cancel messages from (see ControlMessage). */
  control: unknown;
}

/** The work was cancelled (through its AbortSignal, or because the worker was shut down). */
export class WorkCancelledError extends Error {
  constructor(message = 'The work was cancelled.') {
    super(message);
    this.name = 'WorkCancelledError';
  }
}

/** The worker thread stopped (crashed or exited) while the work ran. The next request starts a new worker. */
export class WorkerCrashedError extends Error {
  constructor(
    message: string,
    readonly exitCode?: number,
  ) {
    super(message);
    this.name = 'WorkerCrashedError';
  }
}

/** The work itself threw: `errorName` names the error the core code threw (e.g. DiscoveryError). */
export class WorkFailedError extends Error {
  constructor(
    message: string,
    readonly errorName: string,
  ) {
    super(message);
    this.name = 'WorkFailedError';
  }
}
