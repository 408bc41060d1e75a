import * as fs from 'node:fs';
import { conventionalMetricsFiles } from '../../core/metrics/conventional';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { sourceId } from '../../core/chart/series';
import type { MetricDefinition, MetricHistoryQuery, PlotSource } from '../../core/chart/types';
import { loadConfig } from '../../core/formats/mlopsYaml/validate';
import picomatch from 'picomatch';
import { findGitDirectory } from '../../core/git/tags';
import { errorMessage, type Logger } from '../../core/logging';
import type { Goal } from '../../core/metrics/diff';
import { declaredFiles, readDvcProjects } from '../../core/formats/dvc/project';
import { MetricsIndex, type IndexSnapshot, type SourceReader } from '../../core/metrics/index';
import { MlflowRestClient } from '../../core/formats/mlflow/rest';
import { loadSqlJs } from '../../core/formats/mlflow/sqlite';
import { listingCache, type ListingCache } from '../../core/listingCache';
import { type MetricSeries, type Run, type SourceKind } from '../../core/metrics/model';
import { discoverSources, type Discovered } from '../../core/metrics/sources/discover';
import { DEFAULT_MAX_HISTORY, gitHistorySource } from '../../core/metrics/sources/gitHistory';
import { metricSourceOf, metricSources } from '../../core/metrics/sources/list';
import { hostOf, mlflowServerSource } from '../../core/metrics/sources/mlflowServer';
import type {
  FollowedFiles,
  MetricSourceDefinition,
  SourceDiscovery,
  SourceProblem,
  SourceReadContext,
} from '../../core/metrics/sources/types';
import {
  cleanPath,
  followedFiles,
  hasWorkspaceFiles,
  readWorkspaceRun,
  WORKSPACE_FILE_GLOB,
} from '../../core/metrics/sources/workspaceFiles';
import { resolveInside } from '../../core/security/confine';
import { getSetting } from '../../platform/config';
import { Disposable } from '../../platform/disposable';
import { serverClientOptions, tokenKey } from '../../platform/mlflowServer';
import { UNTRUSTED_REASON } from '../../platform/trust';
import { sharedValidator } from '../../platform/configValidator';
import type { MetricHistoryData } from '../metricHistory/panel';

export type { SourceProblem } from '../../core/metrics/sources/types';
export { trackingTarget, type TrackingTarget } from '../../core/metrics/sources/mlflowServer';
export { tokenKey };

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
  /** Where MLflow listings are kept between reads and sessions (the extension's storage); default: nowhere. */
  cacheDir?: string;
}

const FILE_DEBOUNCE_MS = 300;
const GIT_DEBOUNCE_MS = 500;
/** Folders never searched for tracker files. */
const DISCOVERY_EXCLUDE =
  '**/{node_modules,.git,.hg,.svn,.venv,venv,.tox,.nox,__pycache__,site-packages,.ipynb_checkpoints,.dvc}/**';
/** The sources found by marker globs (MLflow stores and databases, TensorBoard folders, ...). */
const SEARCHED_SOURCES = metricSources.filter(
  (d): d is MetricSourceDefinition & { discovery: SourceDiscovery } => typeof d.discovery === 'object',
);
/** The globs of the files whose change reloads a source (the workspace's and git's are followed otherwise). */
function watchGlobs(d: MetricSourceDefinition): readonly string[] {
  return typeof d.watch === 'string' ? [] : d.watch;
}
const watchMatchers = new Map(SEARCHED_SOURCES.map((d) => [d, picomatch([...watchGlobs(d)], { dot: true })]));
const discoveryMatchers = new Map(SEARCHED_SOURCES.map((d) => [d, picomatch([...d.discovery.globs], { dot: true })]));

interface GitRecord {
  /** The repository's git folders, when the folder is in one (found without running git). */
  dir?: { gitDir: string; commonDir: string; root: string };
  /** The runs of the last read (one per revision). */
  result?: { runs: Run[] };
  problems: SourceProblem[];
  generation: number;
  loading?: Promise<void>;
}

type Followed = FollowedFiles;

/** Source locations a watcher reported, before a search may see them. */
type Found = Partial<Record<SourceKind, string[]>>;

interface FolderRecord {
  folder: vscode.WorkspaceFolder;
  key: string;
  root: string;
  definitions: MetricDefinition[];
  followed: Followed;
  workspaceKind: 'dvc' | 'file';
  /** Problems reading mlops.yaml or dvc.yaml. */
  configProblems: SourceProblem[];
  /** The locations of the searched sources (MLflow stores and databases, TensorBoard log folders), by kind. */
  located: Map<SourceKind, string[]>;
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
  private readonly runsCache: ListingCache | undefined;
  private readonly changeEmitter = this.register(new vscode.EventEmitter<void>());
  /** Fires after sources were (re)loaded. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly isTrusted: () => boolean;
  private readonly folderList: () => readonly vscode.WorkspaceFolder[];

  constructor(private readonly options: MetricsServiceOptions) {
    super();
    this.runsCache = options.cacheDir ? listingCache(options.cacheDir) : undefined;
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
    if (record) return insideOnly(record.root, record.followed.metrics);
    const root = folder.uri.fsPath;
    const config = await loadConfig(root, sharedValidator()).catch(() => undefined);
    const models = config?.validation.config.models.flatMap((m) => m.metrics) ?? [];
    let metrics: string[] = [];
    try {
      metrics = declaredFiles(root, readDvcProjects(root)).metrics;
    } catch {
      // A malformed dvc.yaml: only mlops.yaml's files.
    }
    return insideOnly(root, unique([...metrics, ...models.map(cleanPath), ...conventionalMetricsFiles(root)]));
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
    const only = query.runs?.length ? new Set(query.runs) : undefined;
    const chosen = this.published
      .filter((s) => !wanted || wanted.has(s.id))
      .map((s) => (only ? { ...s, runs: s.runs.filter((r) => only.has(r.id)) } : s));
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
      else if (metricSourceOf(source.kind)?.readFull) {
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
        located: new Map(),
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
      modelMetrics = config.validation.config.models.flatMap((m) => m.metrics);
    } catch (err) {
      record.definitions = [];
      record.configProblems.push({ severity: 'warning', message: `mlops.yaml cannot be read: ${errorMessage(err)}` });
    }
    const [discovered, gitDir] = await Promise.all([
      this.discover(record, found),
      findGitDirectory(root).catch(() => undefined),
    ]);
    record.git.dir = gitDir;
    const workspace = followedFiles(root, { modelMetrics, liveFolders: discovered.live });
    for (const problem of [workspace.problems, discovered.problems].flat()) record.configProblems.push(problem);
    record.workspaceKind = workspace.kind;
    record.followed = workspace.followed;
    record.located = discovered.located;
    record.trackingServer = discovered.server;
    const sources = [
      ...(this.hasWorkspaceFiles(record) ? [this.workspacePath(record)] : []),
      ...SEARCHED_SOURCES.flatMap((d) => record.located.get(d.kind) ?? []),
    ];
    record.index.setSources(sources);
    record.index.invalidate(record.index.sources());
    record.full.clear();
    await Promise.all([
      (async () => (record.snapshot = await record.index.load()))(),
      withGit ? this.loadGit(record) : Promise.resolve(),
    ]);
    this.watch(record);
    const count = (kind: SourceKind) => record.located.get(kind)?.length ?? 0;
    this.options.logger.info(
      `experiments: ${record.folder.name}: ${record.followed.metrics.length} metrics files, ${count('mlflow-file') + count('mlflow-sqlite')} MLflow stores, ` +
        `${count('tensorboard')} TensorBoard folders, ${record.git.result?.runs.length ?? 0} revisions (${(performance.now() - started).toFixed(0)} ms)`,
    );
  }

  private hasWorkspaceFiles(record: FolderRecord): boolean {
    return hasWorkspaceFiles(record.followed);
  }

  private workspacePath(record: FolderRecord): string {
    return path.join(record.root, 'dvc.yaml');
  }

  /** The sources of the core list under the folder (VS Code's file search), and the tracking URI of settings. */
  private discover(record: FolderRecord, found?: Found): Promise<Discovered> {
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
    const trackingUri = getSetting('mlflow.trackingUri', record.folder.uri).trim();
    return discoverSources(record.root, {
      find,
      trackingUri,
      trackingUriName: 'mlops.mlflow.trackingUri',
      found,
    });
  }

  /** The index readers of a folder: its workspace run, and each searched source of the core list. */
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
      ...SEARCHED_SOURCES.map(
        (definition): SourceReader => ({
          kind: definition.kind,
          matches: (p) => record.located.get(definition.kind)?.includes(p) ?? false,
          load: async (p) => {
            const { runs, problems } = await definition.read(p, this.readContext(record));
            note(p, problems);
            return runs;
          },
        }),
      ),
    ];
  }

  private readContext(record: FolderRecord): SourceReadContext {
    return {
      root: record.root,
      followed: record.followed,
      sqlJs: () => this.loadSql(),
      logger: this.options.logger,
      cache: this.runsCache,
    };
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
          const result = await gitHistorySource.read(record.root, {
            ...this.readContext(record),
            historyScope: scope,
            maxHistory: DEFAULT_MAX_HISTORY,
          });
          if (generation !== git.generation) return;
          git.result = { runs: result.runs };
          for (const problem of result.problems) problems.push(problem);
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
    // Which servers the settings name at this load (a server missing from the view is explained by this line).
    this.options.logger.info(
      `experiments: MLflow tracking servers from settings: ${wanted.size ? [...wanted.keys()].map(hostOf).join(', ') : 'none'}`,
    );
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
      const { location, context } = await this.serverContext(setting, folderKey);
      server.location = location;
      const listing = await mlflowServerSource.read(location, context);
      server.runs = listing.runs;
      server.problems = listing.problems;
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

  /** The server's address as the client normalises it, with the token from secret storage, the timeout and limits. */
  private async serverContext(
    setting: string,
    folderKey: string,
  ): Promise<{ location: string; context: SourceReadContext }> {
    const record = this.records.get(folderKey);
    const { token, timeoutMs, maxPages, maxResponseBytes } = await serverClientOptions(
      setting,
      record?.folder.uri,
      this.options.secrets,
    );
    return {
      location: new MlflowRestClient({ baseUrl: setting }).baseUrl,
      context: {
        root: record?.root ?? '',
        followed: record?.followed ?? { metrics: [], params: [], plots: [], live: [] },
        token,
        timeoutMs,
        maxPages,
        maxResponseBytes,
      },
    };
  }

  /** The runs of an MLflow source with every metric's whole history (cached until the source changes). */
  private fullRuns(source: ServiceSource): Promise<Run[]> {
    if (source.kind === 'mlflow-rest') {
      const server = [...this.servers.values()].find((s) => s.location === source.location);
      if (!server) return Promise.resolve(source.runs);
      server.full ??= this.serverContext(server.setting, server.folderKey).then(
        ({ location, context }) => mlflowServerSource.readFull?.(location, context) ?? Promise.resolve([]),
      );
      server.full.catch(() => (server.full = undefined));
      return server.full;
    }
    const record = this.records.get(source.folderKey);
    if (!record) return Promise.resolve(source.runs);
    let pending = record.full.get(source.location);
    if (!pending) {
      const definition = metricSourceOf(source.kind);
      pending = definition?.readFull
        ? definition.readFull(source.location, this.readContext(record))
        : Promise.resolve(source.runs);
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
      if (record) for (const source of this.folderSources(record)) list.push(source);
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
            ? (record.followed.metrics[0] ?? 'mlops.yaml')
            : 'mlops.yaml';
      const workspace = indexSource(this.workspacePath(record), record.workspaceKind, 'Workspace', where);
      workspace.problems = [...record.configProblems, ...workspace.problems];
      out.push(workspace);
    }
    const git = record.git;
    if (git.dir && this.hasWorkspaceFiles(record)) {
      const location = git.dir.root;
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
    // The searched sources in list order, TensorBoard after the MLflow server (the view's order).
    const searched = [...SEARCHED_SOURCES].sort(
      (a, b) => (a.kind === 'tensorboard' ? 1 : 0) - (b.kind === 'tensorboard' ? 1 : 0),
    );
    for (const d of searched)
      for (const p of record.located.get(d.kind) ?? []) out.push(indexSource(p, d.kind, d.label, relative(p)));
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
      add(new vscode.RelativePattern(record.folder, WORKSPACE_FILE_GLOB), onFile);
      // MLFLOW_TRACKING_URI in a committed .env names a store (when no setting does).
      add(new vscode.RelativePattern(record.folder, '.env'), onFile);
      for (const d of metricSources)
        for (const glob of watchGlobs(d)) add(new vscode.RelativePattern(record.folder, glob), onFile);
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
    const found: Found = {};
    const { followed } = record;
    const inside = (p: string, folder: string) => isInside(p, folder);
    for (const file of changed) {
      const rel = path.relative(record.root, file).split(path.sep).join('/');
      const name = path.basename(file);
      if (rel === 'mlops.yaml' || rel === 'dvc.yaml') {
        reconfigure = true;
        continue;
      }
      if (rel === '.env') {
        rediscover = true;
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
      for (const d of SEARCHED_SOURCES) {
        if (!watchMatchers.get(d)?.(rel)) continue;
        const location = (record.located.get(d.kind) ?? []).find(
          (l) => l === file || file.startsWith(`${l}-`) || inside(file, l),
        );
        if (location) {
          invalidate.add(location);
          continue;
        }
        // A new source: search again; a marker file names its location before a search may see it. A source whose
        // `locate` checks the file's content searches again only for a file it keeps (not every other database).
        const marker = discoveryMatchers.get(d)?.(rel) ?? false;
        const named = marker ? d.discovery.locate([file], record.root).filter((l) => fs.existsSync(l)) : [];
        if (!d.discovery.checks || named.length) rediscover = true;
        if (named.length) found[d.kind] = [...(found[d.kind] ?? []), ...named];
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

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The absolute paths of the files that resolve inside the folder (an outside one is never opened). */
function insideOnly(root: string, files: readonly string[]): string[] {
  return files.map((f) => resolveInside(root, f)).filter((f): f is string => f !== undefined);
}
