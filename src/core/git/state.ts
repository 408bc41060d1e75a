// The git state of workspace files, for many files at once: one `git ls-files` and one `git status` (porcelain v2)
// classify every file as unmodified, modified, added, deleted, renamed, untracked, ignored or missing; DVC metadata
// in the repository marks DVC-tracked files; the first bytes tell a Git LFS pointer. Also: the last commit of a file
// (or of many files in one `git log` walk), a file's history across renames, and its bytes at a revision.
//
// Paths are relative to the repository root with forward slashes, unless absolute paths are given (then both).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { forEachLimited } from '../concurrency';
import { isDvcMetadataFile, parseDvcMetadata } from '../formats/dvc/metadata';
import { GitError, NotARepositoryError, execGit, type GitRunOptions } from './gitProcess';

export { GitError, type GitErrorKind } from './gitProcess';

export interface GitRepository {
  /** The top-level folder of the working tree. */
  root: string;
  gitDir: string;
  /** The commit HEAD points to; undefined in a repository without commits. */
  head?: string;
  /** A shallow clone: history stops at its boundary commits. */
  shallow: boolean;
  /** The git executable used (default `git`). */
  gitPath?: string;
}

export interface GitOptions {
  signal?: AbortSignal;
}

/** Finds the repository containing `folder`. Throws GitError `git-not-found`, `not-a-repository` or `unsafe-repository`. */
export async function openRepository(
  folder: string,
  options: GitOptions & { gitPath?: string } = {},
): Promise<GitRepository> {
  const stat = await fs.stat(folder).catch(() => undefined);
  if (!stat?.isDirectory())
    throw new NotARepositoryError(folder, `${folder} is not an existing folder, so it cannot be in a git repository.`);
  const run = (args: string[], extra: Partial<GitRunOptions> = {}) =>
    execGit(folder, args, { gitPath: options.gitPath, signal: options.signal, ...extra });
  const info = (await run(['rev-parse', '--show-toplevel', '--absolute-git-dir', '--is-shallow-repository'])).stdout
    .toString('utf8')
    .split('\n');
  if (info.length < 3 || !info[0])
    throw new NotARepositoryError(
      folder,
      `${folder} is not in a working tree (a bare repository?). Open a checked-out repository.`,
    );
  const head = (await run(['rev-parse', '-q', '--verify', 'HEAD^{commit}'], { okCodes: [0, 1, 128] })).stdout
    .toString('utf8')
    .trim();
  const repo: GitRepository = {
    root: path.resolve(info[0]),
    gitDir: path.resolve(info[1]),
    shallow: info[2] === 'true',
  };
  if (/^[0-9a-f]{40,64}$/.test(head)) repo.head = head;
  if (options.gitPath) repo.gitPath = options.gitPath;
  return repo;
}

// ---------------------------------------------------------------------------------------------- file states

export type GitFileStatus =
  | 'unmodified'
  | 'modified'
  | 'added'
  | 'deleted'
  | 'renamed'
  | 'copied'
  | 'type-changed'
  | 'conflicted'
  | 'untracked'
  | 'ignored'
  | 'missing';

export interface GitFileState {
  /** Relative to the repository root. */
  relativePath: string;
  absolutePath: string;
  status: GitFileStatus;
  /** In the index (committed or staged). */
  tracked: boolean;
  /** The index differs from HEAD. */
  staged: boolean;
  /** The working tree differs from the index. */
  modified: boolean;
  /** The path before a rename or copy. */
  originalPath?: string;
  /** The working file is a Git LFS pointer (its content was not fetched). */
  lfsPointer: boolean;
  /** An out of a `.dvc` file or of a dvc.yaml / dvc.lock stage (or inside one). */
  dvcTracked: boolean;
  /** The DVC metadata file that declares it, relative to the repository root. */
  dvcFile?: string;
}

export interface FileStateOptions extends GitOptions {
  /** Read the first bytes of small files to recognise LFS pointers (default true when paths are given). */
  detectLfs?: boolean;
}

export const LFS_POINTER_PREFIX = 'version https://git-lfs.github.com/spec/v1';

interface StatusEntry {
  x: string;
  y: string;
  kind: '1' | '2' | 'u' | '?' | '!';
  originalPath?: string;
}

/**
 * The git state of `paths` (absolute, or relative to the repository root; folders allowed), or of every tracked,
 * changed, untracked and ignored path when `paths` is omitted. Two git processes whatever the number of files.
 * Paths outside the repository are left out of the result.
 */
export async function fileStates(
  repo: GitRepository,
  paths?: readonly string[],
  options: FileStateOptions = {},
): Promise<Map<string, GitFileState>> {
  const requested = paths?.map((p) => toRepoPath(repo, p)).filter((p): p is string => p !== undefined);
  const dvcSpecs = [':(glob)**/*.dvc', ':(glob)**/dvc.yaml', ':(glob)**/dvc.lock'];
  const specChars = requested?.reduce((sum, p) => sum + p.length + 12, 0) ?? 0;
  const pathspecs =
    requested && requested.length <= 2000 && specChars < 60_000
      ? ['--', ...requested.map((p) => `:(literal)${p || '.'}`), ...dvcSpecs]
      : [];
  const run = (args: string[]) => execGit(repo.root, args, { gitPath: repo.gitPath, signal: options.signal });
  const [listed, status] = await Promise.all([
    run(['-c', 'core.quotepath=off', 'ls-files', '-z', '--cached', ...pathspecs]),
    run([
      '-c',
      'core.quotepath=off',
      'status',
      '--porcelain=v2',
      '-z',
      '--ignored=traditional',
      '--untracked-files=normal',
      ...pathspecs,
    ]),
  ]);
  const tracked = splitNul(listed.stdout);
  const trackedSet = new Set(tracked);
  const entries = parseStatus(status.stdout);
  const untrackedFolders: string[] = [];
  const ignoredFolders: string[] = [];
  for (const [p, entry] of entries) {
    if (p.endsWith('/') && entry.kind === '?') untrackedFolders.push(p);
    if (p.endsWith('/') && entry.kind === '!') ignoredFolders.push(p);
  }

  // DVC metadata anywhere in the repository (tracked or new) declares DVC-tracked paths.
  const dvcFiles = [
    ...new Set([...tracked, ...[...entries.keys()].filter((p) => entries.get(p)!.kind === '?')]),
  ].filter((p) => isDvcMetadataFile(path.posix.basename(p)));
  const dvcOuts = new Map<string, string>();
  await Promise.all(
    dvcFiles.map(async (file) => {
      const text = await fs.readFile(path.join(repo.root, file), 'utf8').catch(() => undefined);
      if (text === undefined) return;
      for (const out of parseDvcMetadata(file, text).outs)
        if (!dvcOuts.has(out.path) || file.endsWith('.dvc')) dvcOuts.set(out.path, file);
    }),
  );
  const dvcOf = (p: string): string | undefined => {
    for (let current = p; current; current = parentOf(current)) {
      const declared = dvcOuts.get(current);
      if (declared) return declared;
    }
    return undefined;
  };

  const targets = requested ?? [...new Set([...tracked, ...[...entries.keys()].map((p) => p.replace(/\/$/, ''))])];
  const result = new Map<string, GitFileState>();
  const existence = await existingPaths(repo.root, targets, requested !== undefined, options.signal);
  for (const target of targets) {
    const state: GitFileState = {
      relativePath: target,
      absolutePath: path.join(repo.root, ...target.split('/')),
      status: 'unmodified',
      tracked: false,
      staged: false,
      modified: false,
      lfsPointer: false,
      dvcTracked: false,
    };
    const entry = entries.get(target) ?? entries.get(`${target}/`);
    if (entry) applyEntry(state, entry, trackedSet.has(target));
    else if (trackedSet.has(target)) state.tracked = true;
    else if (ignoredFolders.some((f) => target.startsWith(f))) state.status = 'ignored';
    else if (untrackedFolders.some((f) => target.startsWith(f))) state.status = 'untracked';
    else {
      // A folder: its state is the strongest of its files'.
      const prefix = target ? `${target}/` : '';
      const inside = tracked.filter((t) => t.startsWith(prefix));
      if (inside.length) {
        state.tracked = true;
        for (const [p, e] of entries) {
          if (p.startsWith(prefix) && (e.kind === '1' || e.kind === '2' || e.kind === 'u')) {
            applyEntry(state, e, true);
            if (state.status !== 'unmodified') break;
          }
        }
      } else state.status = existence.get(target) === false ? 'missing' : 'untracked';
    }
    const declared = dvcOf(target);
    if (declared) {
      state.dvcTracked = true;
      state.dvcFile = declared;
    }
    result.set(target, state);
  }

  if (options.detectLfs ?? requested !== undefined) {
    const candidates = [...result.values()].filter(
      (s) => s.status !== 'missing' && s.status !== 'deleted' && s.status !== 'ignored',
    );
    await forEachLimited(candidates, 16, async (state) => {
      state.lfsPointer = await isLfsPointer(state.absolutePath);
    });
  }
  return result;
}

function applyEntry(state: GitFileState, entry: StatusEntry, inIndex: boolean): void {
  if (entry.kind === '?') {
    state.status = 'untracked';
    return;
  }
  if (entry.kind === '!') {
    state.status = 'ignored';
    return;
  }
  state.tracked = inIndex || entry.x !== 'D';
  state.staged = entry.x !== '.';
  state.modified = entry.y !== '.';
  if (entry.originalPath) state.originalPath = entry.originalPath;
  if (entry.kind === 'u') state.status = 'conflicted';
  else if (entry.x === 'D' || entry.y === 'D') state.status = 'deleted';
  else if (entry.x === 'R') state.status = 'renamed';
  else if (entry.x === 'C') state.status = 'copied';
  else if (entry.x === 'A') state.status = 'added';
  else if (entry.x === 'T' || entry.y === 'T') state.status = 'type-changed';
  else state.status = 'modified';
}

/** Parses `git status --porcelain=v2 -z` output into entries by path. */
export function parseStatus(output: Buffer): Map<string, StatusEntry> {
  const tokens = splitNul(output);
  const entries = new Map<string, StatusEntry>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const kind = token[0];
    if (kind === '?' || kind === '!') entries.set(token.slice(2), { kind, x: kind, y: kind });
    else if (kind === '1') {
      const fields = splitFields(token, 9);
      entries.set(fields[8], { kind, x: fields[1][0], y: fields[1][1] });
    } else if (kind === '2') {
      const fields = splitFields(token, 10);
      entries.set(fields[9], { kind, x: fields[1][0], y: fields[1][1], originalPath: tokens[++i] });
    } else if (kind === 'u') {
      const fields = splitFields(token, 11);
      entries.set(fields[10], { kind, x: fields[1][0], y: fields[1][1] });
    }
  }
  return entries;
}

/** Splits on spaces into `count` fields, the last one taking the rest (paths may hold spaces). */
function splitFields(token: string, count: number): string[] {
  const fields: string[] = [];
  let start = 0;
  for (let n = 0; n < count - 1; n++) {
    const space = token.indexOf(' ', start);
    if (space < 0) break;
    fields.push(token.slice(start, space));
    start = space + 1;
  }
  fields.push(token.slice(start));
  return fields;
}

/**
 * Whether a file starts with the Git LFS pointer header. Only files up to `maxBytes` are read (default 1024, the
 * size git-lfs reads pointers to); the checks read any size, so a padded pointer still counts.
 */
export async function isLfsPointer(file: string, options: { maxBytes?: number } = {}): Promise<boolean> {
  let handle: fs.FileHandle | undefined;
  try {
    const stat = await fs.stat(file);
    if (!stat.isFile() || stat.size > (options.maxBytes ?? 1024) || stat.size < LFS_POINTER_PREFIX.length) return false;
    handle = await fs.open(file, 'r');
    const buffer = Buffer.alloc(LFS_POINTER_PREFIX.length);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return buffer.subarray(0, bytesRead).toString('latin1') === LFS_POINTER_PREFIX;
  } catch {
    return false;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

async function existingPaths(
  root: string,
  paths: readonly string[],
  check: boolean,
  signal?: AbortSignal,
): Promise<Map<string, boolean>> {
  const out = new Map<string, boolean>();
  if (!check) return out;
  await forEachLimited(paths, 32, async (p) => {
    if (signal?.aborted) return;
    out.set(
      p,
      await fs.lstat(path.join(root, ...p.split('/'))).then(
        () => true,
        () => false,
      ),
    );
  });
  return out;
}

// ---------------------------------------------------------------------------------------------- commits

export interface FileCommit {
  sha: string;
  shortSha: string;
  subject: string;
  author: string;
  authorEmail: string;
  /** Author date, milliseconds since the epoch. */
  date: number;
}

export interface FileHistoryEntry extends FileCommit {
  /** The file's path in that commit (it changes across renames). */
  path: string;
  /** git's change letter for the file in that commit: A, M, D, R, C, T. */
  change: string;
}

export interface FileHistory {
  entries: FileHistoryEntry[];
  /** True in a shallow clone: older commits are not available. */
  shallow: boolean;
}

const FORMAT = '%x1e%H%x00%h%x00%an%x00%ae%x00%at%x00%s';

/** The last commit that changed `file` (a file or folder), or undefined (untracked, or no commits yet). */
export async function lastCommit(
  repo: GitRepository,
  file: string,
  options: GitOptions = {},
): Promise<FileCommit | undefined> {
  const relative = toRepoPath(repo, file);
  if (relative === undefined || !repo.head) return undefined;
  const out = await execGit(
    repo.root,
    ['-c', 'core.quotepath=off', 'log', '-1', `--format=${FORMAT}`, '--', `:(literal)${relative || '.'}`],
    { gitPath: repo.gitPath, signal: options.signal },
  );
  const text = out.stdout.toString('utf8');
  const record = text.split('\x1e').find((r) => r.trim());
  return record ? parseHeader(record.split('\0')) : undefined;
}

/**
 * The last commit of each of many files (or folders) in ONE `git log --name-only` walk that stops as soon as every
 * file is found. Files never committed are absent from the result.
 */
export async function lastCommits(
  repo: GitRepository,
  files: readonly string[],
  options: GitOptions = {},
): Promise<Map<string, FileCommit>> {
  const result = new Map<string, FileCommit>();
  if (!repo.head) return result;
  const pending = new Set(
    files.map((f) => toRepoPath(repo, f)).filter((f): f is string => f !== undefined && f !== ''),
  );
  if (pending.size === 0) return result;
  const wanted = [...pending];
  const chars = wanted.reduce((sum, p) => sum + p.length + 12, 0);
  const pathspecs = wanted.length <= 2000 && chars < 60_000 ? ['--', ...wanted.map((p) => `:(literal)${p}`)] : [];
  const decoder = new StringDecoder('utf8');
  let buffered = '';
  const consume = (record: string): boolean => {
    const tokens = record.split('\0');
    const commit = parseHeader(tokens);
    if (!commit) return true;
    for (let i = 6; i < tokens.length; i++) {
      const name = tokens[i].replace(/^\n/, '');
      for (let current = name; current; current = parentOf(current)) {
        if (pending.has(current)) {
          pending.delete(current);
          result.set(current, commit);
        }
      }
    }
    return pending.size > 0;
  };
  await execGit(
    repo.root,
    ['-c', 'core.quotepath=off', 'log', `--format=${FORMAT}`, '--name-only', '-z', '--no-renames', ...pathspecs],
    {
      gitPath: repo.gitPath,
      signal: options.signal,
      onStdout: (chunk) => {
        buffered += decoder.write(chunk);
        const cut = buffered.lastIndexOf('\x1e');
        if (cut <= 0) return true;
        const complete = buffered.slice(0, cut);
        buffered = buffered.slice(cut);
        for (const record of complete.split('\x1e')) if (record && !consume(record)) return false;
        return true;
      },
    },
  );
  buffered += decoder.end();
  for (const record of buffered.split('\x1e')) if (record && pending.size > 0) consume(record);
  return result;
}

/** The commits that changed `file`, newest first, following renames (for a file; a folder lists its commits). */
export async function fileHistory(
  repo: GitRepository,
  file: string,
  options: GitOptions & { maxCount?: number; follow?: boolean } = {},
): Promise<FileHistory> {
  const relative = toRepoPath(repo, file);
  if (relative === undefined) throw new GitError(`${file} is outside the repository at ${repo.root}.`, 'not-found');
  if (!repo.head) return { entries: [], shallow: repo.shallow };
  const isFolder =
    (await fs.stat(path.join(repo.root, ...relative.split('/'))).catch(() => undefined))?.isDirectory() ?? false;
  const follow = options.follow !== false && !isFolder && relative !== '';
  const args = ['-c', 'core.quotepath=off', 'log', `--format=${FORMAT}`, '--name-status', '-z', '-M'];
  if (follow) args.push('--follow');
  if (options.maxCount !== undefined) args.push(`--max-count=${Math.max(1, Math.floor(options.maxCount))}`);
  args.push('--', follow ? relative : `:(literal)${relative || '.'}`);
  // --follow takes one plain pathspec: make git read it literally.
  const out = await execGit(repo.root, args, {
    gitPath: repo.gitPath,
    signal: options.signal,
    env: follow ? { GIT_LITERAL_PATHSPECS: '1' } : {},
  });
  const entries: FileHistoryEntry[] = [];
  let currentPath = relative;
  for (const record of out.stdout.toString('utf8').split('\x1e')) {
    if (!record) continue;
    const tokens = record.split('\0');
    const commit = parseHeader(tokens);
    if (!commit) continue;
    const rest = tokens
      .slice(6)
      .map((t) => t.replace(/^\n/, ''))
      .filter((t) => t !== '');
    let change = '';
    let atCommit = currentPath;
    for (let i = 0; i < rest.length; ) {
      const letter = rest[i];
      if (/^[RC]/.test(letter)) {
        const [from, to] = [rest[i + 1], rest[i + 2]];
        if (follow || to === relative || from === relative) {
          change ||= letter[0];
          atCommit = to;
          if (follow) currentPath = from;
        }
        i += 3;
      } else {
        const name = rest[i + 1];
        if (!change && (follow || name === relative || name?.startsWith(`${relative}/`) || relative === '')) {
          change = letter[0];
          if (follow) atCommit = name;
        }
        i += 2;
      }
    }
    entries.push({ ...commit, path: follow ? atCommit : relative, change: change || 'M' });
  }
  return { entries, shallow: repo.shallow };
}

/** The bytes of `file` at `revision` (a sha, tag or branch), e.g. to open an older version read-only. */
export async function showFileAtRevision(
  repo: GitRepository,
  revision: string,
  file: string,
  options: GitOptions & { maxBytes?: number } = {},
): Promise<Buffer> {
  if (!revision || revision.startsWith('-') || /[\s:]/.test(revision))
    throw new GitError(`"${revision}" is not a revision name.`, 'not-found');
  const relative = toRepoPath(repo, file);
  if (relative === undefined || relative === '')
    throw new GitError(`${file} is not a file in the repository at ${repo.root}.`, 'not-found');
  try {
    const out = await execGit(repo.root, ['cat-file', 'blob', `${revision}:${relative}`], {
      gitPath: repo.gitPath,
      signal: options.signal,
      maxBytes: options.maxBytes,
    });
    return out.stdout;
  } catch (err) {
    if (
      err instanceof GitError &&
      err.kind === 'failed' &&
      /does not exist|not a valid object|invalid object name|exists on disk, but not in|bad file/i.test(err.stderr)
    ) {
      throw new GitError(
        `${relative} does not exist at revision ${revision.slice(0, 12)}.`,
        'not-found',
        err.command,
        err.stderr,
      );
    }
    throw err;
  }
}

/**
 * The bytes of a file at `revision`, `relative` to `folder` (any existing folder of the repository, so a file whose
 * folder was deleted can still be read); undefined when the revision has no such file. Through the process helper,
 * not simple-git: the output is bytes, and it stops at `maxBytes` (a `too-large` GitError) instead of loading a
 * huge blob whole.
 */
export async function readFileAtRevision(
  folder: string,
  revision: string,
  relative: string,
  options: GitOptions & { maxBytes?: number; gitPath?: string } = {},
): Promise<Buffer | undefined> {
  if (!revision || revision.startsWith('-') || revision.includes('\0'))
    throw new GitError(`"${revision}" is not a revision name.`, 'not-found');
  try {
    const out = await execGit(folder, ['show', `${revision}:./${relative.replace(/^\.\//, '')}`], options);
    return out.stdout;
  } catch (err) {
    if (
      err instanceof GitError &&
      err.kind === 'failed' &&
      /does not exist in|exists on disk, but not in/.test(err.stderr)
    )
      return undefined;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------- helpers

function parseHeader(tokens: string[]): FileCommit | undefined {
  const [sha, shortSha, author, authorEmail, time, subject] = tokens;
  if (!sha || !/^[0-9a-f]{40,64}$/.test(sha.trim())) return undefined;
  return {
    sha: sha.trim(),
    shortSha,
    subject: (subject ?? '').replace(/\n+$/, ''),
    author,
    authorEmail,
    date: Number(time) * 1000,
  };
}

/** An absolute path or a repository-relative one, as a repository-relative path with forward slashes. */
function toRepoPath(repo: GitRepository, file: string): string | undefined {
  const absolute = path.isAbsolute(file) ? file : path.join(repo.root, file);
  const relative = path.relative(repo.root, absolute);
  if (relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative)) return undefined;
  return relative.split(path.sep).join('/');
}

function splitNul(output: Buffer): string[] {
  const text = output.toString('utf8');
  return text ? text.split('\0').filter((t) => t !== '') : [];
}

function parentOf(relative: string): string {
  const slash = relative.lastIndexOf('/');
  return slash < 0 ? '' : relative.slice(0, slash);
}
