// The ordinary git commands, through simple-git: status of a few paths, add and commit, tag, config, and the text of
// one file at a revision. Failures become the same typed errors as the process helper's (gitProcess.ts): git missing,
// not a repository, refused for its owner, no commits. What simple-git does not fit (the batch object reader, the
// streaming history walk, binary blobs with a size cap) stays on the process helper; see the README's Choices.
import fs from 'node:fs';
import { simpleGit, type SimpleGit } from 'simple-git';
import {
  execGit,
  gitEnv,
  GitError,
  GitNotFoundError,
  NotARepositoryError,
  repositoryFailureKind,
  UnsafeRepositoryError,
} from './gitProcess';

export interface GitCommandOptions {
  /** The git executable (default `git`, found on PATH). */
  gitPath?: string;
  signal?: AbortSignal;
  /** simple-git's guards this command deliberately passes (e.g. configuring the notebook filter). */
  unsafe?: { allowUnsafeFilter?: boolean; allowUnsafeDiffTextConv?: boolean };
  /** Variables this command sets (e.g. GIT_COMMITTER_DATE). */
  env?: Record<string, string>;
}

/** Where a command runs: a repository (its root and git path) or any folder in one. */
export interface GitLocation {
  root: string;
  gitPath?: string;
}

/** A literal pathspec: git reads the path as is (no globs, no magic). */
export function literal(relative: string): string {
  return `:(literal)${relative}`;
}

/**
 * What these commands pass on from the environment: finding git and its helpers, the user's git config and
 * identity, and the platform basics. simple-git refuses a task when editor, pager, askpass or similar variables
 * are passed to it; these commands need none of them (no prompt, no editor, no pager), so only this list goes.
 */
const PASSED_ENVIRONMENT = new Set(
  [
    'PATH',
    'HOME',
    'USERPROFILE',
    'HOMEDRIVE',
    'HOMEPATH',
    'XDG_CONFIG_HOME',
    'SYSTEMROOT',
    'WINDIR',
    'COMSPEC',
    'TEMP',
    'TMP',
    'TMPDIR',
    'GIT_AUTHOR_NAME',
    'GIT_AUTHOR_EMAIL',
    'GIT_COMMITTER_NAME',
    'GIT_COMMITTER_EMAIL',
    'GIT_CONFIG_GLOBAL',
    'GIT_CONFIG_NOSYSTEM',
  ].map((name) => name.toUpperCase()),
);

/** The environment of these commands: the passed variables, plus the process helper's (gitEnv) fixed ones. */
function commandEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env))
    if (value !== undefined && PASSED_ENVIRONMENT.has(name.toUpperCase())) env[name] = value;
  const fixed = gitEnv({});
  for (const name of ['LC_ALL', 'LANGUAGE', 'GIT_OPTIONAL_LOCKS', 'GIT_TERMINAL_PROMPT']) env[name] = fixed[name] ?? '';
  return env;
}

/** simple-git in `folder`, with that environment. */
function client(folder: string, options: GitCommandOptions = {}): SimpleGit {
  if (!fs.existsSync(folder)) throw new NotARepositoryError(folder);
  const env = { ...commandEnvironment(), ...options.env };
  // GIT_CONFIG_GLOBAL / GIT_CONFIG_SYSTEM come from the user's own environment (never from the repository):
  // simple-git refuses them unless config paths are allowed, which broke every command for users who set them.
  const configPaths = Object.keys(env).some((name) => /^GIT_CONFIG_(GLOBAL|SYSTEM)$/i.test(name));
  return simpleGit({
    baseDir: folder,
    binary: options.gitPath ?? 'git',
    abort: options.signal,
    allowEnvironment: Object.keys(env).filter((name) => name.toUpperCase().startsWith('GIT_')),
    unsafe: {
      ...options.unsafe,
      allowUnsafeCustomBinary: options.gitPath !== undefined,
      ...(configPaths ? { allowUnsafeConfigPaths: true } : {}),
    },
    trimmed: false,
  }).env(env);
}

/** simple-git's error as the façade's typed error. */
function typed(err: unknown, folder: string, command: readonly string[], gitPath?: string): GitError {
  if (err instanceof GitError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/\bENOENT\b/.test(message) && /spawn/i.test(message))
    return gitPath === undefined
      ? new GitNotFoundError(undefined, command)
      : new GitNotFoundError(
          `git not found: install git and make sure "${gitPath}" is on the PATH (or set the path to git).`,
          command,
        );
  if (/abort/i.test(message) && /signal/i.test(message))
    return new GitError(`git ${command[1] ?? ''} was cancelled.`, 'cancelled', command);
  const stderr = message.trim();
  switch (repositoryFailureKind(stderr)) {
    case 'unsafe-repository':
      return new UnsafeRepositoryError(folder, undefined, command, stderr);
    case 'not-a-repository':
      return new NotARepositoryError(folder, undefined, command, stderr);
    case 'no-commits':
      return new GitError(`The repository at ${folder} has no commits yet.`, 'no-commits', command, stderr);
    default: {
      const first = stderr.split('\n').find((l) => l.trim()) ?? 'failed';
      return new GitError(
        `${command.slice(0, 3).join(' ')} failed in ${folder}: ${first.replace(/^(fatal|error): /, '')}`,
        'failed',
        command,
        stderr,
      );
    }
  }
}

/** Runs one simple-git task in `at`, mapping its failures to typed errors. */
async function run<T>(
  at: GitLocation,
  args: readonly string[],
  task: (git: SimpleGit) => Promise<T>,
  options: GitCommandOptions = {},
): Promise<T> {
  const gitPath = options.gitPath ?? at.gitPath;
  const command = [gitPath ?? 'git', ...args];
  try {
    return await task(client(at.root, { ...options, gitPath }));
  } catch (err) {
    throw typed(err, at.root, command, gitPath);
  }
}

/** The paths among `relative` that have changes to commit (modified, new, deleted, staged), per `git status`. */
export async function changedPaths(repo: GitLocation, relative: readonly string[]): Promise<string[]> {
  if (relative.length === 0) return [];
  const args = ['--untracked-files=all', '--', ...relative.map(literal)];
  const status = await run(repo, ['status', ...args], (git) => git.status(args));
  return status.files.filter((file) => file.index !== '!' && file.working_dir !== '!').map((file) => file.path);
}

/** Stages the paths and commits exactly them (other staged changes stay staged); returns the new commit's sha. */
export async function commitPaths(repo: GitLocation, relative: readonly string[], message: string): Promise<string> {
  const specs = relative.map(literal);
  await run(repo, ['add', '--all', '--', ...specs], (git) => git.add(['--all', '--', ...specs]));
  const result = await run(repo, ['commit', '--only', ...specs], (git) =>
    // simple-git puts the paths before the options; literal pathspecs start with ':' and are never read as options.
    git.commit(message, specs, { '--only': null }),
  );
  return result.commit;
}

/** Creates an annotated tag on a commit; `date` (milliseconds) sets the tagger date, else it is now. */
export async function createAnnotatedTag(
  repo: GitLocation,
  tag: string,
  commit: string,
  message: string,
  options: { date?: number } = {},
): Promise<void> {
  const args = ['--annotate', `--message=${message}`, '--', tag, commit];
  const env =
    options.date === undefined ? undefined : { GIT_COMMITTER_DATE: `${Math.floor(options.date / 1000)} +0000` };
  await run(repo, ['tag', ...args], (git) => git.tag(args), env ? { env } : {});
}

/** A value of this clone's git config, or undefined when unset. */
export async function getConfig(repo: GitLocation, key: string): Promise<string | undefined> {
  const result = await run(repo, ['config', '--get', key], (git) => git.getConfig(key));
  return result.value ?? undefined;
}

/**
 * Sets a value in this clone's git config (.git/config). Filter and textconv commands are allowed: setting up the
 * notebook filter is what this is for, and the values come from the extension, not from the repository.
 */
export async function setLocalConfig(repo: GitLocation, key: string, value: string): Promise<void> {
  await run(repo, ['config', '--local', key, value], (git) => git.addConfig(key, value, false, 'local'), {
    unsafe: { allowUnsafeFilter: true, allowUnsafeDiffTextConv: true },
  });
}

const NOT_AT_REVISION = /does not exist in|exists on disk, but not in/i;

/**
 * The text of a file at a revision, `relative` to `folder` (which may be any folder in the repository); undefined
 * when the revision has no such file. A revision that does not exist is an error.
 */
export async function showFileText(
  folder: string,
  revision: string,
  relative: string,
  options: GitCommandOptions = {},
): Promise<string | undefined> {
  if (!revision || revision.startsWith('-') || revision.includes('\0'))
    throw new GitError(`"${revision}" is not a revision name.`, 'not-found');
  const spec = `${revision}:./${relative.replace(/^\.\//, '')}`;
  try {
    return await run({ root: folder }, ['show', spec], (git) => git.show([spec]), options);
  } catch (err) {
    if (err instanceof GitError && err.kind === 'failed' && NOT_AT_REVISION.test(err.stderr)) return undefined;
    throw err;
  }
}

/** An annotated or lightweight tag with what its tag object and its commit say. */
export interface TagRecord {
  /** The name without `refs/tags/`. */
  name: string;
  /** True for an annotated tag (a tag object). */
  annotated: boolean;
  /** The commit the tag points to (peeled once); undefined when it points to something else. */
  commit?: string;
  tagger?: string;
  taggerEmail?: string;
  /** Milliseconds since the epoch. */
  taggerDate?: number;
  /** The tag message without its signature. */
  message: string;
  commitAuthor?: string;
  commitAuthorEmail?: string;
  /** Milliseconds since the epoch. */
  commitDate?: number;
  commitSubject?: string;
}

const TAG_FIELDS = [
  '%(refname)',
  '%(objecttype)',
  '%(objectname)',
  '%(*objecttype)',
  '%(*objectname)',
  '%(taggername)',
  '%(taggeremail:trim)',
  '%(taggerdate:raw)',
  '%(*authorname)',
  '%(*authoremail:trim)',
  '%(*authordate:raw)',
  '%(*subject)',
  '%(contents)',
];

/** `<seconds> <zone>` as milliseconds. */
function rawDate(text: string | undefined): number | undefined {
  const seconds = Number((text ?? '').split(' ')[0]);
  return text && Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/** A signed tag's message ends with its signature block (PGP, SSH or X.509); the message is what comes before. */
const SIGNATURE =
  /\n?-----BEGIN (?:PGP|SSH|SIGNED) (?:SIGNATURE|MESSAGE)-----\n[\s\S]*-----END (?:PGP|SSH|SIGNED) (?:SIGNATURE|MESSAGE)-----\n?$/;

/**
 * Every tag of the repository with its tagger, date and message and its commit's author, date and subject: ONE
 * `git for-each-ref refs/tags`. Fields are NUL-separated (a tag message cannot hold a NUL). Lightweight tags come
 * with their commit only (GTO ignores them).
 */
export async function listTagRecords(repo: GitLocation, options: GitCommandOptions = {}): Promise<TagRecord[]> {
  const args = ['for-each-ref', `--format=${TAG_FIELDS.join('%00')}%00`, 'refs/tags'];
  const out = await run(repo, args, (git) => git.raw(args), options);
  const fields = out.split('\0');
  const records: TagRecord[] = [];
  const n = TAG_FIELDS.length;
  for (let i = 0; i + n <= fields.length; i += n) {
    const ref = (fields[i] ?? '').replace(/^\n/, '');
    if (!ref.startsWith('refs/tags/')) continue;
    const [type, oid, peeledType, peeled, tagger, email, date, author, authorEmail, authorDate, subject, contents] =
      fields.slice(i + 1, i + n);
    const annotated = type === 'tag';
    const commit = annotated ? (peeledType === 'commit' ? peeled : undefined) : type === 'commit' ? oid : undefined;
    const record: TagRecord = {
      name: ref.slice('refs/tags/'.length),
      annotated,
      message: annotated ? (contents ?? '').replace(SIGNATURE, '') : '',
    };
    if (commit) record.commit = commit;
    if (annotated) {
      if (tagger) record.tagger = tagger;
      if (email) record.taggerEmail = email;
      const when = rawDate(date);
      if (when !== undefined) record.taggerDate = when;
      if (author) record.commitAuthor = author;
      if (authorEmail) record.commitAuthorEmail = authorEmail;
      const committed = rawDate(authorDate);
      if (committed !== undefined) record.commitDate = committed;
      if (subject !== undefined) record.commitSubject = subject;
    }
    records.push(record);
  }
  return records;
}

/** The full sha of a commit-ish, or undefined when it names no commit. */
export async function resolveCommit(repo: GitLocation, revision: string): Promise<string | undefined> {
  if (!revision || revision.startsWith('-') || /[\0\n\r]/.test(revision)) return undefined;
  const args = ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`];
  try {
    const out = await run(repo, args, (git) => git.raw(args));
    return out.trim() || undefined;
  } catch (err) {
    if (err instanceof GitError && err.kind === 'failed') return undefined;
    throw err;
  }
}

/** Commits reachable from `to` and not from `from` (`from..to`), newest first: sha, author, date (ms), subject. */
export async function commitsBetween(
  repo: GitLocation,
  from: string,
  to: string,
  maxCount = 1000,
): Promise<{ sha: string; author: string; date: number; subject: string }[]> {
  const args = ['log', `--max-count=${maxCount}`, '--format=%H%x00%an%x00%at%x00%s', `${from}..${to}`, '--'];
  const out = await run(repo, args, (git) => git.raw(args));
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha = '', author = '', at = '0', subject = ''] = line.split('\0');
      return { sha, author, date: Number(at) * 1000, subject };
    });
}

/** Pushes exactly these tags to `remote` (nothing else: no branch, no other tag). */
export async function pushTags(repo: GitLocation, remote: string, tags: readonly string[]): Promise<void> {
  if (!tags.length) return;
  if (remote.startsWith('-')) throw new GitError(`'${remote}' is not a remote name.`, 'failed', ['git', 'push']);
  const args = ['push', '--no-verify', remote, ...tags.map((t) => `refs/tags/${t}:refs/tags/${t}`)];
  await run(repo, args, (git) => git.raw(args));
}

/** The newest commits of HEAD's history, for a commit picker. */
export async function recentCommits(
  repo: GitLocation,
  maxCount = 50,
): Promise<{ sha: string; author: string; date: number; subject: string }[]> {
  const args = ['log', `--max-count=${maxCount}`, '--format=%H%x00%an%x00%at%x00%s', 'HEAD', '--'];
  const out = await run(repo, args, (git) => git.raw(args));
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha = '', author = '', at = '0', subject = ''] = line.split('\0');
      return { sha, author, date: Number(at) * 1000, subject };
    });
}

const SHA = /^[0-9a-f]{40}(?:[0-9a-f]{24})?$/;

/**
 * The git notes (`refs/notes/commits`, or `notesRef`) of many commits, read in ONE git call (`git log --no-walk
 * --stdin --notes`, the commits on stdin): sha -> note text (trailing newline removed). Commits without a note are
 * absent; names that are not full shas are skipped. A repository without notes gives an empty map.
 */
export async function readGitNotes(
  folder: string,
  shas: readonly string[],
  options: GitCommandOptions & { notesRef?: string } = {},
): Promise<Map<string, string>> {
  const wanted = [...new Set(shas.filter((s) => SHA.test(s)))];
  const notes = new Map<string, string>();
  if (wanted.length === 0) return notes;
  const ref = options.notesRef ?? 'refs/notes/commits';
  if (ref.startsWith('-') || /[\s\0]/.test(ref)) throw new GitError(`"${ref}" is not a notes ref name.`, 'not-found');
  // Records: sha NUL note RS. A note may hold any text but the record separator, which git never adds.
  const args = ['log', '--no-walk=unsorted', '--stdin', `--notes=${ref}`, '--format=%H%x00%N%x1e'];
  const output = await execGit(folder, args, {
    gitPath: options.gitPath,
    signal: options.signal,
    input: wanted.join('\n') + '\n',
  });
  for (const record of output.stdout.toString('utf8').split('\x1e')) {
    const zero = record.indexOf('\0');
    if (zero < 0) continue;
    const sha = record.slice(0, zero).trim();
    const note = record.slice(zero + 1).replace(/\n+$/, '');
    if (SHA.test(sha) && note.trim()) notes.set(sha, note);
  }
  return notes;
}
