// Finds the models, datasets and notebooks of a workspace folder: files by extension, DVC-tracked outs and
// artifacts, the MLflow file-store registry, and the entries of mlops.yaml (which win). One walk of the tree with
// bounded concurrency and no `stat` per file; .gitignore files (root and nested), exclude globs and well-known
// folders (node_modules, .git, virtual environments, caches) prune it. `WorkspaceIndex` keeps the facts of the walk
// so a file change updates the result without a rescan.
import { type Dirent, promises as fs } from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import { forEachLimited } from '../concurrency';
import { compileConvention, compareVersions, splitVersion, type ConventionMatch } from '../formats/naming';
import { emptyConfig, type ModelStage, type MlopsConfig } from '../formats/mlopsYaml/model';
import { readTagNames } from '../git/tags';
import { isDvcMetadataFile, parseDvcMetadata, type DvcFileFacts, type DvcOut } from '../formats/dvc/metadata';
import { isMlflowSqliteStore } from '../formats/mlflow/sqlite';
import { readMlflowRegistry, type RegisteredModelVersion, type RegistryBackend } from './mlflowRegistry';
import { mayBeMlflowSqliteStore } from './mlflowStores';

export type WorkspaceItemKind = 'model' | 'dataset' | 'notebook';

/** Where an item comes from, strongest first: config > dvc-artifact > mlflow-registry > dvc-tracked > discovery. */
export type WorkspaceItemSource = 'config' | 'dvc-artifact' | 'mlflow-registry' | 'dvc-tracked' | 'discovery';

export const MODEL_EXTENSIONS: readonly string[] = [
  '.onnx',
  '.pt',
  '.pth',
  '.pkl',
  '.joblib',
  '.h5',
  '.keras',
  '.safetensors',
  '.pb',
  '.tflite',
  '.gguf',
  '.ckpt',
  '.mlmodel',
];
export const DATASET_EXTENSIONS: readonly string[] = ['.csv', '.tsv', '.parquet', '.jsonl', '.arrow', '.feather'];
export const NOTEBOOK_EXTENSIONS: readonly string[] = ['.ipynb'];

/** Folders never entered, whatever the ignore rules say. */
export const SKIPPED_FOLDER_NAMES: readonly string[] = [
  '.git',
  '.hg',
  '.svn',
  'node_modules',
  '__pycache__',
  '.ipynb_checkpoints',
  '.dvc',
  '.mypy_cache',
  '.pytest_cache',
  '.ruff_cache',
  '.tox',
  '.nox',
];

/** More changes than this in one batch are handled by a rescan. */
export const RESCAN_AFTER_CHANGES = 1000;

const VIRTUAL_ENVIRONMENT_NAMES = new Set(['.venv', 'venv', 'env', '.env', 'virtualenv']);
const SOURCE_RANK: Record<WorkspaceItemSource, number> = {
  config: 0,
  'dvc-artifact': 1,
  'mlflow-registry': 2,
  'dvc-tracked': 3,
  discovery: 4,
};

export interface WorkspaceItem {
  /** Stable within a workspace folder: `<kind>:<relative path>`, or `model:mlflow:<store>/<name>/<version>`. */
  id: string;
  kind: WorkspaceItemKind;
  name: string;
  /** Relative to the workspace folder, forward slashes. */
  relativePath: string;
  absolutePath: string;
  /** The strongest source; `sources` lists all of them. */
  source: WorkspaceItemSource;
  sources: WorkspaceItemSource[];
  /** A folder (a model folder, a DVC-tracked folder, a folder of many data files). */
  isDirectory: boolean;
  /** Declared (in mlops.yaml or DVC metadata) but not in the workspace. */
  missing: boolean;
  /** What to do about a missing item. */
  fixHint?: string;
  /**
   * Missing from the workspace but recorded by DVC with a hash (a `.dvc` file or a dvc.lock entry of a cached out):
   * the data is in a DVC cache or remote, the normal state of a fresh clone (`dvc pull <path>` fetches it); `dvc`
   * holds the size and hash. Items that are missing and not pulled exist nowhere DVC knows of.
   */
  notPulled?: boolean;
  description?: string;
  stage?: ModelStage;
  owner?: string;
  tags: string[];
  version?: string;
  /** Dataset format: the config's `format`, else the file extension without the dot. */
  format?: string;
  /** For folders of many matching files: how many. */
  fileCount?: number;
  /** A config model's dataset names and metric sources. */
  datasets?: string[];
  metrics?: string[];
  /** Index of the entry in mlops.yaml's `models` or `datasets`. */
  configIndex?: number;
  dvc?: { declaredIn: string; md5?: string; size?: number; nfiles?: number; stage?: string; artifact?: string };
  mlflow?: {
    /** The store: its path relative to the folder, or a tracking server's address (without credentials). */
    store: string;
    backend: RegistryBackend;
    registeredModel: string;
    version: string;
    runId?: string;
    source?: string;
    status?: string;
    aliases: string[];
    /** When the version was registered (ms since the epoch), as the registry records it. */
    created?: number;
    lastUpdated?: number;
    user?: string;
  };
}

export interface DiscoveryProblem {
  /** Relative to the workspace folder. */
  file: string;
  message: string;
  line?: number;
  column?: number;
}

export interface DiscoveryStats {
  directories: number;
  entries: number;
  durationMs: number;
}

export interface DiscoveryResult {
  root: string;
  items: WorkspaceItem[];
  problems: DiscoveryProblem[];
  stats: DiscoveryStats;
}

export interface DiscoveryOptions {
  /** The workspace folder. */
  root: string;
  /** The validated mlops.yaml (its entries win; its `exclude` globs apply). */
  config?: MlopsConfig;
  /** More globs to skip, relative to the root (files.exclude, settings). */
  exclude?: readonly string[];
  /** Honour .gitignore files and .git/info/exclude (default true). */
  respectGitignore?: boolean;
  /** Folders read at once (default 16). */
  concurrency?: number;
  /** More than this many matching files of one kind in one folder are listed as the folder (default 25; 0 never). */
  folderThreshold?: number;
  signal?: AbortSignal;
}

export type FileChangeType = 'created' | 'changed' | 'deleted';

export interface FileChange {
  /** Absolute, or relative to the root. */
  path: string;
  type: FileChangeType;
}

export interface DiscoveryDelta {
  result: DiscoveryResult;
  added: WorkspaceItem[];
  removed: WorkspaceItem[];
  updated: WorkspaceItem[];
}

/** The folder cannot be scanned (missing, not a folder). */
export class DiscoveryError extends Error {
  constructor(
    message: string,
    readonly folder: string,
  ) {
    super(message);
    this.name = 'DiscoveryError';
  }
}

/** The scan was cancelled through its AbortSignal. */
export class DiscoveryCancelledError extends Error {
  constructor() {
    super('Discovery was cancelled.');
    this.name = 'DiscoveryCancelledError';
  }
}

/** Scans a workspace folder once. */
export async function discoverWorkspace(options: DiscoveryOptions): Promise<DiscoveryResult> {
  return new WorkspaceIndex(options).scan();
}

interface IgnoreLevel {
  /** Folder of the rules, relative to the root ('' at the root). */
  base: string;
  rules: Ignore;
}

interface Candidate {
  path: string;
  kind: WorkspaceItemKind;
  extension: string;
}

interface FolderTask {
  relative: string;
  levels: IgnoreLevel[];
}

type PruneReason =
  | 'skipped'
  | 'virtual-environment'
  | 'excluded'
  | 'gitignored'
  | 'mlflow-store'
  | 'mlflow-artifacts'
  | 'symlink';

interface StatFact {
  exists: boolean;
  isDirectory: boolean;
}

/**
 * The discovery state of one workspace folder: `scan()` walks it, `applyChanges()` updates the result from file
 * events without walking again, `reconfigure()` takes a new mlops.yaml or exclude list.
 */
export class WorkspaceIndex {
  private options: DiscoveryOptions;
  private readonly root: string;
  private config: MlopsConfig;
  private excludeMatcher: (relative: string) => boolean = () => false;
  private candidates = new Map<string, Candidate>();
  private dvcFacts = new Map<string, DvcFileFacts>();
  private registries = new Map<string, RegisteredModelVersion[]>();
  private ignoreLevels = new Map<string, IgnoreLevel[]>();
  private walked = new Set<string>();
  private pruned = new Map<string, PruneReason>();
  private readProblems = new Map<string, DiscoveryProblem[]>();
  private statFacts = new Map<string, StatFact>();
  private tags: string[] = [];
  private current: DiscoveryResult;
  private directories = 0;
  private entries = 0;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(options: DiscoveryOptions) {
    this.options = options;
    this.root = path.resolve(options.root);
    this.config = options.config ?? emptyConfig();
    this.current = { root: this.root, items: [], problems: [], stats: { directories: 0, entries: 0, durationMs: 0 } };
    this.compileExcludes();
  }

  /** The last result. */
  get result(): DiscoveryResult {
    return this.current;
  }

  /** Walks the whole folder. Calls of scan, applyChanges and reconfigure run one after the other. */
  scan(): Promise<DiscoveryResult> {
    return this.serialize(() => this.fullScan());
  }

  /** Runs `work` after the operations already queued (a failed one does not block the next). */
  private serialize<T>(work: () => Promise<T>): Promise<T> {
    const next = this.tail.then(work, work);
    this.tail = next.catch(() => undefined);
    return next;
  }

  private async fullScan(): Promise<DiscoveryResult> {
    const started = performance.now();
    this.candidates.clear();
    this.dvcFacts.clear();
    this.registries.clear();
    this.ignoreLevels.clear();
    this.walked.clear();
    this.pruned.clear();
    this.readProblems.clear();
    this.directories = 0;
    this.entries = 0;
    const rootStat = await fs.stat(this.root).catch((err: NodeJS.ErrnoException) => err);
    if (rootStat instanceof Error || !rootStat.isDirectory()) {
      const reason =
        rootStat instanceof Error
          ? rootStat.code === 'ENOENT'
            ? 'does not exist'
            : rootStat.message
          : 'is not a folder';
      throw new DiscoveryError(`Cannot scan ${this.root}: it ${reason}. Open an existing workspace folder.`, this.root);
    }
    const rootLevels = await this.rootLevels();
    await this.walk([{ relative: '', levels: rootLevels }]);
    this.tags = await readTagNames(this.root);
    await this.refreshStatFacts();
    this.current = this.merge(performance.now() - started);
    return this.current;
  }

  /** Takes a new configuration and/or exclude list; rescans only when the excludes changed. */
  reconfigure(update: {
    config?: MlopsConfig;
    exclude?: readonly string[];
    respectGitignore?: boolean;
  }): Promise<DiscoveryDelta> {
    return this.serialize(() => this.applyConfiguration(update));
  }

  private async applyConfiguration(update: {
    config?: MlopsConfig;
    exclude?: readonly string[];
    respectGitignore?: boolean;
  }): Promise<DiscoveryDelta> {
    const before = this.current.items;
    const oldExcludes = JSON.stringify([
      this.config.exclude,
      this.options.exclude ?? [],
      this.options.respectGitignore,
    ]);
    if (update.config) this.config = update.config;
    this.options = {
      ...this.options,
      ...(update.exclude ? { exclude: update.exclude } : {}),
      ...(update.respectGitignore !== undefined ? { respectGitignore: update.respectGitignore } : {}),
    };
    this.compileExcludes();
    if (
      JSON.stringify([this.config.exclude, this.options.exclude ?? [], this.options.respectGitignore]) !== oldExcludes
    )
      await this.fullScan();
    else {
      const started = performance.now();
      await this.refreshStatFacts();
      this.current = this.merge(performance.now() - started);
    }
    return diff(before, this.current);
  }

  /** Updates the result from file-system events (created, changed or deleted files and folders). */
  applyChanges(changes: readonly FileChange[]): Promise<DiscoveryDelta> {
    return this.serialize(() => this.applyEvents(changes));
  }

  private async applyEvents(changes: readonly FileChange[]): Promise<DiscoveryDelta> {
    const started = performance.now();
    const before = this.current.items;
    if (changes.length > RESCAN_AFTER_CHANGES) {
      // A checkout or a bulk copy: one walk is cheaper than thousands of single updates.
      await this.fullScan();
      return diff(before, this.current);
    }
    let tagsTouched = false;
    for (const change of changes) {
      const relative = this.relativeOf(change.path);
      if (relative === undefined) {
        if (isGitRefChange(this.root, change.path)) tagsTouched = true;
        continue;
      }
      if (relative === '') {
        await this.fullScan();
        return diff(before, this.current);
      }
      await this.applyChange(relative, change.type);
    }
    if (tagsTouched) this.tags = await readTagNames(this.root);
    await this.refreshStatFacts();
    this.current = this.merge(performance.now() - started);
    return diff(before, this.current);
  }

  // -------------------------------------------------------------------------------------------- incremental

  private relativeOf(changedPath: string): string | undefined {
    const absolute = path.resolve(this.root, changedPath);
    const relative = path.relative(this.root, absolute);
    if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
    const posix = relative.split(path.sep).join('/');
    if (posix.split('/').includes('.git')) return undefined;
    return posix;
  }

  private async applyChange(relative: string, type: FileChangeType): Promise<void> {
    const name = path.posix.basename(relative);
    const parent = parentOf(relative);
    // Inside a pruned folder: only the registry of an MLflow store and the folder itself matter.
    const prunedAncestor = this.prunedAncestor(relative);
    if (prunedAncestor !== undefined) {
      const reason = this.pruned.get(prunedAncestor);
      if (reason === 'mlflow-store') await this.readRegistry(prunedAncestor);
      else if (reason === 'virtual-environment' && prunedAncestor === parent && name === 'pyvenv.cfg')
        await this.rescanFolder(parent);
      return;
    }
    if (type === 'deleted') {
      this.forget(relative);
      if (name === '.gitignore' && this.walked.has(parent)) await this.rescanFolder(parent);
      return;
    }
    if (name === '.gitignore' || name === 'pyvenv.cfg') {
      await this.rescanFolder(parent);
      return;
    }
    if (!this.walked.has(parent)) {
      // The parent is new too (its event may come later or never): walk from the highest unknown ancestor.
      let top = relative;
      while (parentOf(top) !== '' && !this.walked.has(parentOf(top))) top = parentOf(top);
      if (!this.walked.has(parentOf(top))) return;
      await this.walkEntry(top);
      return;
    }
    if (type === 'changed' && !isDvcMetadataFile(name) && !mayBeMlflowSqliteStore(name)) return;
    this.forget(relative);
    await this.walkEntry(relative);
  }

  /** Examines one path whose parent folder was walked, as the walk would have. */
  private async walkEntry(relative: string): Promise<void> {
    const absolute = this.absoluteOf(relative);
    const stat = await fs.lstat(absolute).catch(() => undefined);
    if (!stat) return;
    const parent = parentOf(relative);
    const levels = this.levelsFor(parent);
    const name = path.posix.basename(relative);
    if (stat.isDirectory()) {
      const reason = this.folderPruneReason(relative, name, levels);
      if (reason) {
        this.prune(relative, reason);
        if (reason === 'mlflow-store') await this.readRegistry(relative);
        return;
      }
      await this.walk([{ relative, levels }]);
    } else if (stat.isFile() || stat.isSymbolicLink()) {
      await this.considerFile(relative, name, levels, stat.isSymbolicLink());
    }
  }

  private async rescanFolder(relative: string): Promise<void> {
    this.forget(relative);
    if (relative === '') {
      await this.fullScan();
      return;
    }
    const levels = this.levelsFor(parentOf(relative));
    await this.walk([{ relative, levels }]);
  }

  /** Drops every fact at or under `relative`. */
  private forget(relative: string): void {
    const under = (p: string) => relative === '' || p === relative || p.startsWith(`${relative}/`);
    for (const map of [
      this.candidates,
      this.dvcFacts,
      this.registries,
      this.ignoreLevels,
      this.pruned,
      this.readProblems,
    ] as Map<string, unknown>[]) {
      for (const key of map.keys()) if (under(key)) map.delete(key);
    }
    for (const folder of this.walked) if (under(folder)) this.walked.delete(folder);
  }

  private prunedAncestor(relative: string): string | undefined {
    let current = relative;
    while (current !== '') {
      if (this.pruned.has(current) && current !== relative) return current;
      current = parentOf(current);
    }
    return undefined;
  }

  /** The ignore levels that apply inside `folder`: those of its ancestors and its own. */
  private levelsFor(folder: string): IgnoreLevel[] {
    const chain: string[] = [];
    let current = folder;
    for (;;) {
      chain.unshift(current);
      if (current === '') break;
      current = parentOf(current);
    }
    return chain.flatMap((f) => this.ignoreLevels.get(f) ?? []);
  }

  // -------------------------------------------------------------------------------------------- walk

  private compileExcludes(): void {
    const globs = [...(this.options.exclude ?? []), ...this.config.exclude].filter((g) => g.trim());
    const matcher = globs.length ? picomatch(globs, { dot: true }) : undefined;
    this.excludeMatcher = matcher ? (relative) => matcher(relative) : () => false;
  }

  private async rootLevels(): Promise<IgnoreLevel[]> {
    if (this.options.respectGitignore === false) return [];
    const levels: IgnoreLevel[] = [];
    const infoExclude = await fs
      .readFile(path.join(this.root, '.git', 'info', 'exclude'), 'utf8')
      .catch(() => undefined);
    if (infoExclude?.trim()) levels.push({ base: '', rules: ignore().add(infoExclude) });
    if (levels.length) this.ignoreLevels.set('', levels);
    return levels;
  }

  private absoluteOf(relative: string): string {
    return relative ? path.join(this.root, ...relative.split('/')) : this.root;
  }

  private async walk(start: FolderTask[]): Promise<void> {
    const limit = Math.max(1, this.options.concurrency ?? 16);
    const queue = [...start];
    const signal = this.options.signal;
    let active = 0;
    let failure: unknown;
    await new Promise<void>((resolve) => {
      const pump = () => {
        if (failure !== undefined || signal?.aborted) {
          if (active === 0) resolve();
          return;
        }
        while (active < limit && queue.length > 0) {
          const task = queue.pop()!;
          active++;
          this.readFolder(task, queue).then(
            () => {
              active--;
              pump();
            },
            (err: unknown) => {
              active--;
              failure = err;
              pump();
            },
          );
        }
        if (active === 0 && queue.length === 0) resolve();
      };
      pump();
    });
    if (signal?.aborted) throw new DiscoveryCancelledError();
    if (failure !== undefined) throw failure instanceof Error ? failure : new Error('Discovery failed.');
  }

  private async readFolder(task: FolderTask, queue: FolderTask[]): Promise<void> {
    const { relative } = task;
    let entries: Dirent[];
    try {
      entries = await fs.readdir(this.absoluteOf(relative), { withFileTypes: true });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR')
        this.readProblems.set(relative, [
          { file: relative || '.', message: `Cannot read folder ${relative || '.'}: ${(err as Error).message}` },
        ]);
      return;
    }
    this.directories++;
    this.entries += entries.length;
    // A virtual environment: pyvenv.cfg, conda-meta, or an env-named folder with a Python inside.
    if (relative) {
      const names = new Set(entries.map((e) => e.name));
      let isEnvironment = names.has('pyvenv.cfg') || names.has('conda-meta');
      if (
        !isEnvironment &&
        VIRTUAL_ENVIRONMENT_NAMES.has(path.posix.basename(relative)) &&
        (names.has('bin') || names.has('Scripts'))
      ) {
        const folder = this.absoluteOf(relative);
        isEnvironment =
          (await exists(path.join(folder, 'bin', 'python'))) ||
          (await exists(path.join(folder, 'Scripts', 'python.exe')));
      }
      if (isEnvironment) {
        this.prune(relative, 'virtual-environment');
        return;
      }
    }
    this.walked.add(relative);
    let levels = task.levels;
    if (this.options.respectGitignore !== false && entries.some((e) => e.name === '.gitignore' && !e.isDirectory())) {
      const text = await fs.readFile(path.join(this.absoluteOf(relative), '.gitignore'), 'utf8').catch(() => '');
      if (text.trim()) {
        const level: IgnoreLevel = { base: relative, rules: ignore().add(text) };
        levels = [...levels, level];
        this.ignoreLevels.set(relative, [...(relative === '' ? (this.ignoreLevels.get('') ?? []) : []), level]);
      }
    }
    const pending: Promise<void>[] = [];
    for (const entry of entries) {
      const name = entry.name;
      const child = relative ? `${relative}/${name}` : name;
      if (entry.isDirectory()) {
        const reason = this.folderPruneReason(child, name, levels);
        if (reason) {
          this.prune(child, reason);
          if (reason === 'mlflow-store') pending.push(this.readRegistry(child));
        } else queue.push({ relative: child, levels });
      } else if (entry.isFile()) {
        const work = this.considerFile(child, name, levels, false);
        if (work) pending.push(work);
      } else if (entry.isSymbolicLink()) {
        // Folder links are never followed (no loops); a link to a matching file counts.
        if (kindOf(name) || isDvcMetadataFile(name)) {
          const work = this.considerFile(child, name, levels, true);
          if (work) pending.push(work);
        } else this.pruned.set(child, 'symlink');
      }
    }
    if (pending.length) await Promise.all(pending);
  }

  private folderPruneReason(relative: string, name: string, levels: IgnoreLevel[]): PruneReason | undefined {
    if (SKIPPED_FOLDER_NAMES.includes(name)) return 'skipped';
    if (this.excludeMatcher(relative)) return 'excluded';
    if (name === 'mlruns') return 'mlflow-store';
    // What `mlflow server` keeps of each run (`mlartifacts/<experiment>/<run>/artifacts/…`, and MLflow 3's logged
    // models under `<experiment>/models/`): copies MLflow owns, not the project's models and datasets.
    if (name === 'mlartifacts') return 'mlflow-artifacts';
    if (isIgnored(levels, relative, true)) return 'gitignored';
    return undefined;
  }

  private prune(relative: string, reason: PruneReason): void {
    this.pruned.set(relative, reason);
  }

  /** Records a matching file or reads a DVC metadata file. Returns a promise only when there is I/O to wait for. */
  private considerFile(
    relative: string,
    name: string,
    levels: IgnoreLevel[],
    isLink: boolean,
  ): Promise<void> | undefined {
    const dvc = isDvcMetadataFile(name);
    const kind = dvc ? undefined : kindOf(name);
    if (!dvc && !kind) return mayBeMlflowSqliteStore(name) ? this.considerSqliteStore(relative, isLink) : undefined;
    if (this.excludeMatcher(relative) || isIgnored(levels, relative, false)) return undefined;
    const absolute = this.absoluteOf(relative);
    if (dvc) {
      return fs.readFile(absolute, 'utf8').then(
        (text) => {
          this.dvcFacts.set(relative, parseDvcMetadata(relative, text));
        },
        (err: Error) => {
          this.readProblems.set(relative, [{ file: relative, message: `Cannot read ${relative}: ${err.message}` }]);
        },
      );
    }
    const add = () => this.candidates.set(relative, { path: relative, kind: kind!, extension: extensionOf(name) });
    if (!isLink) {
      add();
      return undefined;
    }
    return fs.stat(absolute).then(
      (stat) => {
        if (stat.isFile()) add();
      },
      () => undefined,
    );
  }

  /**
   * An MLflow SQLite store whatever its name (`mlflow.db`, `backend.db`, ...), recognised by its tables: its
   * registered models are read as an `mlruns` store's are. Like `mlruns`, read even when git ignores it (stores
   * usually are); a file that is not SQLite costs one 100-byte read.
   */
  private considerSqliteStore(relative: string, isLink: boolean): Promise<void> | undefined {
    if (isLink || this.excludeMatcher(relative)) return undefined;
    return isMlflowSqliteStore(this.absoluteOf(relative)).then((isStore) =>
      isStore ? this.readRegistry(relative) : undefined,
    );
  }

  private async readRegistry(store: string): Promise<void> {
    const contents = await readMlflowRegistry(this.absoluteOf(store));
    if (contents.versions.length) this.registries.set(store, contents.versions);
    else this.registries.delete(store);
    const problems = contents.problems.map((p) => ({ file: toRelative(this.root, p.file), message: p.message }));
    if (problems.length) this.readProblems.set(store, problems);
    else this.readProblems.delete(store);
  }

  /** Checks that declared paths (mlops.yaml, DVC) exist, a stat each. */
  private async refreshStatFacts(): Promise<void> {
    const paths = new Set<string>();
    for (const entry of [...this.config.models, ...this.config.datasets]) if (entry.path) paths.add(entry.path);
    for (const facts of this.dvcFacts.values()) {
      for (const out of facts.outs) paths.add(out.path);
      for (const artifact of facts.artifacts) paths.add(artifact.path);
    }
    const facts = new Map<string, StatFact>();
    const list = [...paths].filter((p) => p && !p.startsWith('../') && !path.isAbsolute(p));
    await forEachLimited(list, 32, async (relative) => {
      const stat = await fs.stat(this.absoluteOf(relative)).catch(() => undefined);
      facts.set(relative, { exists: stat !== undefined, isDirectory: stat?.isDirectory() ?? false });
    });
    this.statFacts = facts;
  }

  // -------------------------------------------------------------------------------------------- merge

  private merge(durationMs: number): DiscoveryResult {
    const items = new Map<string, WorkspaceItem>();
    const metricsPaths: string[] = [];
    for (const facts of this.dvcFacts.values()) for (const p of facts.metricsAndPlots) metricsPaths.push(p);
    const isMetricsFile = (p: string) =>
      p.split('/').includes('dvclive') || metricsPaths.some((m) => p === m || p.startsWith(`${m}/`));
    const excluded = (p: string) => this.excludeMatcher(p);
    const conventions = {
      model: (this.config.conventions.models ?? []).map(compileConvention),
      dataset: (this.config.conventions.datasets ?? []).map(compileConvention),
      notebook: (this.config.conventions.notebooks ?? []).map(compileConvention),
    };

    const upsert = (
      relative: string,
      kind: WorkspaceItemKind,
      source: WorkspaceItemSource,
      fill: (item: WorkspaceItem) => void,
    ) => {
      let item = items.get(relative);
      if (!item) {
        item = {
          id: `${kind}:${relative}`,
          kind,
          name: path.posix.basename(relative),
          relativePath: relative,
          absolutePath: this.absoluteOf(relative),
          source,
          sources: [],
          isDirectory: false,
          missing: false,
          tags: [],
        };
        items.set(relative, item);
      }
      if (SOURCE_RANK[source] < SOURCE_RANK[item.source]) {
        item.source = source;
        item.kind = kind;
        item.id = `${kind}:${relative}`;
      }
      if (!item.sources.includes(source)) item.sources.push(source);
      fill(item);
      return item;
    };

    // Files found by extension; many of one kind in one folder become the folder.
    const groups = new Map<string, Candidate[]>();
    for (const candidate of this.candidates.values()) {
      if (candidate.kind === 'dataset' && isMetricsFile(candidate.path)) continue;
      const key = `${candidate.kind}\0${parentOf(candidate.path)}`;
      const group = groups.get(key);
      if (group) group.push(candidate);
      else groups.set(key, [candidate]);
    }
    const threshold = this.options.folderThreshold ?? 25;
    for (const group of groups.values()) {
      const [head] = group;
      if (!head) continue;
      const kind = head.kind;
      const folder = parentOf(head.path);
      if (threshold > 0 && group.length > threshold && folder !== '') {
        const extensions = [...new Set(group.map((c) => c.extension))];
        upsert(folder, kind, 'discovery', (item) => {
          item.isDirectory = true;
          item.fileCount = (item.fileCount ?? 0) + group.length;
          const [extension] = extensions;
          if (kind === 'dataset' && extensions.length === 1 && extension !== undefined)
            item.format ??= extension.slice(1);
        });
        continue;
      }
      for (const candidate of group) {
        upsert(candidate.path, kind, 'discovery', (item) => {
          const named = nameAndVersion(candidate.path, conventions[kind]);
          item.name = named.name;
          if (named.version) item.version = named.version;
          if (kind === 'dataset') item.format = candidate.extension.slice(1);
        });
      }
    }

    // DVC-tracked outs: `.dvc` files always, stage outs when they look like a model or data file.
    const locks = new Map<string, DvcOut>();
    for (const facts of this.dvcFacts.values())
      if (facts.file.endsWith('dvc.lock')) for (const out of facts.outs) locks.set(out.path, out);
    const lockLast = [...this.dvcFacts.values()].sort(
      (a, b) => Number(a.file.endsWith('dvc.lock')) - Number(b.file.endsWith('dvc.lock')),
    );
    for (const facts of lockLast) {
      const isDotDvc = facts.file.endsWith('.dvc');
      for (const out of facts.outs) {
        if (out.path === '.' || out.path.startsWith('../') || excluded(out.path)) continue;
        const stat = this.statFacts.get(out.path);
        const kindByName = kindOf(out.path);
        const isDirectory = stat?.exists ? stat.isDirectory : (out.isDirectory ?? false);
        if (
          !isDotDvc &&
          (!kindByName || kindByName === 'notebook' || (kindByName === 'dataset' && isMetricsFile(out.path)))
        )
          continue;
        const kind: WorkspaceItemKind =
          kindByName === 'model' || (isDirectory && /(^|\/)(models?|checkpoints?|weights)(\/|$)/i.test(out.path))
            ? 'model'
            : 'dataset';
        // A `.dvc` file DVCLive's users add for its plots (`dvc add dvclive/plots/images`): not a dataset.
        if (isDotDvc && kind === 'dataset' && isMetricsFile(out.path)) continue;
        const lock = locks.get(out.path);
        upsert(out.path, kind, 'dvc-tracked', (item) => {
          item.isDirectory = isDirectory;
          const md5 = out.md5 ?? lock?.md5;
          item.dvc = { ...item.dvc, declaredIn: item.dvc?.declaredIn ?? out.declaredIn };
          if (md5) item.dvc.md5 = md5;
          if ((out.size ?? lock?.size) !== undefined) item.dvc.size = out.size ?? lock?.size;
          if ((out.nfiles ?? lock?.nfiles) !== undefined) item.dvc.nfiles = out.nfiles ?? lock?.nfiles;
          if (out.stage) item.dvc.stage = out.stage;
          if (kind === 'dataset' && !item.format && !isDirectory)
            item.format = extensionOf(out.path).slice(1) || undefined;
          if (stat && !stat.exists) {
            item.missing = true;
            if (md5 && (isDotDvc || out.cache)) item.notPulled = true;
            item.fixHint = isDotDvc
              ? `Not pulled: run "dvc pull ${out.declaredIn}" to fetch it.`
              : out.cache && md5
                ? `Not pulled: run "dvc pull ${out.path}" to fetch it (or "dvc repro" to rebuild it).`
                : out.cache
                  ? `Not in the workspace: run "dvc repro" to build it (stage ${out.stage ?? '?'} of ${out.declaredIn}), then "dvc push" to share it.`
                  : `Not in the workspace: run "dvc repro" to build it (stage ${out.stage ?? '?'} of ${out.declaredIn}).`;
          }
        });
      }
    }

    // DVC artifacts; versions from GTO-style tags `<name>@v<version>` (`<folder>:<name>@v...` below the root).
    for (const facts of this.dvcFacts.values()) {
      for (const artifact of facts.artifacts) {
        if (artifact.type !== 'model' && artifact.type !== 'dataset') continue;
        if (artifact.path.startsWith('../') || excluded(artifact.path)) continue;
        const stat = this.statFacts.get(artifact.path);
        const version = latestTagVersion(
          this.tags,
          artifact.folder ? `${artifact.folder}:${artifact.name}` : artifact.name,
        );
        upsert(artifact.path, artifact.type, 'dvc-artifact', (item) => {
          if (item.source === 'dvc-artifact') item.name = artifact.name;
          if (artifact.description && !item.description) item.description = artifact.description;
          if (artifact.labels.length && !item.tags.length) item.tags = [...artifact.labels];
          if (version) item.version = version;
          item.isDirectory = stat?.isDirectory ?? item.isDirectory;
          item.dvc = { ...item.dvc, declaredIn: item.dvc?.declaredIn ?? artifact.declaredIn, artifact: artifact.name };
          if (stat && !stat.exists) {
            item.missing = true;
            item.fixHint ??= `Declared as an artifact in ${artifact.declaredIn} but not in the workspace: run "dvc pull" or "dvc repro" to create it.`;
          }
        });
      }
    }

    // MLflow registry: one item per registered model version.
    const registryItems: WorkspaceItem[] = [];
    for (const [store, versions] of this.registries) {
      if (excluded(store)) continue;
      for (const v of versions) registryItems.push(registryItem(v, store, toRelative(this.root, v.folder)));
    }

    // mlops.yaml entries win.
    const applyConfig = (
      kind: 'model' | 'dataset',
      entry: { name: string; path: string; description?: string },
      index: number,
      fill: (item: WorkspaceItem) => void,
    ) => {
      if (!entry.path) return;
      const stat = this.statFacts.get(entry.path);
      upsert(entry.path, kind, 'config', (item) => {
        item.name = entry.name;
        item.configIndex = index;
        if (entry.description !== undefined) item.description = entry.description;
        fill(item);
        if (!item.version) {
          const named = nameAndVersion(entry.path, conventions[kind]);
          if (named.version) item.version = named.version;
        }
        if (stat) item.isDirectory = stat.isDirectory;
        if (stat && !stat.exists) {
          item.missing = true;
          item.fixHint = item.notPulled
            ? `Not pulled: run "dvc pull ${item.dvc?.declaredIn.endsWith('.dvc') ? item.dvc.declaredIn : entry.path}" to fetch it.`
            : item.dvc
              ? `Not in the workspace: run "dvc pull ${item.dvc.declaredIn.endsWith('.dvc') ? item.dvc.declaredIn : entry.path}" to fetch it.`
              : `Not found: create ${entry.path}, or fix "path" of ${kind}s[${index}] ("${entry.name}") in mlops.yaml.`;
        } else if (stat?.exists) {
          item.missing = false;
          delete item.notPulled;
          delete item.fixHint;
        }
      });
    };
    this.config.models.forEach((entry, index) =>
      applyConfig('model', entry, index, (item) => {
        if (entry.owner !== undefined) item.owner = entry.owner;
        if (entry.stage) item.stage = entry.stage;
        if (entry.tags.length) item.tags = [...entry.tags];
        item.datasets = [...entry.datasets];
        item.metrics = [...entry.metrics];
      }),
    );
    this.config.datasets.forEach((entry, index) =>
      applyConfig('dataset', entry, index, (item) => {
        const stat = this.statFacts.get(entry.path);
        if (entry.format) item.format = entry.format;
        else if (!item.format && !stat?.isDirectory) item.format = extensionOf(entry.path).slice(1) || undefined;
      }),
    );

    // Files inside a model or dataset folder declared by mlops.yaml or DVC belong to it.
    const folders = [...items.values()]
      .filter((i) => i.isDirectory && i.source !== 'discovery')
      .map((i) => i.relativePath);
    const result: WorkspaceItem[] = [];
    for (const item of items.values()) {
      if (item.source === 'discovery' && folders.some((f) => item.relativePath.startsWith(`${f}/`))) continue;
      item.sources.sort((a, b) => SOURCE_RANK[a] - SOURCE_RANK[b]);
      result.push(item);
    }
    for (const item of registryItems) result.push(item);
    const kindOrder: Record<WorkspaceItemKind, number> = { model: 0, dataset: 1, notebook: 2 };
    result.sort(
      (a, b) =>
        kindOrder[a.kind] - kindOrder[b.kind] ||
        a.name.localeCompare(b.name) ||
        compareVersions(a.version ?? '', b.version ?? '') ||
        a.relativePath.localeCompare(b.relativePath),
    );

    const problems: DiscoveryProblem[] = [];
    for (const list of this.readProblems.values()) for (const problem of list) problems.push(problem);
    for (const facts of this.dvcFacts.values()) for (const problem of facts.problems) problems.push(problem);
    return {
      root: this.root,
      items: result,
      problems,
      stats: { directories: this.directories, entries: this.entries, durationMs },
    };
  }
}

// ---------------------------------------------------------------------------------------------- helpers

function isIgnored(levels: readonly IgnoreLevel[], relative: string, isDirectory: boolean): boolean {
  for (const level of [...levels].reverse()) {
    const sub = level.base ? relative.slice(level.base.length + 1) : relative;
    if (!sub) continue;
    const result = level.rules.test(isDirectory ? `${sub}/` : sub);
    if (result.ignored) return true;
    if (result.unignored) return false;
  }
  return false;
}

function extensionOf(name: string): string {
  const base = name.slice(name.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

/** The kind a file name suggests by its extension, if any. */
export function kindOf(name: string): WorkspaceItemKind | undefined {
  const extension = extensionOf(name);
  if (!extension) return undefined;
  if (MODEL_EXTENSIONS.includes(extension)) return 'model';
  if (DATASET_EXTENSIONS.includes(extension)) return 'dataset';
  if (NOTEBOOK_EXTENSIONS.includes(extension)) return 'notebook';
  return undefined;
}

function parentOf(relative: string): string {
  const slash = relative.lastIndexOf('/');
  return slash < 0 ? '' : relative.slice(0, slash);
}

function toRelative(root: string, absolute: string): string {
  return path.relative(root, absolute).split(path.sep).join('/');
}

function nameAndVersion(
  relative: string,
  conventions: ((p: string) => ConventionMatch | undefined)[],
): { name: string; version?: string } {
  for (const match of conventions) {
    const m = match(relative);
    if (m?.name) return m.version ? { name: m.name, version: m.version } : { name: m.name };
  }
  const base = path.posix.basename(relative);
  const extension = extensionOf(base);
  return splitVersion(extension ? base.slice(0, -extension.length) : base);
}

function latestTagVersion(tags: readonly string[], artifact: string): string | undefined {
  const prefix = `${artifact}@v`;
  let best: string | undefined;
  for (const tag of tags) {
    if (!tag.startsWith(prefix)) continue;
    const version = tag.slice(prefix.length);
    if (/^\d/.test(version) && (!best || compareVersions(version, best) > 0)) best = version;
  }
  return best;
}

function isGitRefChange(root: string, changed: string): boolean {
  const relative = path.relative(root, path.resolve(root, changed)).split(path.sep).join('/');
  return relative === '.git/packed-refs' || relative.startsWith('.git/refs/tags/');
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

function diff(before: readonly WorkspaceItem[], after: DiscoveryResult): DiscoveryDelta {
  const old = new Map(before.map((i) => [i.id, i]));
  const added: WorkspaceItem[] = [];
  const updated: WorkspaceItem[] = [];
  for (const item of after.items) {
    const previous = old.get(item.id);
    if (!previous) added.push(item);
    else if (JSON.stringify(previous) !== JSON.stringify(item)) updated.push(item);
    old.delete(item.id);
  }
  return { result: after, added, removed: [...old.values()], updated };
}

/** Size and modification time of items, fetched after discovery (a stat each, bounded concurrency). */
export async function statItems(
  items: readonly WorkspaceItem[],
  concurrency = 32,
): Promise<Map<string, { size: number; mtimeMs: number; isDirectory: boolean } | undefined>> {
  const out = new Map<string, { size: number; mtimeMs: number; isDirectory: boolean } | undefined>();
  await forEachLimited(items, concurrency, async (item) => {
    const stat = await fs.stat(item.absolutePath).catch(() => undefined);
    out.set(item.id, stat ? { size: stat.size, mtimeMs: stat.mtimeMs, isDirectory: stat.isDirectory() } : undefined);
  });
  return out;
}

/**
 * The Models item of one registered model version. `store` names the store (its path relative to the folder, or a
 * tracking server's address) and `relativePath` the version's place (its folder or database; a server's address).
 */
export function registryItem(v: RegisteredModelVersion, store: string, relativePath: string): WorkspaceItem {
  const item: WorkspaceItem = {
    id: `model:mlflow:${store}/${v.name}/${v.version}`,
    kind: 'model',
    name: v.name,
    relativePath,
    absolutePath: v.folder,
    source: 'mlflow-registry',
    sources: ['mlflow-registry'],
    isDirectory: v.backend === 'file',
    missing: false,
    tags: [...v.aliases.map((a) => `@${a}`), ...Object.entries(v.tags).map(([k, value]) => `${k}=${value}`)],
    version: v.version,
    mlflow: { store, backend: v.backend, registeredModel: v.name, version: v.version, aliases: v.aliases },
  };
  const mlflow = item.mlflow!;
  if (v.description) item.description = v.description;
  if (v.stage) item.stage = v.stage;
  if (v.runId) mlflow.runId = v.runId;
  if (v.source) mlflow.source = v.source;
  if (v.status) mlflow.status = v.status;
  if (v.created !== undefined) mlflow.created = v.created;
  if (v.lastUpdated !== undefined) mlflow.lastUpdated = v.lastUpdated;
  if (v.user) mlflow.user = v.user;
  return item;
}
