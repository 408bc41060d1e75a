// Finding a folder's sources and reading them, for any adapter: the editor passes VS Code's file search, the CLI
// and tests use the directory walk here. What is found, and how, comes from the definitions in `list.ts`.
import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { SKIPPED_FOLDERS } from '../../checks/defaults/files';
import { readDotEnv } from '../../formats/dotEnv';
import { errorMessage } from '../../logging';
import { hostOf, trackingTarget } from './mlflowServer';
import type { ListingCache } from '../../listingCache';
import type { Run, SourceKind } from '../model';
import { metricSources } from './list';
import type { MetricSourceDefinition, SourceProblem, SourceReadContext } from './types';
import { DVCLIVE_GLOB, followedFiles, hasWorkspaceFiles, liveFoldersOf } from './workspaceFiles';

/** A file search: absolute paths of the files under the folder matching a glob, at most `max`. */
export type FindFiles = (glob: string, max: number) => Promise<string[]>;

/** The most files the directory walk lists. */
const MAX_WALKED_FILES = 200_000;

/** A run folder of an MLflow file store (`…/mlruns/<experiment>/<run>`), relative to the walked root. */
const MLFLOW_RUN_FOLDER = /(?:^|\/)mlruns\/[^/]+\/[^/]+$/;
/** Its folders of one file per key, where no source's marker can be: not walked (a store holds thousands). */
const MLFLOW_KEY_FOLDERS = new Set(['metrics', 'params', 'tags']);

/** A folder's entries as the walk keeps them between processes: its modification time, subfolders and files. */
interface WalkedFolder {
  m: number;
  d: string[];
  f: string[];
}

/** How long ago a folder must have last changed for its entries to be kept (a change in the same clock tick). */
const WALK_SETTLE_MS = 2000;

/** The walked folders a cache holds for a root, by path relative to it; empty when it holds nothing usable. */
function cachedWalk(value: unknown): Record<string, WalkedFolder> {
  if (typeof value !== 'object' || value === null) return {};
  const folders = (value as { folders?: unknown }).folders;
  return typeof folders === 'object' && folders !== null && !Array.isArray(folders)
    ? (folders as Record<string, WalkedFolder>)
    : {};
}

/** Whether a cached folder is usable: well-formed, and the folder's modification time is the one it was read at. */
function stillValid(entry: WalkedFolder | undefined, mtimeMs: number): entry is WalkedFolder {
  return (
    entry !== undefined &&
    entry.m === mtimeMs &&
    Array.isArray(entry.d) &&
    Array.isArray(entry.f) &&
    entry.d.every((n) => typeof n === 'string') &&
    entry.f.every((n) => typeof n === 'string')
  );
}

/**
 * A FindFiles over the file system: one walk (no symlinks followed, version control and caches skipped, and the
 * metrics, params and tags folders of MLflow file-store runs left out).
 *
 * With `cache`, each folder's entries are kept between processes and reused while the folder's modification time is
 * the same (adding, removing or renaming an entry changes it): a folder that did not change costs one stat instead
 * of a listing. Folders changed in the last two seconds are listed every time.
 */
export function walkingFinder(root: string, options: { cache?: ListingCache } = {}): FindFiles {
  let files: string[] | undefined;
  const { cache } = options;
  const cacheKey = `walk:${path.resolve(root)}`;
  const list = (): string[] => {
    if (files) return files;
    files = [];
    const cached = cache ? cachedWalk(cache.read(cacheKey)) : {};
    const kept: Record<string, WalkedFolder> = {};
    let changed = false;
    const started = Date.now();
    const stack = [''];
    while (stack.length && files.length < MAX_WALKED_FILES) {
      const rel = stack.pop() ?? '';
      const full = path.join(root, rel);
      let folder: WalkedFolder;
      try {
        const mtimeMs = cache ? (fs.statSync(full).mtimeMs ?? NaN) : NaN;
        const entry = cached[rel];
        if (stillValid(entry, mtimeMs)) folder = entry;
        else {
          folder = { m: mtimeMs, d: [], f: [] };
          for (const e of fs.readdirSync(full, { withFileTypes: true })) {
            if (e.isDirectory()) folder.d.push(e.name);
            else if (e.isFile()) folder.f.push(e.name);
          }
          changed = true;
        }
      } catch {
        continue;
      }
      // The modification time was read before the listing: a folder changed since is listed again next time.
      if (cache && folder.m < started - WALK_SETTLE_MS) kept[rel] = folder;
      const mlflowRun = MLFLOW_RUN_FOLDER.test(rel);
      const prefix = rel ? `${rel}/` : '';
      for (const name of folder.d)
        if (!SKIPPED_FOLDERS.has(name) && !(mlflowRun && MLFLOW_KEY_FOLDERS.has(name))) stack.push(prefix + name);
      for (const name of folder.f) files.push(prefix + name);
    }
    if (cache && (changed || Object.keys(kept).length !== Object.keys(cached).length))
      cache.write(cacheKey, { folders: kept });
    files.sort();
    return files;
  };
  return (glob, max) => {
    const match = picomatch(glob, { dot: true });
    return Promise.resolve(
      list()
        .filter((f) => match(f))
        .slice(0, max)
        .map((f) => path.join(root, ...f.split('/'))),
    );
  };
}

/** One source location of a folder. */
export interface SourceLocation {
  definition: MetricSourceDefinition;
  location: string;
}

export interface Discovered {
  /** The located sources with marker globs (MLflow stores and databases, TensorBoard folders, ...), by kind. */
  located: Map<SourceKind, string[]>;
  /** DVCLive folders found, relative to the root. */
  live: string[];
  /** The tracking server a tracking URI names. */
  server?: string;
  problems: SourceProblem[];
}

export interface DiscoverOptions {
  find?: FindFiles;
  /** An MLflow tracking URI: a server, a file store or a database. */
  trackingUri?: string;
  /** Where the tracking URI came from, for messages (default: "the tracking URI"). */
  trackingUriName?: string;
  /** Locations a watcher just reported, taken as they are (a search may not see them yet). */
  found?: Partial<Record<SourceKind, string[]>>;
  /** Where the directory walk (when no `find` is given) keeps folder listings between processes. */
  walkCache?: ListingCache;
}

/** The sources found by their marker globs, the DVCLive folders and the tracking URI's target. */
export async function discoverSources(root: string, options: DiscoverOptions = {}): Promise<Discovered> {
  const find = options.find ?? walkingFinder(root, { cache: options.walkCache });
  const problems: SourceProblem[] = [];
  const located = new Map<SourceKind, string[]>();
  await Promise.all(
    metricSources.map(async (definition) => {
      const discovery = definition.discovery;
      if (typeof discovery === 'string') return;
      const matches = (await Promise.all(discovery.globs.map((g) => find(g, discovery.maxResults)))).flat();
      const found = options.found?.[definition.kind] ?? [];
      located.set(definition.kind, [...new Set([...discovery.locate(matches, root), ...found])].sort());
    }),
  );
  // An mlruns folder without experiments yet is still MLflow's store.
  const rootStore = path.join(root, 'mlruns');
  if (isDirectory(rootStore)) add(located, 'mlflow-file', rootStore);
  const live = liveFoldersOf(await find(DVCLIVE_GLOB, 100), root);
  let server: string | undefined;
  const uri = options.trackingUri?.trim();
  if (uri) {
    const name = options.trackingUriName ?? 'the tracking URI';
    const target = trackingTarget(uri, root);
    if (target.kind === 'server') server = target.location;
    else if (target.kind === 'store' && isDirectory(target.location)) add(located, 'mlflow-file', target.location);
    else if (target.kind === 'database' && fs.existsSync(target.location))
      add(located, 'mlflow-sqlite', target.location);
    else if (target.kind === 'unsupported')
      problems.push({ severity: 'warning', message: `${name}: ${target.reason}` });
    else problems.push({ severity: 'warning', message: `${name}: ${target.location} does not exist.` });
  } else {
    const envUri = readDotEnv(path.join(root, DOT_ENV))[TRACKING_URI_VARIABLE]?.trim();
    if (envUri) discoverDotEnvTarget(envUri, root, located, problems);
  }
  return { located, live, server, problems };
}

const DOT_ENV = '.env';
const TRACKING_URI_VARIABLE = 'MLFLOW_TRACKING_URI';

/**
 * The store a committed `.env` names with MLFLOW_TRACKING_URI (`sqlite:///mlruns.db`, a file store), read like the
 * stores found in the folder. A tracking server named there is not contacted: a cloned repository must not choose
 * where a tracking token is sent; the problem says how to read it.
 */
function discoverDotEnvTarget(
  uri: string,
  root: string,
  located: Map<SourceKind, string[]>,
  problems: SourceProblem[],
): void {
  const name = `${DOT_ENV} (${TRACKING_URI_VARIABLE})`;
  const target = trackingTarget(uri, root);
  if (target.kind === 'server')
    problems.push({
      severity: 'info',
      message: `${name} names the tracking server ${hostOf(target.location)}; it is read only when a setting, --tracking-uri or the ${TRACKING_URI_VARIABLE} variable names it (mlops.mlflow.trackingUri in the editor).`,
    });
  else if (target.kind === 'store' && isDirectory(target.location)) add(located, 'mlflow-file', target.location);
  else if (target.kind === 'database' && fs.existsSync(target.location)) add(located, 'mlflow-sqlite', target.location);
  else if (target.kind === 'unsupported') problems.push({ severity: 'warning', message: `${name}: ${target.reason}` });
  // A store not created yet (a fresh clone: the database is not committed) is nothing to read and nothing wrong.
}

function add(located: Map<SourceKind, string[]>, kind: SourceKind, location: string): void {
  const list = located.get(kind) ?? [];
  if (!list.includes(location)) located.set(kind, [...list, location].sort());
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** A source of a folder with its runs, as the Experiments view and `mlops metrics show` list it. */
export interface ListedSource {
  kind: SourceKind;
  /** A path, or the tracking server's address. */
  location: string;
  /** What it is: Workspace, Git history, MLflow, MLflow server, TensorBoard. */
  label: string;
  /** Where it is: a path relative to the folder, the folder's name, or the server's host. */
  where: string;
  runs: Run[];
  problems: SourceProblem[];
}

export interface ReadSourcesOptions extends DiscoverOptions {
  /** mlops.yaml's models[].metrics. */
  modelMetrics?: readonly string[];
  /** Only these metrics files (instead of dvc.yaml's, mlops.yaml's and DVCLive's). */
  metricsFiles?: readonly string[];
  /** Only these kinds (`file` and `dvc` both name the workspace); default every kind. */
  kinds?: ReadonlySet<SourceKind>;
  /** Whether sources that need trust (git, a server) may be read (default true). */
  trusted?: boolean;
  /** Context for the reads (token, timeout, sql.js, history scope). */
  context?: Partial<Omit<SourceReadContext, 'root' | 'followed'>>;
  /**
   * Every metric's whole history, from the sources whose `read` gives only the latest values (MLflow): for min and
   * max over the steps. Costs a second read of those sources.
   */
  fullHistory?: boolean;
}

/** Every source of a folder, discovered and read, in list order (the order the Experiments view shows). */
export async function readSources(root: string, options: ReadSourcesOptions = {}): Promise<ListedSource[]> {
  const discovered = await discoverSources(root, {
    ...options,
    walkCache: options.walkCache ?? options.context?.cache,
  });
  const {
    followed,
    kind: workspaceKind,
    problems: configProblems,
  } = followedFiles(root, {
    modelMetrics: options.modelMetrics,
    liveFolders: discovered.live,
  });
  if (options.metricsFiles) {
    followed.metrics = [...options.metricsFiles];
    followed.plots = [];
    followed.params = [];
  }
  const context: SourceReadContext = { ...options.context, root, followed };
  const wanted = (d: MetricSourceDefinition): boolean =>
    !options.kinds || options.kinds.has(d.kind) || (d.aliases ?? []).some((a) => options.kinds?.has(a));
  const relative = (p: string): string => path.relative(root, p).split(path.sep).join('/') || '.';
  const out: ListedSource[] = [];
  for (const definition of metricSources) {
    if (!wanted(definition)) continue;
    const locations: { location: string; where: string; kind: SourceKind }[] = [];
    const discovery = definition.discovery;
    if (discovery === 'workspace') {
      if (hasWorkspaceFiles(followed) || configProblems.length || discovered.problems.length)
        locations.push({
          location: root,
          where:
            workspaceKind === 'dvc'
              ? 'dvc.yaml'
              : followed.metrics.length === 1
                ? (followed.metrics[0] ?? '')
                : 'mlops.yaml',
          kind: workspaceKind,
        });
    } else if (discovery === 'repository') {
      if (hasWorkspaceFiles(followed) && isGitRepository(root))
        locations.push({ location: root, where: path.basename(root), kind: definition.kind });
    } else if (discovery === 'trackingUri') {
      if (discovered.server)
        locations.push({ location: discovered.server, where: hostOf(discovered.server), kind: definition.kind });
    } else
      for (const location of discovered.located.get(definition.kind) ?? [])
        locations.push({ location, where: relative(location), kind: definition.kind });
    for (const { location, where, kind } of locations) {
      const listed: ListedSource = { kind, location, label: definition.label, where, runs: [], problems: [] };
      if (discovery === 'workspace')
        for (const problem of [configProblems, discovered.problems].flat()) listed.problems.push(problem);
      if (definition.needs.trust && options.trusted === false) {
        listed.problems.push({
          severity: 'warning',
          message: `${definition.label} is not read in an untrusted workspace.`,
        });
      } else {
        try {
          const result = await definition.read(location, context);
          listed.runs =
            options.fullHistory && definition.readFull ? await definition.readFull(location, context) : result.runs;
          for (const problem of result.problems) listed.problems.push(problem);
        } catch (err) {
          listed.problems.push({ severity: 'warning', message: errorMessage(err) });
        }
      }
      out.push(listed);
    }
  }
  return out;
}

/** Whether the folder is in a git repository (found without running git). */
function isGitRepository(root: string): boolean {
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, '.git'))) return true;
    if (path.dirname(dir) === dir) return false;
  }
}
