// The git reads notebook versioning needs beyond core/git/state: tags with their dates, blob ids at many revisions,
// commit headers. Argument arrays only (no shell), through core's process helper; status, commit, tag and config go
// through core's simple-git commands (core/git/commands.ts).
import * as path from 'node:path';
import { commitPaths as commit } from '../../core/git/commands';
import { execGit, GitError, type GitRunOptions } from '../../core/git/gitProcess';
import { type GitRepository } from '../../core/git/state';
import { isRegistryEventTag } from '../../core/formats/gto/tags';

function run(repo: GitRepository, args: string[], options: GitRunOptions = {}) {
  return execGit(repo.root, args, { gitPath: repo.gitPath, ...options });
}

export interface TagInfo {
  name: string;
  /** The commit the tag points to (peeled). */
  commit: string;
  /** Tagger of an annotated tag, else the commit's author. */
  author: string;
  /** Seconds since the epoch, times 1000. */
  date: number;
  subject: string;
}

/** Every tag of the repository, newest first. */
export async function listTags(repo: GitRepository, signal?: AbortSignal): Promise<TagInfo[]> {
  const format = [
    '%(refname:short)',
    '%(objectname)',
    '%(*objectname)',
    '%(creatordate:unix)',
    '%(contents:subject)',
    '%(taggername)',
    '%(authorname)',
    '%(*authorname)',
  ].join('%00');
  const out = await run(repo, ['for-each-ref', '--sort=-creatordate', `--format=${format}`, 'refs/tags'], { signal });
  const tags: TagInfo[] = [];
  for (const line of out.stdout.toString('utf8').split('\n')) {
    if (!line) continue;
    const [name = '', object = '', peeled, time, subject, tagger, author, peeledAuthor] = line.split('\0');
    // Model-registry stage, deregistration and deprecation tags mark events, not versions of the notebook.
    if (isRegistryEventTag(name)) continue;
    tags.push({
      name,
      commit: peeled || object,
      author: tagger || peeledAuthor || author || '',
      date: Number(time) * 1000,
      subject: subject ?? '',
    });
  }
  return tags;
}

/** Tag names only (for naming checks). */
export async function tagNames(repo: GitRepository): Promise<string[]> {
  const out = await run(repo, ['for-each-ref', '--format=%(refname:short)', 'refs/tags']);
  return out.stdout.toString('utf8').split('\n').filter(Boolean);
}

/** The blob id of `<rev>:<path>` for each name, or undefined when the file does not exist there. One git process. */
export async function blobIds(
  repo: GitRepository,
  names: readonly string[],
  signal?: AbortSignal,
): Promise<(string | undefined)[]> {
  if (names.length === 0) return [];
  const out = await run(repo, ['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
    input: names.join('\n') + '\n',
    signal,
  });
  const lines = out.stdout.toString('utf8').split('\n');
  return names.map((_, index) => {
    const match = /^([0-9a-f]{40,64}) blob$/.exec(lines[index] ?? '');
    return match ? match[1] : undefined;
  });
}

/** Resolves a revision (sha, tag, branch) to its commit sha. */
export async function resolveCommit(repo: GitRepository, revision: string): Promise<string> {
  if (!revision || revision.startsWith('-') || /\s/.test(revision))
    throw new GitError(`"${revision}" is not a revision name.`, 'not-found');
  const out = await run(repo, ['rev-parse', '-q', '--verify', `${revision}^{commit}`], { okCodes: [0, 1] });
  const sha = out.stdout.toString('utf8').trim();
  if (!/^[0-9a-f]{40,64}$/.test(sha))
    throw new GitError(`There is no commit or tag named "${revision}" in ${repo.root}.`, 'not-found');
  return sha;
}

export interface CommitHeader {
  sha: string;
  shortSha: string;
  author: string;
  date: number;
  subject: string;
}

/** The header of one commit. */
export async function commitHeader(repo: GitRepository, revision: string): Promise<CommitHeader> {
  const out = await run(repo, ['show', '-s', '--format=%H%x00%h%x00%an%x00%at%x00%s', revision]);
  const [sha = '', shortSha = '', author = '', time, subject = ''] = out.stdout
    .toString('utf8')
    .replace(/\n$/, '')
    .split('\0');
  return { sha, shortSha, author, date: Number(time) * 1000, subject };
}

/** Stages the paths and commits exactly them (other staged changes stay staged); returns the new commit. */
export async function commitPaths(
  repo: GitRepository,
  relative: readonly string[],
  message: string,
): Promise<CommitHeader> {
  const sha = await commit(repo, relative, message.endsWith('\n') ? message : `${message}\n`);
  return commitHeader(repo, sha || 'HEAD');
}

/** The path of a file relative to the repository root, with forward slashes (undefined outside it). */
export function repoRelative(repo: GitRepository, file: string): string | undefined {
  const relative = path.relative(repo.root, file);
  if (relative === '' || relative === '..' || relative.startsWith(`..${path.sep}`) || path.isAbsolute(relative))
    return undefined;
  return relative.split(path.sep).join('/');
}
