// The values of metrics, params and plots files at every revision that touched them, read with ONE `git log` (over
// the chosen refs, limited to the files) and ONE long-lived `git cat-file --batch` for every blob, never a process
// per commit.
//
// - Refs: HEAD (the current branch), optionally every local branch, tags, and DVC experiment refs
//   (`refs/exps/<2 hex>/<38 hex>/<name>`).
// - Merges: by default history follows first parents (`--first-parent`): a merge is one revision carrying what the
//   merged branch changed, and a merged branch's own commits appear only while a chosen ref still points into them.
//   `merges: 'all-parents'` walks every parent (`--full-history`), so merged branches' commits appear too.
// - Renames: a metrics or params file renamed (same extension) is followed under its current name (`-M`).
// - Shallow clones: `shallow` is true and `start` is the boundary commit, the oldest one history can reach.
// - A repository without commits gives an empty result; a folder outside git a NotARepositoryError; no git a
//   GitNotFoundError.
// - Revision.parents of a run from git log are its parents within the followed history (git's parent rewriting:
//   the nearest ancestors that changed a followed file; a merge's other parents as they are); a ref tip that did
//   not touch the files, read directly, has its own parents.
import path from 'node:path';
import fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import {
  combineFiles,
  isPlotDataFile,
  parseLoaded,
  type Combined,
  type LoadedFile,
  type ParamsFile,
} from '../formats/dvc/project';
import { MetricsError, type Revision, type Run, type Split } from '../metrics/model';
import { type SplitTokens } from '../metrics/split';
import { AmbiguousExperimentError, EXPERIMENT_REF, resolveExperiment, type ExperimentRef } from './experimentRefs';
import { CatFileBatch, listTreeBlobs, parseCommit, type CommitInfo } from './catFile';
import { isRegistryEventTag } from '../formats/gto/tags';
import { NotARepositoryError } from './gitProcess';
import { runGit } from './run';

export interface FollowedFiles {
  /** Metrics files, relative to the folder given. */
  metrics?: string[];
  /** Params files (with the keys tracked, when only some are). */
  params?: (string | ParamsFile)[];
  /** Plots files or folders. */
  plots?: string[];
}

export interface HistoryOptions extends FollowedFiles {
  /** 'current' (default): HEAD only; 'all': every local branch too. */
  branches?: 'current' | 'all';
  /** Follow tags (default true). */
  tags?: boolean;
  /** Follow DVC experiment refs (default true). */
  experiments?: boolean;
  merges?: 'first-parent' | 'all-parents';
  /** At most this many commits from git log (the newest). */
  maxCount?: number;
  splits?: SplitTokens;
  /**
   * Files whose change makes a revision but which are not read as metrics or params: the DVC files that record a
   * DVC-cached metrics file's hash (dvc.lock, `<file>.dvc`), whose values come from the DVC cache afterwards.
   */
  markers?: string[];
}

export interface HistoryResult {
  /** One run per revision, newest first (by author date). */
  runs: Run[];
  /** Files that could not be parsed at some revision (location `<short sha>:<path>`); the rest still loads. */
  errors: MetricsError[];
  /** True for a shallow clone: history stops at `start`. */
  shallow: boolean;
  /** Where history starts: the shallow boundary commit of a shallow clone, else the oldest revision found. */
  start?: Revision;
  /** The repository's top-level folder. */
  root: string;
}

interface RepoInfo {
  root: string;
  /** The folder given, relative to the root, with a trailing slash ('' at the root). */
  prefix: string;
  shallow: boolean;
  commonDir: string;
}

interface RefInfo {
  name: string;
  commit: string;
  current: boolean;
}

interface Followed {
  /** Path relative to the repository root. */
  top: string;
  /** Path as the caller gave it (relative to the folder given). */
  given: string;
  role: LoadedFile['role'];
  folder: boolean;
  keys?: string[];
  /** A marker (see HistoryOptions.markers): its changes make revisions, its content is never read. */
  marker?: true;
}

const expRef = EXPERIMENT_REF;

async function repoInfo(folder: string): Promise<RepoInfo> {
  if (!fs.existsSync(folder)) throw new NotARepositoryError(folder);
  const { stdout, code, stderr } = await runGit(folder, [
    'rev-parse',
    '--show-toplevel',
    '--show-prefix',
    '--is-shallow-repository',
    '--git-common-dir',
  ]);
  if (code !== 0) throw new Error(`git rev-parse failed in ${folder}: ${stderr.trim()}`);
  const [root, prefix, shallow, commonDir] = stdout.toString('utf8').split('\n');
  if (!root) throw new NotARepositoryError(folder);
  return {
    root,
    prefix: prefix ?? '',
    shallow: shallow === 'true',
    commonDir: path.resolve(folder, commonDir ?? '.git'),
  };
}

async function listRefs(root: string): Promise<RefInfo[]> {
  const format = '%(objectname)%00%(objecttype)%00%(*objectname)%00%(*objecttype)%00%(refname)%00%(HEAD)';
  const { stdout, code, stderr } = await runGit(root, ['for-each-ref', `--format=${format}`]);
  if (code !== 0) throw new Error(`git for-each-ref failed: ${stderr.trim()}`);
  const refs: RefInfo[] = [];
  for (const line of stdout.toString('utf8').split('\n')) {
    if (!line) continue;
    const [oid, type, peeled, peeledType, name, head] = line.split('\0');
    const commit = type === 'commit' ? oid : type === 'tag' && peeledType === 'commit' ? peeled : undefined;
    if (commit && name !== undefined) refs.push({ name, commit, current: head === '*' });
  }
  return refs;
}

function refDisplayName(name: string): { kind: 'branch' | 'tag' | 'exp' | 'other'; short: string } {
  if (name.startsWith('refs/heads/')) return { kind: 'branch', short: name.slice(11) };
  if (name.startsWith('refs/tags/')) return { kind: 'tag', short: name.slice(10) };
  const exp = expRef.exec(name);
  if (exp) return { kind: 'exp', short: exp[3] ?? '' };
  return { kind: 'other', short: name.replace(/^refs\/(remotes\/)?/, '') };
}

interface Decorations {
  tags: Map<string, string[]>;
  refs: Map<string, string[]>;
  experiments: Map<string, string>;
  branches: Map<string, string[]>;
}

function decorations(refs: RefInfo[]): Decorations {
  const d: Decorations = { tags: new Map(), refs: new Map(), experiments: new Map(), branches: new Map() };
  const add = (map: Map<string, string[]>, key: string, value: string): void => {
    const list = map.get(key);
    if (list) list.push(value);
    else map.set(key, [value]);
  };
  for (const ref of refs) {
    const { kind, short } = refDisplayName(ref.name);
    if (kind === 'tag') {
      // A model registry's stage, deregistration and deprecation tags are events, not releases of the revision.
      if (isRegistryEventTag(short)) continue;
      add(d.tags, ref.commit, short);
      add(d.refs, ref.commit, short);
    } else if (kind === 'branch') {
      add(d.branches, ref.commit, short);
      add(d.refs, ref.commit, short);
    } else if (kind === 'exp') {
      d.experiments.set(ref.commit, short);
      add(d.refs, ref.commit, ref.name);
    }
  }
  return d;
}

function revision(sha: string, info: Omit<CommitInfo, 'tree'>, deco: Decorations): Revision {
  return {
    sha,
    shortSha: sha.slice(0, 7),
    subject: info.subject,
    author: info.author,
    authorEmail: info.authorEmail,
    date: info.date,
    tags: deco.tags.get(sha) ?? [],
    refs: deco.refs.get(sha) ?? [],
    parents: info.parents,
  };
}

function label(rev: Revision, experiment: string | undefined, branches: string[] | undefined): string {
  if (experiment) return experiment;
  if (rev.tags.length) return `${rev.shortSha} ${rev.tags.join(', ')}`;
  if (branches?.length) return `${rev.shortSha} ${branches.join(', ')}`;
  const subject = rev.subject.length > 60 ? `${rev.subject.slice(0, 59)}…` : rev.subject;
  return subject ? `${rev.shortSha} ${subject}` : rev.shortSha;
}

function followedList(info: RepoInfo, files: FollowedFiles, markers: readonly string[] = []): Followed[] {
  const out: Followed[] = [];
  const clean = (p: string): string => p.split(path.sep).join('/').replace(/^\.\//, '').replace(/\/+$/, '');
  const top = (p: string): string => path.posix.normalize(info.prefix + clean(p));
  for (const m of markers) out.push({ top: top(m), given: clean(m), role: 'metrics', folder: false, marker: true });
  for (const m of files.metrics ?? []) out.push({ top: top(m), given: clean(m), role: 'metrics', folder: false });
  for (const p of files.params ?? []) {
    const spec = typeof p === 'string' ? { path: p } : p;
    out.push({
      top: top(spec.path),
      given: clean(spec.path),
      role: 'params',
      folder: false,
      ...(spec.keys ? { keys: spec.keys } : {}),
    });
  }
  for (const p of files.plots ?? []) {
    const folder = !isPlotDataFile(p);
    out.push({ top: top(p), given: clean(p), role: 'plots', folder });
  }
  return out;
}

/** Pathspecs: each followed path literally, plus `**\/*.ext` per file extension so renames are seen (-M). */
function pathspecs(followed: Followed[]): string[] {
  const specs = new Set<string>();
  for (const f of followed) {
    specs.add(`:(literal)${f.top}`);
    const ext = path.posix.extname(f.top);
    // A marker's renames do not matter (and `**/*.lock` would list every lock file's commits).
    if (!f.folder && !f.marker && ext && /^\.[A-Za-z0-9_-]+$/.test(ext)) specs.add(`:(glob)**/*${ext}`);
  }
  return [...specs];
}

interface RawChange {
  status: string;
  dst: string;
  path: string;
  from?: string;
}

interface LogCommit {
  sha: string;
  parents: string[];
  author: string;
  email: string;
  date: number;
  subject: string;
  changes: RawChange[];
}

/** Parses `git log -z --raw --format=%x1e%H%x00%P%x00%an%x00%ae%x00%at%x00%s`. */
export function parseLogOutput(out: string): LogCommit[] {
  const commits: LogCommit[] = [];
  let at = out.indexOf('\x1e');
  while (at >= 0 && at < out.length) {
    at++;
    const fields: string[] = [];
    for (let f = 0; f < 6; f++) {
      const end = out.indexOf('\0', at);
      if (end < 0) return commits;
      fields.push(out.slice(at, end));
      at = end + 1;
    }
    const [sha = '', parents = '', author = '', email = '', date, subject = ''] = fields;
    const commit: LogCommit = {
      sha,
      parents: parents ? parents.split(' ') : [],
      author,
      email,
      date: Number(date) * 1000,
      subject,
      changes: [],
    };
    for (;;) {
      while (at < out.length && (out[at] === '\n' || out[at] === '\0')) at++;
      if (at >= out.length || out[at] !== ':') break;
      const metaEnd = out.indexOf('\0', at);
      if (metaEnd < 0) break;
      const meta = out.slice(at + 1, metaEnd).split(' ');
      const status = meta[4] ?? '';
      const dst = meta[3] ?? '';
      const p1End = out.indexOf('\0', metaEnd + 1);
      if (p1End < 0) break;
      const p1 = out.slice(metaEnd + 1, p1End);
      at = p1End + 1;
      const letter = status.charAt(0);
      if (letter === 'R' || letter === 'C') {
        const p2End = out.indexOf('\0', at);
        if (p2End < 0) break;
        commit.changes.push({ status: letter, dst, path: out.slice(at, p2End), from: p1 });
        at = p2End + 1;
      } else commit.changes.push({ status: letter, dst, path: p1 });
    }
    commits.push(commit);
    // Every step moves forward: the next record starts at the next record separator, if any.
    if (at < out.length && out[at] !== '\x1e') at = out.indexOf('\x1e', at);
  }
  return commits;
}

/**
 * Parses git log output as it streams in: complete records (those followed by the next record separator) are
 * returned at once, the partial last one waits for more output. A subject holding the separator byte (0x1e)
 * would split a record; git never writes one on its own.
 */
class LogStream {
  private readonly decoder = new StringDecoder('utf8');
  private text = '';

  push(chunk: Buffer): LogCommit[] {
    this.text += this.decoder.write(chunk);
    const last = this.text.lastIndexOf('\x1e');
    if (last <= 0) return [];
    const complete = this.text.slice(0, last);
    this.text = this.text.slice(last);
    return parseLogOutput(complete);
  }

  end(): LogCommit[] {
    const rest = this.text + this.decoder.end();
    this.text = '';
    return parseLogOutput(rest);
  }
}

type State = Map<string, string>;

/** Which followed entry a repository path belongs to (by its current name), or undefined. */
function matcher(followed: Followed[], aliases: Map<string, string>): (p: string) => Followed | undefined {
  const exact = new Map<string, Followed>();
  const folders: Followed[] = [];
  for (const f of followed) {
    if (f.folder) folders.push(f);
    else if (!exact.has(f.top)) exact.set(f.top, f);
  }
  return (p) => {
    const name = aliases.get(p) ?? p;
    const hit = exact.get(name);
    if (hit) return hit;
    // A plots folder also holds the figures (DVC image plots): only its data files carry values.
    if (!isPlotDataFile(name)) return undefined;
    return folders.find((f) => f.top === '' || name.startsWith(`${f.top}/`));
  };
}

/** The path a caller sees: a followed file's given name, or a file under a followed folder relative to the folder given. */
function shownPath(f: Followed, current: string, prefix: string): string {
  if (!f.folder) return f.given;
  return prefix && current.startsWith(prefix) ? current.slice(prefix.length) : current;
}

/** Files of a state as LoadedFile stubs (content filled from blobs later), with followed names. */
function filesOf(
  state: State,
  match: (p: string) => Followed | undefined,
  aliases: Map<string, string>,
  prefix: string,
): { followed: Followed; path: string; oid: string }[] {
  const out: { followed: Followed; path: string; oid: string }[] = [];
  for (const [p, oid] of state) {
    const f = match(p);
    if (!f) continue;
    out.push({ followed: f, path: shownPath(f, aliases.get(p) ?? p, prefix), oid });
  }
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** Reads the followed files at a tree-ish through cat-file: exact files by `rev:path`, folders by walking trees. */
async function stateAt(
  cat: CatFileBatch,
  rev: string,
  followed: Followed[],
  aliases: Map<string, string>,
): Promise<State> {
  const state: State = new Map();
  const names: string[] = [];
  for (const f of followed) {
    names.push(f.top);
    for (const [old, current] of aliases) if (current === f.top) names.push(old);
  }
  const unique = [...new Set(names)];
  const objects = await cat.readMany(unique.map((n) => `${rev}:${n}`));
  await Promise.all(
    objects.map(async (o, i) => {
      const name = unique[i];
      if (!o || name === undefined) return;
      if (o.type === 'blob') state.set(name, o.oid);
      else if (o.type === 'tree')
        for (const b of await listTreeBlobs(cat, o.oid)) state.set(`${name}/${b.path}`, b.oid);
    }),
  );
  return state;
}

/** Reads every blob once (one batch) and builds runs. */
class RunBuilder {
  private readonly blobs = new Map<string, Buffer | undefined>();
  private readonly parsed = new Map<string, unknown>();
  private readonly failed = new Map<string, MetricsError>();
  readonly errors: MetricsError[] = [];

  constructor(
    private readonly cat: CatFileBatch,
    root: string,
    private readonly splits: SplitTokens | undefined,
  ) {
    this.source = { kind: 'git', location: root };
  }

  private readonly requested = new Set<string>();
  private batch: { oid: string; followed?: Followed; path?: string; location?: string }[] = [];
  private readonly pending: Promise<void>[] = [];

  has(oid: string): boolean {
    return this.requested.has(oid);
  }

  /**
   * Queues a blob for reading (once). With the followed entry it belongs to, it is parsed and turned into series as
   * soon as it arrives, while git is still producing the rest.
   */
  request(oid: string, followed?: Followed, shown?: string, location?: string): void {
    if (this.requested.has(oid)) return;
    this.requested.add(oid);
    this.batch.push(followed ? { oid, followed, path: shown, location } : { oid });
  }

  /** Sends the queued requests to cat-file in one write. */
  flush(): void {
    if (this.batch.length === 0) return;
    const batch = this.batch;
    this.batch = [];
    this.pending.push(
      this.cat.readMany(batch.map((b) => b.oid)).then((objects) => {
        for (const [i, request] of batch.entries()) {
          const { oid, followed, path: shown, location } = request;
          const object = objects[i];
          this.blobs.set(oid, object?.type === 'blob' ? object.content : undefined);
          if (!followed || !shown || !location) continue;
          if (followed.role === 'plots') {
            const content = this.blobs.get(oid);
            if (!content) continue;
            try {
              this.parse({ path: shown, role: followed.role, content, location, oid });
            } catch {
              // Recorded in errors; the revision shows without this file.
            }
          } else this.contribution(followed, shown, oid, location);
        }
      }),
    );
  }

  /** Waits for every blob requested so far. */
  async settle(): Promise<void> {
    this.flush();
    await Promise.all(this.pending);
  }

  /** Parse results and per-file contributions are shared by every revision holding the same blob. */
  private readonly contributions = new Map<Followed, Map<string, { combined: Combined; used: boolean }>>();
  private readonly splitCache = new Map<string, { split?: Split; baseKey: string }>();
  private readonly source: Run['source'];

  build(
    sha: string,
    rev: Revision,
    files: { followed: Followed; path: string; oid: string }[],
    experiment: string | undefined,
    branches: string[] | undefined,
  ): Run {
    // Without plots files, a revision is the sum of its files: each blob is combined once and reused.
    const combined = files.some((f) => f.followed.role === 'plots')
      ? this.combine(this.loaded(files, rev))
      : this.sum(files, rev);
    const run: Run = {
      id: sha,
      source: this.source,
      label: label(rev, experiment, branches),
      revision: sha,
      revisionInfo: rev,
      time: rev.date,
      params: combined.params,
      tags: {},
      status: 'finished',
      metrics: combined.metrics,
    };
    if (experiment) run.experiment = experiment;
    if (combined.textMetrics.length) run.textMetrics = combined.textMetrics;
    return run;
  }

  private loaded(
    files: { followed: Followed; path: string; oid: string }[],
    rev: Revision,
  ): (LoadedFile & { oid: string })[] {
    const loaded: (LoadedFile & { oid: string })[] = [];
    for (const f of files) {
      const content = this.blobs.get(f.oid);
      if (!content) continue;
      const file: LoadedFile & { oid: string } = {
        path: f.path,
        role: f.followed.role,
        content,
        location: `${rev.shortSha}:${f.path}`,
        oid: f.oid,
      };
      if (f.followed.keys) file.keys = f.followed.keys;
      loaded.push(file);
    }
    return loaded;
  }

  /** The series, text metrics and params one blob gives one followed file (computed once, reused). */
  private contribution(
    followed: Followed,
    shown: string,
    oid: string,
    location: string,
  ): { combined: Combined; used: boolean } {
    let byEntry = this.contributions.get(followed);
    if (!byEntry) {
      byEntry = new Map();
      this.contributions.set(followed, byEntry);
    }
    const key = `${oid}\0${shown}`;
    let entry = byEntry.get(key);
    if (!entry) {
      const content = this.blobs.get(oid);
      const combined = content
        ? this.combine([
            {
              path: shown,
              role: followed.role,
              content,
              location,
              oid,
              ...(followed.keys ? { keys: followed.keys } : {}),
            },
          ])
        : { metrics: [], textMetrics: [], params: {}, errors: [] };
      entry = { combined, used: false };
      byEntry.set(key, entry);
    }
    return entry;
  }

  private sum(files: { followed: Followed; path: string; oid: string }[], rev: Revision): Combined {
    const total: Combined = { metrics: [], textMetrics: [], params: {}, errors: [] };
    for (const f of files) {
      const entry = this.contribution(f.followed, f.path, f.oid, `${rev.shortSha}:${f.path}`);
      const c = entry.combined;
      // The first revision takes the objects; later ones get copies, so no two runs share a series.
      if (entry.used) {
        for (const s of c.metrics) total.metrics.push({ ...s, points: s.points.map((p) => ({ ...p })) });
        for (const t of c.textMetrics) total.textMetrics.push({ ...t });
      } else {
        for (const s of c.metrics) total.metrics.push(s);
        for (const t of c.textMetrics) total.textMetrics.push(t);
        entry.used = true;
      }
      Object.assign(total.params, c.params);
    }
    return total;
  }

  private combine(loaded: (LoadedFile & { oid: string })[]): Combined {
    return combineFiles(loaded, {
      splits: this.splits,
      splitCache: this.splitCache,
      parse: (file) => this.parse(file as LoadedFile & { oid: string }),
    });
  }

  /** Parses a blob once per (blob, role, extension); a failure is recorded once and rethrown. */
  private parse(file: LoadedFile & { oid: string }): unknown {
    const key = `${file.oid}\0${file.role}\0${path.posix.extname(file.path).toLowerCase()}`;
    const failure = this.failed.get(key);
    if (failure) throw failure;
    if (this.parsed.has(key)) return this.parsed.get(key);
    try {
      const value = parseLoaded(file);
      this.parsed.set(key, value);
      return value;
    } catch (err) {
      const error = err instanceof MetricsError ? err : new MetricsError(String(err), file.location ?? file.path);
      this.failed.set(key, error);
      this.errors.push(error);
      throw error;
    }
  }
}

function readShallowBoundary(info: RepoInfo): string[] {
  try {
    return fs
      .readFileSync(path.join(info.commonDir, 'shallow'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
  } catch {
    return [];
  }
}

/**
 * The followed files at every revision that changed them, on the chosen refs, plus the tips of those refs.
 * Paths are relative to `folder` (which may be a subfolder of the repository).
 */
export async function readHistory(folder: string, options: HistoryOptions): Promise<HistoryResult> {
  if (!fs.existsSync(folder)) throw new NotARepositoryError(folder);
  // cat-file, rev-parse and for-each-ref start together; git log follows as soon as the refs are known.
  const cat = new CatFileBatch(folder);
  try {
    const [info, refs, head] = await Promise.all([repoInfo(folder), listRefs(folder), cat.read('HEAD^{commit}')]);
    const followed = followedList(info, options, options.markers);
    const deco = decorations(refs);
    const result: HistoryResult = { runs: [], errors: [], shallow: info.shallow, root: info.root };
    const tips = new Map<string, string | undefined>();
    if (head) tips.set(head.oid, undefined);
    for (const ref of refs) {
      const { kind } = refDisplayName(ref.name);
      if (
        (kind === 'branch' && options.branches === 'all') ||
        (kind === 'tag' && options.tags !== false) ||
        (kind === 'exp' && options.experiments !== false)
      )
        tips.set(ref.commit, ref.name);
    }
    if (tips.size === 0 || followed.length === 0) return result;

    const firstParent = (options.merges ?? 'first-parent') === 'first-parent';
    const args = [
      'log',
      '-z',
      '--raw',
      '--no-abbrev',
      '-M',
      '--root',
      // Date order streams at once (topological order would wait for the whole walk); a parent listed before
      // its child (clock skew) is handled by reading its state directly.
      '--parents',
      '--no-color',
      '--no-show-signature',
      '--encoding=UTF-8',
      '--diff-merges=first-parent',
      firstParent ? '--first-parent' : '--full-history',
      '--format=%x1e%H%x00%P%x00%an%x00%ae%x00%at%x00%s',
      ...(options.maxCount ? [`--max-count=${options.maxCount}`] : []),
      '--stdin',
      '--',
      ...pathspecs(followed),
    ];

    // While git log streams (newest first), renames are learned and each followed file's new blob is sent to
    // cat-file and parsed on arrival, so git log, cat-file and parsing overlap.
    const builder = new RunBuilder(cat, info.root, options.splits);
    const commits: LogCommit[] = [];
    const aliases = new Map<string, string>();
    const direct = matcher(followed, new Map());
    const match = matcher(followed, aliases);
    const learn = (batch: LogCommit[]): void => {
      for (const c of batch) {
        commits.push(c);
        for (const ch of c.changes) {
          if (ch.status === 'R' && ch.from) {
            const current = aliases.get(ch.path) ?? ch.path;
            const f = direct(current);
            if (f && !f.folder && !aliases.has(ch.from)) aliases.set(ch.from, current);
          }
          if (ch.status === 'D' || builder.has(ch.dst)) continue;
          const f = match(ch.path);
          if (!f || f.marker) continue;
          const shown = shownPath(f, aliases.get(ch.path) ?? ch.path, info.prefix);
          builder.request(ch.dst, f, shown, `${c.sha.slice(0, 7)}:${shown}`);
        }
      }
      builder.flush();
    };
    const stream = new LogStream();
    const log = await runGit(info.root, args, {
      input: [...tips.keys()].join('\n') + '\n',
      onStdout: (chunk) => learn(stream.push(chunk)),
    });
    learn(stream.end());
    if (log.code !== 0) throw new Error(`git log failed in ${info.root}: ${log.stderr.trim()}`);

    // States oldest first: a commit's state is its (rewritten) first parent's plus its own changes.
    const states = new Map<string, State>();
    const changed = new Set<string>();
    const listed = new Set(commits.map((c) => c.sha));
    for (const c of [...commits].reverse()) {
      const parent = c.parents[0];
      let state: State;
      if (!parent) state = new Map();
      else if (states.has(parent)) state = new Map(states.get(parent));
      else state = await stateAt(cat, parent, followed, aliases); // outside the listed range (--max-count)
      let touched = false;
      for (const ch of c.changes) {
        if (ch.from && ch.status === 'R' && match(ch.from)) {
          state.delete(ch.from);
          touched = true;
        }
        if (!match(ch.path)) continue;
        touched = true;
        if (ch.status === 'D') state.delete(ch.path);
        else state.set(ch.path, ch.dst);
      }
      states.set(c.sha, state);
      if (touched) changed.add(c.sha);
    }

    // Ref tips git log did not list (they did not touch the files): read their state and commit directly.
    const extraTips = [...tips.keys()].filter((t) => !listed.has(t));
    const tipCommits = await cat.readMany(extraTips);
    const tipInfo = new Map<string, CommitInfo>();
    for (const [i, tip] of extraTips.entries()) {
      const o = tipCommits[i];
      if (o?.type !== 'commit') continue;
      tipInfo.set(tip, parseCommit(o.content));
      states.set(tip, await stateAt(cat, tip, followed, aliases));
    }

    const emitted: { sha: string; rev: Revision }[] = [];
    for (const c of commits) {
      if (!changed.has(c.sha) && !tips.has(c.sha)) continue;
      emitted.push({
        sha: c.sha,
        rev: revision(
          c.sha,
          { parents: c.parents, author: c.author, authorEmail: c.email, date: c.date, subject: c.subject },
          deco,
        ),
      });
    }
    for (const [sha, commitInfo] of tipInfo) emitted.push({ sha, rev: revision(sha, commitInfo, deco) });

    for (const e of emitted)
      for (const [file, oid] of states.get(e.sha)!) if (!match(file)?.marker) builder.request(oid);
    await builder.settle();
    for (const e of emitted) {
      const files = filesOf(states.get(e.sha)!, match, aliases, info.prefix);
      if (files.length === 0) continue;
      // A revision holding only markers is a run without values yet (the DVC cache may fill them).
      const read = files.filter((f) => !f.followed.marker);
      result.runs.push(builder.build(e.sha, e.rev, read, deco.experiments.get(e.sha), deco.branches.get(e.sha)));
    }
    result.runs.sort((a, b) => (b.time ?? 0) - (a.time ?? 0));
    result.errors = builder.errors;

    if (info.shallow) {
      const boundary = readShallowBoundary(info);
      const objects = await cat.readMany(boundary);
      const candidates = objects.flatMap((o, i) => {
        const sha = boundary[i];
        return o?.type === 'commit' && sha !== undefined ? [revision(sha, parseCommit(o.content), deco)] : [];
      });
      result.start = candidates.sort((a, b) => a.date - b.date)[0];
    } else {
      const oldest = result.runs.at(-1);
      if (oldest) result.start = oldest.revisionInfo;
    }
    return result;
  } finally {
    await cat.close();
  }
}

export interface RevisionResult {
  run: Run;
  errors: MetricsError[];
  /** Followed files that do not exist at that revision. */
  missing: string[];
}

/** The followed files at one revision (a sha, branch, tag or any `git rev-parse` name). */
export async function readAtRevision(
  folder: string,
  rev: string,
  files: FollowedFiles & {
    splits?: SplitTokens;
    /** List the refs to name the revision's tags and branches (default true); false skips that git call. */
    decorate?: boolean;
  },
): Promise<RevisionResult> {
  const info = await repoInfo(folder);
  const followed = followedList(info, files);
  const cat = new CatFileBatch(info.root);
  try {
    if (rev.startsWith('-') || /[\n\r]/.test(rev)) throw new MetricsError(`'${rev}' is not a revision name.`, rev);
    const refs = files.decorate === false ? [] : await listRefs(info.root);
    let commit = await cat.read(`${rev}^{commit}`);
    if (!commit || commit.type !== 'commit') {
      // A DVC experiment name (as `dvc exp show` lists it) resolves through refs/exps/*/*/<name>.
      let experiment: ExperimentRef | undefined;
      try {
        experiment = resolveExperiment(refs, rev);
      } catch (err) {
        if (err instanceof AmbiguousExperimentError) throw new MetricsError(`${info.root}: ${err.message}`, rev);
        throw err;
      }
      if (experiment) commit = await cat.read(`${experiment.commit}^{commit}`);
    }
    if (!commit || commit.type !== 'commit') {
      throw new MetricsError(
        `${info.root}: unknown revision '${rev}'. Use a branch, a tag, a commit sha (see 'git log --oneline') or a DVC experiment name (see 'dvc exp list').`,
        rev,
      );
    }
    const deco = decorations(refs);
    const rev2 = revision(commit.oid, parseCommit(commit.content), deco);
    const state = await stateAt(cat, commit.oid, followed, new Map());
    const builder = new RunBuilder(cat, info.root, files.splits);
    for (const oid of state.values()) builder.request(oid);
    await builder.settle();
    const present = filesOf(state, matcher(followed, new Map()), new Map(), info.prefix);
    const run = builder.build(
      commit.oid,
      rev2,
      present,
      deco.experiments.get(commit.oid),
      deco.branches.get(commit.oid),
    );
    const missing = followed.filter((f) => !present.some((p) => p.followed === f)).map((f) => f.given);
    return { run, errors: builder.errors, missing };
  } finally {
    await cat.close();
  }
}
