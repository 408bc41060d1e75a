import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LoadedConfig } from '../../core/formats/mlopsYaml/validate';
import { CONFIG_FILE_NAME } from '../../core/formats/mlopsYaml/starter';
import { errorMessage, type Logger } from '../../core/logging';
import {
  fileStates,
  lastCommits,
  openRepository,
  type FileCommit,
  type GitFileState,
  type GitRepository,
} from '../../core/git/state';
import type { CoreWork } from '../../core/worker/client';
import { WorkCancelledError, type HashFilesRequest } from '../../core/worker/protocol';
import type { HashAlgorithm, HashResult } from '../../core/workspace/hash';
import {
  MODEL_EXTENSIONS,
  DATASET_EXTENSIONS,
  NOTEBOOK_EXTENSIONS,
  type FileChange,
  type WorkspaceItem,
} from '../../core/workspace/discovery';
import { backgroundWork } from '../../platform/backgroundWork';
import { affectsFilesExclude, affectsSetting, filesExclude, getSetting } from '../../platform/config';
import { Disposable } from '../../platform/disposable';
import { isTrusted, UNTRUSTED_REASON } from '../../platform/trust';
import { ServerRegistries } from './serverRegistry';

/** What the explorer knows about one workspace folder. */
export interface FolderState {
  folder: vscode.WorkspaceFolder;
  config?: LoadedConfig;
  configError?: string;
  items: WorkspaceItem[];
  scanError?: string;
  stats: Map<string, { size: number; mtimeMs: number; isDirectory: boolean } | undefined>;
  repo?: GitRepository;
  /** Why git facts are missing: untrusted workspace, no git, not a repository. */
  gitUnavailable?: string;
  git: Map<string, GitFileState>;
  commits: Map<string, FileCommit>;
  hashes: Map<string, HashResult>;
}

/** The glob every watcher uses: the files discovery cares about. */
export const WATCH_GLOB = `**/{*${[...MODEL_EXTENSIONS, ...DATASET_EXTENSIONS, ...NOTEBOOK_EXTENSIONS].join(',*')},*.dvc,dvc.yaml,dvc.lock,${CONFIG_FILE_NAME},.gitignore,meta.yaml,*.db,*.sqlite,*.sqlite3,*.db3}`;

/**
 * The workspace model behind the Models, Datasets and Notebooks views: discovery per folder, mlops.yaml, git state,
 * last commits and content hashes. Nothing runs until a view asks (`ensureLoaded`); afterwards file events update
 * it incrementally. Discovery and hashing run in the background worker, off the extension host's thread; the worker
 * keeps each folder's discovery index.
 */
export class WorkspaceModel extends Disposable {
  private readonly states = new Map<string, FolderState>();
  /** Folders the worker has an index of (file events update it). */
  private readonly scanned = new Set<string>();
  private readonly work: CoreWork;
  private readonly changeEmitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.changeEmitter.event;
  private loading: Promise<void> | undefined;
  private pendingChanges = new Map<string, FileChange[]>();
  private changeTimer: NodeJS.Timeout | undefined;
  private gitTimer: NodeJS.Timeout | undefined;
  private hashRun: AbortController | undefined;
  /** The registered models of the configured tracking servers, read after the local items. */
  readonly servers: ServerRegistries;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly logger: Logger,
  ) {
    super();
    this.work = backgroundWork(context, logger);
    this.servers = this.register(new ServerRegistries({ secrets: context.secrets, logger }));
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => void this.reload()));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => void this.reload()));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsSetting(e, 'discovery') || affectsFilesExclude(e) || affectsSetting(e, 'hash')) void this.reload();
      }),
    );
    this.register({ dispose: () => this.hashRun?.abort() });
  }

  get loaded(): boolean {
    return this.loading !== undefined;
  }

  folders(): FolderState[] {
    return (vscode.workspace.workspaceFolders ?? [])
      .map((f) => this.states.get(f.uri.toString()))
      .filter((s): s is FolderState => s !== undefined);
  }

  folderOf(uri: vscode.Uri): FolderState | undefined {
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    return folder ? this.states.get(folder.uri.toString()) : undefined;
  }

  /** Loads every folder the first time a view asks; later calls wait for that load. */
  ensureLoaded(): Promise<void> {
    this.loading ??= this.loadAll();
    return this.loading;
  }

  /** Scans everything again (the Refresh command). */
  reload(): Promise<void> {
    if (!this.loading) return Promise.resolve();
    this.scanned.clear();
    this.loading = this.loadAll();
    return this.loading;
  }

  private async loadAll(): Promise<void> {
    const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
    for (const key of [...this.states.keys()])
      if (!folders.some((f) => f.uri.toString() === key)) this.states.delete(key);
    await vscode.window.withProgress({ location: { viewId: 'mlops.views.models' }, title: 'Scanning workspace' }, () =>
      Promise.all(folders.map((folder) => this.loadFolder(folder))),
    );
    this.changeEmitter.fire();
    void this.refreshGit();
    void this.servers.load();
  }

  private excludes(folder: vscode.WorkspaceFolder): string[] {
    return [...filesExclude(folder.uri), ...getSetting('discovery.exclude', folder.uri)];
  }

  private async loadFolder(folder: vscode.WorkspaceFolder): Promise<void> {
    const root = folder.uri.fsPath;
    const started = performance.now();
    const state: FolderState = this.states.get(folder.uri.toString()) ?? {
      folder,
      items: [],
      stats: new Map(),
      git: new Map(),
      commits: new Map(),
      hashes: new Map(),
    };
    this.states.set(folder.uri.toString(), state);
    state.scanError = undefined;
    state.configError = undefined;
    const key = folder.uri.toString();
    this.scanned.delete(key);
    try {
      const outcome = await this.work.run({
        kind: 'scanFolder',
        key,
        root,
        exclude: this.excludes(folder),
        respectGitignore: getSetting('discovery.respectGitignore', folder.uri),
      });
      state.config = outcome.config;
      if (outcome.configError !== undefined) state.configError = outcome.configError;
      if (outcome.scanError !== undefined) {
        state.items = [];
        state.scanError = outcome.scanError;
        this.logger.error(`discovery: ${folder.name}: ${state.scanError}`);
        return;
      }
      this.scanned.add(key);
      state.items = outcome.items;
      state.stats = outcome.itemStats;
      for (const problem of outcome.problems)
        this.logger.warn(
          `discovery: ${problem.file}${problem.line !== undefined ? `:${problem.line + 1}` : ''}: ${problem.message}`,
        );
      this.logger.info(
        `discovery: ${folder.name}: ${outcome.items.length} items in ${outcome.stats.directories} folders (${(performance.now() - started).toFixed(0)} ms)`,
      );
      checkWatchLimit(outcome.stats.directories, this.logger);
    } catch (err) {
      state.items = [];
      state.scanError = errorMessage(err);
      this.logger.error(`discovery: ${folder.name}: ${state.scanError}`);
    }
  }

  /** File events (debounced): incremental discovery, then git state of what changed. */
  queueChange(uri: vscode.Uri, type: FileChange['type']): void {
    if (!this.loading || !getSetting('discovery.autoRefresh', uri)) return;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (!folder) return;
    const key = folder.uri.toString();
    const list = this.pendingChanges.get(key) ?? [];
    list.push({ path: uri.fsPath, type });
    this.pendingChanges.set(key, list);
    clearTimeout(this.changeTimer);
    this.changeTimer = setTimeout(() => void this.flushChanges(), 300);
  }

  /** Git metadata changed (commit, checkout, stage): re-read git state, debounced. */
  queueGitRefresh(): void {
    if (!this.loading) return;
    clearTimeout(this.gitTimer);
    this.gitTimer = setTimeout(() => void this.refreshGit(), 500);
  }

  private async flushChanges(): Promise<void> {
    const pending = this.pendingChanges;
    this.pendingChanges = new Map();
    for (const [key, changes] of pending) {
      const state = this.states.get(key);
      if (!state || !this.scanned.has(key)) continue;
      try {
        const reloadConfig = changes.some(
          (c) => path.basename(c.path) === CONFIG_FILE_NAME && path.dirname(c.path) === state.folder.uri.fsPath,
        );
        const delta = await this.work.run({ kind: 'updateFolder', key, changes, reloadConfig });
        if (!delta) {
          // The worker was restarted and lost its index: scan the folder again.
          await this.loadFolder(state.folder);
          continue;
        }
        if (delta.reloaded) state.config = delta.reloaded.config;
        state.items = delta.items;
        for (const [id, stat] of delta.itemStats) state.stats.set(id, stat);
        for (const change of changes) state.hashes.delete(change.path);
        this.logger.debug(
          `discovery: ${changes.length} change(s): +${delta.added} -${delta.removed} ~${delta.updated}`,
        );
      } catch (err) {
        this.logger.error(`discovery update failed: ${errorMessage(err)}`);
      }
    }
    this.changeEmitter.fire();
    void this.refreshGit();
  }

  /** Git state and last commits for every item, then hashes; skipped (with the reason) in untrusted workspaces. */
  private async refreshGit(): Promise<void> {
    for (const state of this.folders()) {
      if (!isTrusted()) {
        state.gitUnavailable = UNTRUSTED_REASON;
        continue;
      }
      try {
        state.repo = await openRepository(state.folder.uri.fsPath);
        const paths = state.items.filter((i) => !i.mlflow).map((i) => i.absolutePath);
        const [states, commits] = await Promise.all([fileStates(state.repo, paths), lastCommits(state.repo, paths)]);
        state.git = new Map([...states.values()].map((s) => [s.absolutePath, s]));
        state.commits = new Map([...commits].map(([p, c]) => [path.resolve(state.repo!.root, p), c]));
        state.gitUnavailable = undefined;
      } catch (err) {
        state.repo = undefined;
        state.git = new Map();
        state.commits = new Map();
        state.gitUnavailable = errorMessage(err);
      }
    }
    this.changeEmitter.fire();
    void this.hashAll();
  }

  /** The folder of the persistent hash cache (the worker reads and writes it); none keeps it in memory. */
  private cacheFolder(): string | undefined {
    return this.context.storageUri?.fsPath;
  }

  /** Hashes every file item in the background; cached by (size, mtime, inode); cancellable when it is long. */
  private async hashAll(): Promise<void> {
    this.hashRun?.abort();
    const run = new AbortController();
    this.hashRun = run;
    const jobs: { state: FolderState; item: WorkspaceItem; size: number }[] = [];
    for (const state of this.folders()) {
      for (const item of state.items) {
        const stat = state.stats.get(item.id);
        if (!stat || stat.isDirectory || item.missing || state.hashes.has(item.absolutePath)) continue;
        jobs.push({ state, item, size: stat.size });
      }
    }
    if (!jobs.length) return;
    const total = jobs.reduce((s, j) => s + j.size, 0);
    const large = total > 256 * 1024 * 1024;
    const files: HashFilesRequest['files'] = jobs.map((job) => ({
      path: job.item.absolutePath,
      algorithm: getSetting('hash.algorithm', job.state.folder.uri),
      maxSize: getSetting('hash.maxFileSizeMB', job.state.folder.uri) * 1024 * 1024,
    }));
    const stateOf = new Map(jobs.map((job) => [job.item.absolutePath, job.state]));
    await vscode.window.withProgress(
      {
        location: large ? vscode.ProgressLocation.Notification : vscode.ProgressLocation.Window,
        title: 'MLOps: hashing models and datasets',
        cancellable: large,
      },
      async (progress, token) => {
        token.onCancellationRequested(() => run.abort());
        let reported = 0;
        try {
          await this.work.run(
            { kind: 'hashFiles', files, ...this.cacheRequest() },
            {
              signal: run.signal,
              onProgress: (p) => {
                if (p.result) stateOf.get(p.file)?.hashes.set(p.file, p.result);
                const pct = p.total ? (p.done / p.total) * 100 : 100;
                if (pct - reported >= 1) {
                  progress.report({ increment: pct - reported, message: path.basename(p.file) });
                  reported = pct;
                }
              },
            },
          );
        } catch (err) {
          if (!(err instanceof WorkCancelledError) && !run.signal.aborted)
            this.logger.warn(`hashing: ${errorMessage(err)}`);
        }
      },
    );
    if (!run.signal.aborted) this.changeEmitter.fire();
  }

  private cacheRequest(): { cacheFolder?: string } {
    const folder = this.cacheFolder();
    return folder ? { cacheFolder: folder } : {};
  }

  /** The hash of one item now (for Copy Hash), computing it if needed. */
  async hashOf(item: WorkspaceItem, folder: vscode.WorkspaceFolder): Promise<HashResult> {
    const state = this.states.get(folder.uri.toString());
    const known = state?.hashes.get(item.absolutePath);
    const algorithm: HashAlgorithm = getSetting('hash.algorithm', folder.uri);
    if (known?.status === 'hashed' && known.algorithm === algorithm) return known;
    const results = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Hashing ${item.name}`, cancellable: true },
      (progress, token) => {
        const abort = new AbortController();
        token.onCancellationRequested(() => abort.abort());
        let last = 0;
        return this.work.run(
          { kind: 'hashFiles', files: [{ path: item.absolutePath, algorithm }], ...this.cacheRequest() },
          {
            signal: abort.signal,
            onProgress: ({ done, total }) => {
              const pct = total ? (done / total) * 100 : 100;
              progress.report({ increment: pct - last });
              last = pct;
            },
          },
        );
      },
    );
    const result = results[0];
    if (!result) throw new Error(`${item.relativePath} could not be hashed; see the MLOps Workbench log.`);
    state?.hashes.set(item.absolutePath, result);
    return result;
  }
}

let warnedAboutWatchers = false;

/** Linux file watching has a per-user limit; a workspace with more folders than that cannot be watched fully. */
function checkWatchLimit(folders: number, logger: Logger): void {
  if (process.platform !== 'linux' || warnedAboutWatchers) return;
  void vscode.workspace.fs.readFile(vscode.Uri.file('/proc/sys/fs/inotify/max_user_watches')).then(
    (bytes) => {
      const limit = Number(Buffer.from(bytes).toString('utf8').trim());
      if (Number.isFinite(limit) && folders > limit * 0.8) {
        warnedAboutWatchers = true;
        const message = `This workspace has ${folders} folders but the system allows ${limit} file watches: MLOps Workbench may miss file changes. Raise the limit (sudo sysctl fs.inotify.max_user_watches=524288) or exclude folders with mlops.discovery.exclude.`;
        logger.warn(message);
        void vscode.window.showWarningMessage(message);
      }
    },
    () => undefined,
  );
}
