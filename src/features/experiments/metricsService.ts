import * as fs from 'node:fs';
import { conventionalMetricsFiles } from '../../core/metrics/conventional';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sourceId } from '../../core/chart/series';
import type { MetricDefinition, MetricHistoryQuery, PlotSource } from '../../core/chart/types';
import { loadConfig } from '../../core/config/validate';
import { readHistory, type HistoryResult } from '../../core/git/history';
import { findGitDirectory } from '../../core/git/tags';
import { errorMessage, type Logger } from '../../core/logging';
import type { Goal } from '../../core/metrics/diff';
import {
  combineFiles,
  declaredFiles,
  loadWorkspaceFiles,
  readDvcProjects,
  type ParamsFile,
} from '../../core/formats/dvc/project';
import { MetricsIndex, type IndexSnapshot, type SourceReader } from '../../core/metrics/index';
import { listRuns as listFileStoreRuns } from '../../core/formats/mlflow/fileStore';
import { MlflowRestClient } from '../../core/formats/mlflow/rest';
import { loadSqlJs, openMlflowDatabase } from '../../core/formats/mlflow/sqlite';
import { type MetricSeries, type Run, type SourceKind } from '../../core/metrics/model';
import { eventLogFolders, formatDate } from '../../core/metrics/report';
import { findEventRuns, readEventRun } from '../../core/formats/tensorboard/runs';
import { getSetting } from '../../platform/config';
import { Disposable } from '../../platform/disposable';
import { UNTRUSTED_REASON } from '../../platform/trust';
import { sharedValidator } from '../../platform/configValidator';
import type { MetricHistoryData } from '../metricHistory/panel';

/** A problem of a source the Experiments view shows as an item (not a popup); the runs that could be read stay. */
export interface SourceProblem {
  severity: 'warning' | 'info';
  message: string;
  detail?: string;
}

/** One place runs come from, with its runs newest first. */
export interface ServiceSource {
  /** `<kind>:<location>`: the id the Metric History panel uses. */
  id: string;
  folderKey: string;
  kind: SourceKind;
  /** A path, or the tracking server's address. */
  location: string;
  /** What it is: Workspace, Git history, MLflow, MLflow server, TensorBoard. */
  label: string;
  /** Where it is: a path relative to the folder, the folder's name, or the server's address. */
  where: string;
  runs: Run[];
  problems: SourceProblem[];
}

export interface MetricsServiceOptions {
  logger: Logger;
  /** Holds the MLflow tracking tokens (never settings, never the log). */
  secrets?: vscode.SecretStorage;
  /** sql.js's WebAssembly, for mlflow.db files (`dist/sql-wasm.wasm` in the extension). */
  wasmPath?: string;
  /** The folders to read; default: the workspace's folders on disk. */
  folders?: () => readonly vscode.WorkspaceFolder[];
  /** Whether git and network may be used; default: whether the workspace is trusted. */
  isTrusted?: () => boolean;
  /** Watch metrics files, tracker folders and git refs and reload what changed (default true). */
  watch?: boolean;
}

const TOKEN_KEY_PREFIX = 'mlops.mlflow.token:';
const FILE_DEBOUNCE_MS = 300;
const GIT_DEBOUNCE_MS = 500;
const MAX_HISTORY = 10_000;
/** Folders never searched for tracker files. */
const DISCOVERY_EXCLUDE =
  '**/{node_modules,.git,.hg,.svn,.venv,venv,.tox,.nox,__pycache__,site-packages,.ipynb_checkpoints,.dvc}/**';
const WORKSPACE_FILE_EXTENSIONS = '{json,yaml,yml,toml,csv,tsv}';

/** The secret-storage key of the token for a tracking server (one per origin, so a token only goes where it was set). */
export function tokenKey(url: string): string {
  let origin = url;
  try {
    origin = new URL(url).origin;
  } catch {
    // A malformed address keys by its text.
  }
  return `${TOKEN_KEY_PREFIX}${origin}`;
}

interface GitRecord {
  /** The repository's git folders, when the folder is in one (found without running git). */
  dir?: { gitDir: string; commonDir: string; root: string };
  result?: HistoryResult;
  problems: SourceProblem[];
  generation: number;
  loading?: Promise<void>;
}

interface Followed {
  metrics: string[];
  params: ParamsFile[];
  plots: string[];
  /** DVCLive folders (their metrics.json and plots/metrics belong to the workspace run). */
  live: string[];
}

/** Tracker files a watcher reported, before a search may see them. */
interface Found {
  stores: string[];
  databases: string[];
  eventFolders: string[];
}

interface FolderRecord {
  folder: vscode.WorkspaceFolder;
  key: string;
  root: string;
  definitions: MetricDefinition[];
  followed: Followed;
  workspaceKind: 'dvc' | 'file';
  /** Problems reading mlops.yaml or dvc.yaml. */
  configProblems: SourceProblem[];
  stores: string[];
  databases: string[];
  logFolders: string[];
  /** The folders holding event files (TensorBoard runs) the log folders were derived from. */
  eventFolders: string[];
  /** The tracking server from settings (http or https), if any. */
  trackingServer?: string;
  index: MetricsIndex;
  snapshot?: IndexSnapshot;
  /** Non-fatal problems per index source path. */
  problems: Map<string, SourceProblem[]>;
  git: GitRecord;
  watchers?: Disposable;
  pending: Set<string>;
  timer?: ReturnType<typeof setTimeout>;
  gitTimer?: ReturnType<typeof setTimeout>;
  /** Run lists with whole metric histories (MLflow), for the steps view; dropped when the source changes. */
  full: Map<string, Promise<Run[]>>;
  /** Loads of this folder run one after another, so an older one never overwrites a newer one's result. */
  queue: Promise<void>;
}

interface ServerRecord {
  setting: string;
  folderKey: string;
  location: string;
  runs: Run[];
  problems: SourceProblem[];
  full?: Promise<Run[]>;
}

/**
 * The metrics of every workspace folder, per source: the workspace's metrics files (DVC or mlops.yaml, with
 * DVCLive's per-step plots), their git history (current branch, tags, DVC experiments), MLflow file stores and
 * databases, TensorBoard log folders, and an MLflow tracking server from settings. Nothing loads until the
 * Experiments view or the Metric History panel asks; afterwards file and git-ref changes reload only what changed.
 */
export class MetricsService extends Disposable implements MetricHistoryData {
  private readonly records = new Map<string, FolderRecord>();
  private readonly servers = new Map<string, ServerRecord>();
  private loading: Promise<void> | undefined;
  private published: ServiceSource[] = [];
  private readonly byId = new Map<string, ServiceSource>();
  private sqlJs: ReturnType<typeof loadSqlJs> | undefined;
  private readonly changeEmitter = this.register(new vscode.EventEmitter<void>());
  /** Fires after sources were (re)loaded. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly isTrusted: () => boolean;
  private readonly folderList: () => readonly vscode.WorkspaceFolder[];

  constructor(private readonly options: MetricsServiceOptions) {
    super();
    this.isTrusted = options.isTrusted ?? (() => vscode.workspace.isTrusted);
    this.folderList =
      options.folders ?? (() => (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file'));
    this.register({
      dispose: () => {
        for (const record of this.records.values()) this.dropRecord(record);
      },
    });
  }

  get loaded(): boolean {
    return this.loading !== undefined;
  }

  /** Loads every folder the first time something asks; later calls wait for that load. */
  ensureLoaded(): Promise<void> {
    this.loading ??= this.loadAll();
    return this.loading;
  }

  /** Reads everything again (Refresh, trust granted, folders or settings changed); a no-op before the first load. */
  reload(): Promise<void> {
    if (!this.loading) return Promise.resolve();
    this.loading = this.loadAll();
    return this.loading;
  }

  // ------------------------------------------------------------------------------------------------ queries

  /** Every source of every folder, in folder order: workspace, git history, MLflow, MLflow server, TensorBoard. */
  sources(): readonly ServiceSource[] {
    return this.published;
  }

  source(id: string): ServiceSource | undefined {
    return this.byId.get(id);
  }

  run(source: string, runId: string): Run | undefined {
    return this.byId.get(source)?.runs.find((r) => r.id === runId);
  }

  folders(): { key: string; name: string; root: string }[] {
    return this.folderList()
      .map((f) => this.records.get(f.uri.toString()))
      .filter((r): r is FolderRecord => r !== undefined)
      .map((r) => ({ key: r.key, name: r.folder.name, root: r.root }));
  }

  /** The metric definitions of a folder's mlops.yaml; without a folder, every folder's (the first of a key wins). */
  definitions(folderKey?: string): MetricDefinition[] {
    if (folderKey) return this.records.get(folderKey)?.definitions ?? [];
    const seen = new Map<string, MetricDefinition>();
    for (const f of this.folders())
      for (const d of this.records.get(f.key)?.definitions ?? []) if (!seen.has(d.key)) seen.set(d.key, d);
    return [...seen.values()];
  }

  goalsOf(folderKey: string): Record<string, Goal> {
    const goals: Record<string, Goal> = {};
    for (const d of this.definitions(folderKey)) if (d.goal) goals[d.key] = d.goal;
    return goals;
  }

  /** A folder's metrics files without loading anything else (two small files read), for the editor-title action. */
  async metricsFilesOf(folder: vscode.WorkspaceFolder): Promise<string[]> {
    const record = this.records.get(folder.uri.toString());
    if (record) return record.followed.metrics.map((m) => path.join(record.root, m));
    const root = folder.uri.fsPath;
    const config = await loadConfig(root, sharedValidator()).catch(() => undefined);
    const models = config?.validation.config.models.flatMap((m) => m.metrics) ?? [];
    let metrics: string[] = [];
    try {
      metrics = declaredFiles(root, readDvcProjects(root)).metrics;
    } catch {
      // A malformed dvc.yaml: only mlops.yaml's files.
    }
    return unique([...metrics, ...models.map(clean), ...conventionalMetricsFiles(root)]).map((m) => path.join(root, m));
  }

  // ------------------------------------------------------------------------------------------------ MetricHistoryData

  async listSources(): Promise<PlotSource[]> {
    await this.ensureLoaded();
    return this.published.filter((s) => s.runs.length > 0).map((s) => toPlotSource(s));
  }

  /**
   * Across versions: the revisions of the git sources' branch history (DVC experiments branch off it and are left
   * out of its line), or, when the query names them or there is no git history, the dated runs of the other
   * sources. Across steps: every run's per-step series (MLflow with whole histories; from git history the revisions
   * worth a curve: tags, branch tips and DVC experiments). Each run's series come in the order of the query's keys.
   */
  async loadRuns(query: MetricHistoryQuery, token: vscode.CancellationToken): Promise<Run[]> {
    await this.ensureLoaded();
    const wanted = query.sources?.length ? new Set(query.sources) : undefined;
    const chosen = this.published.filter((s) => !wanted || wanted.has(s.id));
    const order = keyOrder(query.keys.length ? query.keys : this.definitions().map((d) => d.key));
    if (query.view === 'versions') {
      const git = chosen.filter((s) => s.kind === 'git' && s.runs.length > 0);
      const others = wanted || git.length === 0 ? chosen.filter((s) => s.kind !== 'git') : [];
      return [
        ...git.flatMap((s) => s.runs.filter((r) => !r.experiment)),
        ...others.flatMap((s) => s.runs.filter((r) => Number.isFinite(r.revisionInfo?.date ?? r.time ?? NaN))),
      ].map((run) => ({ ...run, metrics: order(run.metrics) }));
    }
    const runs: Run[] = [];
    for (const source of chosen) {
      if (token.isCancellationRequested) return [];
      let list = source.runs;
      if (source.kind === 'git') list = list.filter(worthACurve).map((run) => ({ ...run, label: curveLabel(run) }));
      else if (source.kind.startsWith('mlflow')) {
        try {
          list = await this.fullRuns(source);
        } catch (err) {
          this.options.logger.warn(`experiments: whole metric histories of ${source.location}: ${errorMessage(err)}`);
        }
      }
      for (const run of list) {
        const metrics = run.metrics.filter((m) => m.points.length > 1);
        if (metrics.length) runs.push({ ...run, metrics: order(metrics) });
      }
    }
    return runs;
  }

  goals(): MetricDefinition[] {
    return this.definitions();
  }

  // ------------------------------------------------------------------------------------------------ loading

  private async loadAll(): Promise<void> {
    const folders = this.folderList();
    for (const [key, record] of this.records) {
      if (!folders.some((f) => f.uri.toString() === key)) {
        this.dropRecord(record);
        this.records.delete(key);
      }
    }
    await vscode.window.withProgress(
      { location: { viewId: 'mlops.views.experiments' }, title: 'Reading experiments' },
      async () => {
        await Promise.all(
          folders.map((folder) => this.serial(this.recordOf(folder), (record) => this.loadFolder(record, true))),
        );
        await this.loadServers();
      },
    );
    this.publish();
  }

  private recordOf(folder: vscode.WorkspaceFolder): FolderRecord {
    const key = folder.uri.toString();
    let record = this.records.get(key);
    if (!record) {
      const root = folder.uri.fsPath;
      const created: FolderRecord = {
        folder,
        key,
        root,
        definitions: [],
        followed: { metrics: [], params: [], plots: [], live: [] },
        workspaceKind: 'file',
        configProblems: [],
        stores: [],
        databases: [],
        logFolders: [],
        eventFolders: [],
        index: new MetricsIndex(root, []),
        problems: new Map(),
        git: { problems: [], generation: 0 },
        pending: new Set(),
        full: new Map(),
        queue: Promise.resolve(),
      };
      created.index = new MetricsIndex(root, this.readers(created));
      record = created;
      this.records.set(key, record);
    }
    return record;
  }

  /** Runs `work` after the folder's earlier loads. */
  private serial(record: FolderRecord, work: (record: FolderRecord) => Promise<void>): Promise<void> {
    const next = record.queue.then(
      () => work(record),
      () => work(record),
    );
    record.queue = next.catch(() => undefined);
    return next;
  }

  private dropRecord(record: FolderRecord): void {
    record.watchers?.dispose();
    record.watchers = undefined;
    clearTimeout(record.timer);
    clearTimeout(record.gitTimer);
  }

  /**
   * Config, declared files, discovery, then the index sources and git history (unless only files changed). `found`:
   * tracker files a watcher just reported, taken as they are (a search may not see them yet).
   */
  private async loadFolder(record: FolderRecord, withGit: boolean, found?: Found): Promise<void> {
    const started = performance.now();
    const root = record.root;
    record.configProblems = [];
    let modelMetrics: string[] = [];
    try {
      const config = await loadConfig(root, sharedValidator());
      record.definitions = config.validation.config.metrics.map((m) => ({
        key: m.key,
        label: m.label,
        goal: m.goal,
        threshold: m.threshold,
        unit: m.unit,
      }));
      modelMetrics = config.validation.config.models.flatMap((m) => m.metrics).map(clean);
    } catch (err) {
      record.definitions = [];
      record.configProblems.push({ severity: 'warning', message: `mlops.yaml cannot be read: ${errorMessage(err)}` });
    }
    let declared = {
      metrics: [] as string[],
      params: [] as ParamsFile[],
      plots: [] as string[],
      dvclive: [] as string[],
    };
    record.workspaceKind = fs.existsSync(path.join(root, 'dvc.yaml')) ? 'dvc' : 'file';
    try {
      declared = declaredFiles(root, readDvcProjects(root));
    } catch (err) {
      record.configProblems.push({ severity: 'warning', message: `dvc.yaml cannot be read: ${errorMessage(err)}` });
    }
    const [discovered, gitDir] = await Promise.all([
      this.discover(record, found),
      findGitDirectory(root).catch(() => undefined),
    ]);
    record.git.dir = gitDir;
    const live = unique([...declared.dvclive, ...discovered.live]);
    record.followed = {
      metrics: unique([
        ...declared.metrics,
        ...modelMetrics,
        ...live.map((d) => joinPosix(d, 'metrics.json')),
        ...conventionalMetricsFiles(root),
      ]),
      params: declared.params,
      plots: unique([
        ...declared.plots,
        ...live.map((d) => joinPosix(d, 'plots/metrics')).filter((p) => isDirectory(path.join(root, p))),
      ]),
      live,
    };
    record.stores = discovered.stores;
    record.databases = discovered.databases;
    record.eventFolders = discovered.eventFolders;
    record.logFolders = eventLogFolders(discovered.eventFolders, root);
    record.trackingServer = discovered.server;
    const sources = [
      ...(this.hasWorkspaceFiles(record) ? [this.workspacePath(record)] : []),
      ...record.stores,
      ...record.databases,
      ...record.logFolders,
    ];
    record.index.setSources(sources);
    record.index.invalidate(record.index.sources());
    record.full.clear();
    await Promise.all([
      (async () => (record.snapshot = await record.index.load()))(),
      withGit ? this.loadGit(record) : Promise.resolve(),
    ]);
    this.watch(record);
    this.options.logger.info(
      `experiments: ${record.folder.name}: ${record.followed.metrics.length} metrics files, ${record.stores.length + record.databases.length} MLflow stores, ` +
        `${record.logFolders.length} TensorBoard folders, ${record.git.result?.runs.length ?? 0} revisions (${(performance.now() - started).toFixed(0)} ms)`,
    );
  }

  private hasWorkspaceFiles(record: FolderRecord): boolean {
    return record.followed.metrics.length > 0 || record.followed.plots.length > 0;
  }

  private workspacePath(record: FolderRecord): string {
    return path.join(record.root, 'dvc.yaml');
  }

  /** MLflow stores and databases, TensorBoard event files and DVCLive folders under the folder, and settings. */
  private async discover(
    record: FolderRecord,
    found?: Found,
  ): Promise<{ stores: string[]; databases: string[]; eventFolders: string[]; live: string[]; server?: string }> {
    const find = (glob: string, max: number) =>
      Promise.resolve(
        vscode.workspace.findFiles(new vscode.RelativePattern(record.folder, glob), DISCOVERY_EXCLUDE, max),
      ).then(
        (uris) => uris.map((u) => u.fsPath),
        (err: unknown) => {
          this.options.logger.warn(`experiments: searching ${glob} in ${record.folder.name}: ${errorMessage(err)}`);
          return [] as string[];
        },
      );
    const [metas, dbs, events, live] = await Promise.all([
      find('**/mlruns/*/meta.yaml', 2000),
      find('**/mlflow.db', 50),
      find('**/events.out.tfevents.*', 5000),
      find('**/dvclive/metrics.json', 100),
    ]);
    const stores = new Set([
      ...metas.map((m) => path.dirname(path.dirname(m))),
      ...(found?.stores ?? []).filter(isDirectory),
    ]);
    if (isDirectory(path.join(record.root, 'mlruns'))) stores.add(path.join(record.root, 'mlruns'));
    const databases = new Set([...dbs, ...(found?.databases ?? []).filter((d) => fs.existsSync(d))]);
    const eventFolders = unique([
      ...events.map((e) => path.dirname(e)),
      ...(found?.eventFolders ?? []).filter(isDirectory),
    ]).sort();
    let server: string | undefined;
    const uri = getSetting('mlflow.trackingUri', record.folder.uri).trim();
    if (uri) {
      const target = trackingTarget(uri, record.root);
      if (target.kind === 'server') server = target.location;
      else if (target.kind === 'store' && isDirectory(target.location)) stores.add(target.location);
      else if (target.kind === 'database' && fs.existsSync(target.location)) databases.add(target.location);
      else if (target.kind === 'unsupported')
        record.configProblems.push({ severity: 'warning', message: `mlops.mlflow.trackingUri: ${target.reason}` });
      else
        record.configProblems.push({
          severity: 'warning',
          message: `mlops.mlflow.trackingUri: ${target.location} does not exist.`,
        });
    }
    return {
      stores: [...stores].sort(),
      databases: [...databases].sort(),
      eventFolders,
      live: live
        .map((m) => path.relative(record.root, path.dirname(m)).split(path.sep).join('/'))
        .filter((d) => d && !d.startsWith('..')),
      server,
    };
  }

  /** The index readers of a folder: its workspace run, MLflow stores and databases, TensorBoard log folders. */
  private readers(record: FolderRecord): SourceReader[] {
    const note = (p: string, problems: SourceProblem[]) => {
      if (problems.length) record.problems.set(p, problems);
      else record.problems.delete(p);
    };
    return [
      {
        kind: record.workspaceKind === 'dvc' ? 'dvc' : 'file',
        matches: (p) => p === this.workspacePath(record),
        // Only explicit invalidation reloads it (the watcher knows which files belong to it).
        scope: (p) => p,
        load: async (p) => {
          const { run, problems } = await readWorkspaceRun(record.root, record.followed, record.workspaceKind);
          note(p, problems);
          return run ? [run] : [];
        },
      },
      {
        kind: 'mlflow-file',
        matches: (p) => record.stores.includes(p),
        load: async (p) => {
          const listing = await listFileStoreRuns(p);
          note(
            p,
            summarize(
              listing.problems.map((e) => e.message),
              'runs could not be read',
            ),
          );
          return listing.runs;
        },
      },
      {
        kind: 'mlflow-sqlite',
        matches: (p) => record.databases.includes(p),
        load: async (p) => {
          const db = await openMlflowDatabase(p, { sqlJs: await this.loadSql() });
          try {
            const listing = db.listRuns();
            note(p, [
              ...summarize(
                listing.problems.map((e) => e.message),
                'runs could not be read',
              ),
              ...(db.walPending
                ? [
                    {
                      severity: 'info' as const,
                      message:
                        'The newest runs may be missing: MLflow has not yet written its -wal file into the database.',
                    },
                  ]
                : []),
            ]);
            return listing.runs;
          } finally {
            db.close();
          }
        },
      },
      {
        kind: 'tensorboard',
        matches: (p) => record.logFolders.includes(p),
        load: async (p) => {
          const runs: Run[] = [];
          const problems: string[] = [];
          for (const folder of await findEventRuns(p)) {
            try {
              const { run } = await readEventRun(folder);
              runs.push({ ...run, source: { kind: 'tensorboard', location: p } });
            } catch (err) {
              problems.push(errorMessage(err));
            }
          }
          note(p, summarize(problems, 'run folders could not be read'));
          return runs;
        },
      },
    ];
  }

  private loadSql(): ReturnType<typeof loadSqlJs> {
    const wasm = this.options.wasmPath;
    this.sqlJs ??= loadSqlJs(wasm ? { locateFile: () => wasm } : {});
    return this.sqlJs;
  }

  /** The folder's git history of the followed files (never in an untrusted workspace). */
  private loadGit(record: FolderRecord): Promise<void> {
    const git = record.git;
    const generation = ++git.generation;
    const load = async (): Promise<void> => {
      const problems: SourceProblem[] = [];
      if (!git.dir || !this.hasWorkspaceFiles(record)) {
        git.result = undefined;
      } else if (!this.isTrusted()) {
        git.result = undefined;
        problems.push({
          severity: 'warning',
          message: 'Git history is not read in an untrusted workspace.',
          detail: UNTRUSTED_REASON,
        });
      } else {
        try {
          const scope = getSetting('metrics.historyScope', record.folder.uri) === 'all' ? 'all' : 'current';
          const result = await readHistory(record.root, {
            metrics: record.followed.metrics,
            params: record.followed.params,
            plots: record.followed.plots,
            branches: scope,
            tags: true,
            experiments: true,
            maxCount: MAX_HISTORY,
          });
          if (generation !== git.generation) return;
          git.result = result;
          if (result.shallow) {
            const start = result.start;
            problems.push({
              severity: 'info',
              message: start
                ? `Shallow clone: history goes back to ${start.shortSha} (${formatDate(start.date).slice(0, 10)}).`
                : 'Shallow clone: older history is not available.',
              detail: 'Run `git fetch --unshallow` to read the older revisions.',
            });
          }
          if (result.runs.length >= MAX_HISTORY)
            problems.push({ severity: 'info', message: `Only the newest ${MAX_HISTORY} revisions are read.` });
          problems.push(
            ...summarize(
              result.errors.map((e) => e.message),
              'metrics files could not be read at some revisions',
            ),
          );
        } catch (err) {
          if (generation !== git.generation) return;
          git.result = undefined;
          problems.push({ severity: 'warning', message: `Cannot read the git history: ${errorMessage(err)}` });
          this.options.logger.warn(`experiments: git history of ${record.folder.name}: ${errorMessage(err)}`);
        }
      }
      git.problems = problems;
    };
    git.loading = load();
    return git.loading;
  }

  /** The tracking servers of the folders' settings (one record per address). */
  private async loadServers(): Promise<void> {
    const wanted = new Map<string, string>();
    for (const record of this.records.values())
      if (record.trackingServer && !wanted.has(record.trackingServer)) wanted.set(record.trackingServer, record.key);
    for (const key of [...this.servers.keys()]) if (!wanted.has(key)) this.servers.delete(key);
    await Promise.all([...wanted].map(([setting, folderKey]) => this.loadServer(setting, folderKey)));
  }

  private async loadServer(setting: string, folderKey: string): Promise<void> {
    const server: ServerRecord = { setting, folderKey, location: setting, runs: [], problems: [] };
    this.servers.set(setting, server);
    if (!this.isTrusted()) {
      server.problems.push({
        severity: 'warning',
        message: 'The MLflow server is not contacted in an untrusted workspace.',
        detail: UNTRUSTED_REASON,
      });
      return;
    }
    try {
      const client = await this.client(setting, folderKey);
      server.location = client.baseUrl;
      const listing = await client.listRuns();
      server.runs = listing.runs;
      server.problems = summarize(
        listing.problems.map((e) => e.message),
        'runs could not be read',
      );
    } catch (err) {
      server.runs = [];
      server.problems = [
        {
          severity: 'warning',
          message: errorMessage(err),
          detail:
            'Check mlops.mlflow.trackingUri and that the server runs; set a token with "MLOps: Set MLflow Tracking Token".',
        },
      ];
      this.options.logger.warn(`experiments: MLflow server: ${errorMessage(err)}`);
    }
  }

  private async client(setting: string, folderKey: string): Promise<MlflowRestClient> {
    const scope = this.records.get(folderKey)?.folder.uri;
    const seconds = getSetting('mlflow.timeoutSeconds', scope);
    const token = (await this.options.secrets?.get(tokenKey(setting))) || undefined;
    return new MlflowRestClient({ baseUrl: setting, token, timeoutMs: Math.max(1, Number(seconds) || 10) * 1000 });
  }

  /** The runs of an MLflow source with every metric's whole history (cached until the source changes). */
  private fullRuns(source: ServiceSource): Promise<Run[]> {
    if (source.kind === 'mlflow-rest') {
      const server = [...this.servers.values()].find((s) => s.location === source.location);
      if (!server) return Promise.resolve(source.runs);
      server.full ??= this.client(server.setting, server.folderKey)
        .then((client) => client.listRuns({ fullHistory: true }))
        .then((listing) => listing.runs);
      server.full.catch(() => (server.full = undefined));
      return server.full;
    }
    const record = this.records.get(source.folderKey);
    if (!record) return Promise.resolve(source.runs);
    let pending = record.full.get(source.location);
    if (!pending) {
      pending =
        source.kind === 'mlflow-sqlite'
          ? this.loadSql().then(async (sqlJs) => {
              const db = await openMlflowDatabase(source.location, { sqlJs });
              try {
                return db.listRuns({ fullHistory: true }).runs;
              } finally {
                db.close();
              }
            })
          : listFileStoreRuns(source.location, { fullHistory: true }).then((l) => l.runs);
      record.full.set(source.location, pending);
      pending.catch(() => record.full.delete(source.location));
    }
    return pending;
  }

  // ------------------------------------------------------------------------------------------------ publishing

  /** Rebuilds the source list from what is loaded and tells the view and the panel. */
  private publish(): void {
    const list: ServiceSource[] = [];
    for (const f of this.folderList()) {
      const record = this.records.get(f.uri.toString());
      if (record) list.push(...this.folderSources(record));
    }
    for (const server of this.servers.values()) {
      list.push({
        id: sourceId({ kind: 'mlflow-rest', location: server.location }),
        folderKey: server.folderKey,
        kind: 'mlflow-rest',
        location: server.location,
        label: 'MLflow server',
        where: hostOf(server.location),
        runs: newestFirst(server.runs),
        problems: server.problems,
      });
    }
    this.published = list;
    this.byId.clear();
    for (const s of list) if (!this.byId.has(s.id)) this.byId.set(s.id, s);
    this.changeEmitter.fire();
  }

  private folderSources(record: FolderRecord): ServiceSource[] {
    const out: ServiceSource[] = [];
    const states = new Map((record.snapshot?.sources ?? []).map((s) => [s.path, s]));
    const indexSource = (p: string, kind: SourceKind, label: string, where: string): ServiceSource => {
      const state = states.get(p);
      const problems = [
        ...(state?.error ? [{ severity: 'warning' as const, message: state.error.message }] : []),
        ...(record.problems.get(p) ?? []),
      ];
      const location = kind === 'dvc' || kind === 'file' ? record.root : p;
      return {
        id: sourceId({ kind, location }),
        folderKey: record.key,
        kind,
        location,
        label,
        where,
        runs: newestFirst(state?.runs ?? []),
        problems,
      };
    };
    const relative = (p: string) => path.relative(record.root, p).split(path.sep).join('/') || '.';
    if (this.hasWorkspaceFiles(record) || record.configProblems.length) {
      const where =
        record.workspaceKind === 'dvc'
          ? 'dvc.yaml'
          : record.followed.metrics.length === 1
            ? record.followed.metrics[0]
            : 'mlops.yaml';
      const workspace = indexSource(this.workspacePath(record), record.workspaceKind, 'Workspace', where);
      workspace.problems.unshift(...record.configProblems);
      out.push(workspace);
    }
    const git = record.git;
    if (git.dir && this.hasWorkspaceFiles(record)) {
      const location = git.result?.root ?? git.dir.root;
      out.push({
        id: sourceId({ kind: 'git', location }),
        folderKey: record.key,
        kind: 'git',
        location,
        label: 'Git history',
        where: record.folder.name,
        runs: git.result?.runs ?? [],
        problems: git.problems,
      });
    }
    for (const store of record.stores) out.push(indexSource(store, 'mlflow-file', 'MLflow', relative(store)));
    for (const db of record.databases) out.push(indexSource(db, 'mlflow-sqlite', 'MLflow', relative(db)));
    for (const logs of record.logFolders) out.push(indexSource(logs, 'tensorboard', 'TensorBoard', relative(logs)));
    return out;
  }

  // ------------------------------------------------------------------------------------------------ watching

  private watch(record: FolderRecord): void {
    if (record.watchers || this.options.watch === false || this.isDisposed) return;
    const owner = new Disposable();
    record.watchers = owner;
    const onFile = (uri: vscode.Uri) => this.queueFile(record, uri.fsPath);
    const add = (pattern: vscode.GlobPattern, handler: (uri: vscode.Uri) => void) => {
      const watcher = owner.register(vscode.workspace.createFileSystemWatcher(pattern));
      owner.register(watcher.onDidCreate(handler));
      owner.register(watcher.onDidChange(handler));
      owner.register(watcher.onDidDelete(handler));
    };
    try {
      add(new vscode.RelativePattern(record.folder, `**/*.${WORKSPACE_FILE_EXTENSIONS}`), onFile);
      add(new vscode.RelativePattern(record.folder, '**/mlruns/**'), onFile);
      add(new vscode.RelativePattern(record.folder, '**/events.out.tfevents.*'), onFile);
      add(new vscode.RelativePattern(record.folder, '**/mlflow.db*'), onFile);
      const dir = record.git.dir;
      if (dir) {
        const onGit = () => this.queueGit(record);
        add(new vscode.RelativePattern(vscode.Uri.file(dir.gitDir), '{HEAD,packed-refs,refs/**}'), onGit);
        if (dir.commonDir !== dir.gitDir)
          add(new vscode.RelativePattern(vscode.Uri.file(dir.commonDir), '{packed-refs,refs/**}'), onGit);
      }
    } catch (err) {
      this.options.logger.warn(
        `experiments: cannot watch ${record.folder.name} (${errorMessage(err)}); use Refresh in the Experiments view after changes.`,
      );
    }
  }

  private queueFile(record: FolderRecord, file: string): void {
    this.options.logger.trace(`experiments: changed ${file}`);
    record.pending.add(file);
    clearTimeout(record.timer);
    record.timer = setTimeout(() => void this.flush(record), FILE_DEBOUNCE_MS);
  }

  private queueGit(record: FolderRecord): void {
    clearTimeout(record.gitTimer);
    record.gitTimer = setTimeout(() => {
      void this.loadGit(record).then(() => {
        if (!this.isDisposed) this.publish();
      });
    }, GIT_DEBOUNCE_MS);
  }

  /** Reloads what the changed files affect: the workspace run, a store, a log folder; or everything on config changes. */
  private async flush(record: FolderRecord): Promise<void> {
    const changed = [...record.pending];
    record.pending.clear();
    if (this.isDisposed || !this.records.has(record.key)) return;
    let reconfigure = false;
    let rediscover = false;
    const invalidate = new Set<string>();
    const found: Found = { stores: [], databases: [], eventFolders: [] };
    const { followed } = record;
    const inside = (p: string, folder: string) => isInside(p, folder);
    for (const file of changed) {
      const rel = path.relative(record.root, file).split(path.sep).join('/');
      const name = path.basename(file);
      if (rel === 'mlops.yaml' || rel === 'dvc.yaml') {
        reconfigure = true;
        continue;
      }
      const workspaceFile =
        followed.metrics.includes(rel) ||
        followed.params.some((p) => p.path === rel) ||
        followed.plots.some((p) => rel === p || rel.startsWith(`${p}/`)) ||
        followed.live.some((d) => rel.startsWith(`${d}/`));
      if (workspaceFile) invalidate.add(this.workspacePath(record));
      if (
        name === 'metrics.json' &&
        path.basename(path.dirname(file)) === 'dvclive' &&
        !followed.live.includes(path.posix.dirname(rel))
      )
        rediscover = true;
      const parts = rel.split('/');
      if (parts.includes('mlruns')) {
        const store = record.stores.find((s) => inside(file, s));
        if (store) invalidate.add(store);
        else {
          rediscover = true;
          found.stores.push(path.join(record.root, ...parts.slice(0, parts.indexOf('mlruns') + 1)));
        }
      }
      if (name.startsWith('mlflow.db')) {
        const db = file.replace(/-(wal|journal|shm)$/, '');
        if (record.databases.includes(db)) invalidate.add(db);
        else if (name === 'mlflow.db') {
          rediscover = true;
          found.databases.push(db);
        }
      }
      if (name.startsWith('events.out.tfevents.')) {
        const logs = record.logFolders.find((l) => inside(file, l));
        if (logs) invalidate.add(logs);
        else {
          rediscover = true;
          found.eventFolders.push(path.dirname(file));
        }
      }
    }
    this.options.logger.debug(
      `experiments: ${changed.length} file change(s) in ${record.folder.name}: reconfigure ${reconfigure}, rediscover ${rediscover}, reload ${invalidate.size} source(s)`,
    );
    if (!reconfigure && !rediscover && invalidate.size === 0) return;
    try {
      await this.serial(record, async () => {
        if (reconfigure || rediscover) await this.loadFolder(record, reconfigure, found);
        else {
          for (const p of invalidate) record.full.delete(p);
          record.index.invalidate([...invalidate]);
          record.snapshot = await record.index.load();
        }
      });
    } catch (err) {
      this.options.logger.warn(`experiments: reloading ${record.folder.name}: ${errorMessage(err)}`);
    }
    if (!this.isDisposed) this.publish();
  }
}

// ------------------------------------------------------------------------------------------------ helpers

/** The workspace's run: the followed metrics, params and plots files as they are now (none: no run). */
async function readWorkspaceRun(
  root: string,
  followed: Followed,
  kind: 'dvc' | 'file',
): Promise<{ run?: Run; problems: SourceProblem[] }> {
  const { loaded, errors } = await loadWorkspaceFiles(root, {
    metrics: followed.metrics,
    params: followed.params,
    plots: followed.plots,
  });
  const combined = combineFiles(loaded);
  const problems = [...errors, ...combined.errors].map(
    (e): SourceProblem => ({ severity: 'warning', message: e.message }),
  );
  if (!loaded.some((f) => f.role !== 'params')) return { problems };
  let time: number | undefined;
  await Promise.all(
    loaded.map(async (f) => {
      const stat = await fs.promises.stat(f.location ?? path.join(root, f.path)).catch(() => undefined);
      if (stat && (time === undefined || stat.mtimeMs > time)) time = stat.mtimeMs;
    }),
  );
  const run: Run = {
    id: 'workspace',
    source: { kind, location: root },
    label: 'workspace',
    params: combined.params,
    tags: {},
    status: 'unknown',
    metrics: combined.metrics,
    time,
  };
  if (combined.textMetrics.length) run.textMetrics = combined.textMetrics;
  return { run, problems };
}

export type TrackingTarget =
  | { kind: 'server'; location: string }
  | { kind: 'store' | 'database'; location: string }
  | { kind: 'unsupported'; reason: string };

/** What an MLflow tracking URI names: a server (http/https), a file store (file: or a path), or a database (sqlite:). */
export function trackingTarget(uri: string, root: string): TrackingTarget {
  if (/^https?:\/\//i.test(uri)) return { kind: 'server', location: uri };
  if (/^sqlite:\/\/\//i.test(uri)) {
    const rest = uri.slice('sqlite:///'.length);
    return { kind: 'database', location: rest.startsWith('/') ? rest : path.resolve(root, rest) };
  }
  if (/^file:/i.test(uri)) {
    try {
      return { kind: 'store', location: vscode.Uri.parse(uri).fsPath };
    } catch {
      return { kind: 'unsupported', reason: `'${uri}' is not a file URI.` };
    }
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(uri)) {
    return {
      kind: 'unsupported',
      reason: `'${uri.split(':')[0]}' tracking URIs are not supported; use an http(s):// server, a file store or sqlite:///mlflow.db.`,
    };
  }
  return { kind: 'store', location: path.resolve(root, uri) };
}

/** A PlotSource for the panel: its id and location, with a readable label. */
function toPlotSource(s: ServiceSource): PlotSource {
  return { id: s.id, kind: s.kind, location: s.location, label: s.where ? `${s.label} · ${s.where}` : s.label };
}

/** Sorts series by the first of `keys` they match (full key or key without split); the rest keep their order after. */
function keyOrder(keys: readonly string[]): (series: readonly MetricSeries[]) => MetricSeries[] {
  return (series) =>
    series
      .map((s, index) => {
        const rank = keys.findIndex((k) => k === s.key || k === s.baseKey);
        return { s, index, rank: rank < 0 ? keys.length : rank };
      })
      .sort((a, b) => a.rank - b.rank || a.index - b.index)
      .map((e) => e.s);
}

/** A revision's name on a training curve: its tags, its DVC experiment, or its branch and short sha. */
function curveLabel(run: Run): string {
  const info = run.revisionInfo;
  if (!info) return run.label;
  if (run.experiment) return run.experiment;
  if (info.tags.length) return info.tags.join(', ');
  const branches = info.refs.filter((r) => !r.startsWith('refs/') && !info.tags.includes(r));
  return branches.length ? `${branches.join(', ')} (${info.shortSha})` : run.label;
}

/** A revision of history worth a training curve: a tag, a branch tip or a DVC experiment. */
function worthACurve(run: Run): boolean {
  const info = run.revisionInfo;
  if (run.experiment || (info?.tags.length ?? 0) > 0) return true;
  return info?.refs.some((r) => !r.startsWith('refs/') && !info.tags.includes(r)) ?? false;
}

function newestFirst(runs: readonly Run[]): Run[] {
  return runs
    .map((run, index) => ({ run, index, time: run.revisionInfo?.date ?? run.time }))
    .sort((a, b) => (b.time ?? Infinity) - (a.time ?? Infinity) || a.index - b.index)
    .map((e) => e.run);
}

/** At most one problem item for many messages: the first message, and how many there are. */
function summarize(messages: string[], what: string): SourceProblem[] {
  if (messages.length === 0) return [];
  if (messages.length === 1) return [{ severity: 'warning', message: messages[0] }];
  return [
    {
      severity: 'warning',
      message: `${messages.length} ${what}: ${messages[0]}`,
      detail: messages.slice(0, 20).join('\n'),
    },
  ];
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function clean(p: string): string {
  return p.split(path.sep).join('/').replace(/^\.\//, '').replace(/\/+$/, '');
}

function joinPosix(dir: string, file: string): string {
  return dir ? `${dir}/${file}` : file;
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
