// A GitHelper over the git façade (src/core/git) in the checked folder, plus the few extra facts the default metrics
// provider needs (file contents at a revision, the merge base). Git LFS pointers are recognised by the façade's reader.
import fs from 'node:fs';
import path from 'node:path';
import { parseDvcMetadata } from '../../formats/dvc/metadata';
import { parseDvcYaml, type DvcProject } from '../../formats/dvc/project';
import { showFileText } from '../../git/commands';
import { execGit, GitError } from '../../git/gitProcess';
import { isLfsPointer } from '../../git/state';
import type { Logger } from '../../logging';
import type { GitHelper } from '../types';

export interface GitOutput {
  code: number;
  stdout: string;
  stderr: string;
}

const MAX_OUTPUT = 64 * 1024 * 1024;
const TIMEOUT_MS = 60_000;

/**
 * Runs git with arguments in `cwd` through the git façade's process helper; never throws for a non-zero exit (see
 * `code`), only when git cannot start (a typed GitError) or the run is cancelled or times out.
 */
export async function runGit(cwd: string, args: readonly string[], signal?: AbortSignal): Promise<GitOutput> {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const out = await execGit(cwd, args, {
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    okCodes: 'all',
    maxBytes: MAX_OUTPUT,
  }).catch((err: unknown) => {
    if (err instanceof GitError && err.kind === 'git-not-found')
      throw new GitError(
        'git is not installed or not on PATH; install git to run the checks that read history.',
        'git-not-found',
        err.command,
      );
    throw err;
  });
  return { code: out.code, stdout: out.stdout.toString('utf8'), stderr: out.stderr };
}

/** A revision or path given to git must not be read as an option. */
const safe = (value: string): boolean => value.length > 0 && !value.startsWith('-') && !value.includes('\0');

export interface DefaultGitHelper extends GitHelper {
  /** The text of a file at a revision, undefined when it does not exist there. */
  showFile(revision: string, relativePath: string): Promise<string | undefined>;
  /** The merge base of HEAD with origin/HEAD, main, master, origin/main or origin/master (the first that exists). */
  mergeBase(): Promise<string | undefined>;
}

interface DvcOuts {
  /** Root-relative paths DVC caches (outs without `cache: false`). */
  cached: string[];
}

function readDvcOuts(root: string): DvcOuts {
  const cached = new Set<string>();
  const notCached = new Set<string>();
  for (const name of ['dvc.yaml', 'dvc.lock']) {
    let text: string;
    try {
      text = fs.readFileSync(path.join(root, name), 'utf8');
    } catch {
      continue;
    }
    const facts = parseDvcMetadata(name, text);
    for (const out of facts.outs) (out.cache ? cached : notCached).add(out.path);
    if (name !== 'dvc.yaml') continue;
    // A stage's metrics and plots are its outputs, in the DVC cache unless `cache: false` (then committed to git);
    // top-level metrics and plots are files some stage or script writes, not outputs of their own.
    let project: DvcProject;
    try {
      project = parseDvcYaml(text, name);
    } catch {
      for (const file of facts.metricsAndPlots) notCached.add(file);
      continue;
    }
    for (const stage of project.stages)
      for (const entry of [...stage.metrics, ...stage.plots])
        (entry.cache === false ? notCached : cached).add(entry.path);
    for (const file of [...project.metrics, ...project.plots]) notCached.add(file);
  }
  return { cached: [...cached].filter((p) => !notCached.has(p)) };
}

/** Whether a file's content is a Git LFS pointer (false when it is missing or unreadable). */
function hasLfsPointerContent(root: string, relativePath: string): Promise<boolean> {
  return isLfsPointer(path.join(root, relativePath), { maxBytes: Infinity });
}

/** Whether DVC tracks a path: a `.dvc` file for it or a parent, or a cached `outs` entry (read once). */
function dvcTracker(root: string): (relativePath: string) => Promise<boolean> {
  let dvcOuts: DvcOuts | undefined;
  return (relativePath) => {
    const clean = relativePath.replace(/\/+$/, '');
    const segments = clean.split('/');
    for (let n = segments.length; n > 0; n--) {
      if (fs.existsSync(path.join(root, `${segments.slice(0, n).join('/')}.dvc`))) return Promise.resolve(true);
    }
    dvcOuts ??= readDvcOuts(root);
    return Promise.resolve(dvcOuts.cached.some((out) => clean === out || clean.startsWith(`${out}/`)));
  };
}

/** A GitHelper for the repository containing `root` (paths are relative to `root`). */
export function createGitHelper(root: string, logger?: Logger, signal?: AbortSignal): DefaultGitHelper {
  const git = (args: readonly string[]): Promise<GitOutput> => runGit(root, args, signal);
  let repository: Promise<boolean> | undefined;
  let mergeBase: Promise<string | undefined> | undefined;
  const isRepository = (): Promise<boolean> =>
    (repository ??= git(['rev-parse', '--is-inside-work-tree']).then(
      (r) => r.code === 0 && r.stdout.trim() === 'true',
      (err: unknown) => {
        logger?.warn(err instanceof Error ? err.message : String(err));
        return false;
      },
    ));
  const resolveRevision = async (revision: string): Promise<string | undefined> => {
    if (!safe(revision) || !(await isRepository())) return undefined;
    const r = await git(['rev-parse', '--verify', '--quiet', `${revision}^{commit}`]);
    return r.code === 0 ? r.stdout.trim() || undefined : undefined;
  };
  return {
    isRepository,
    async isTracked(relativePath) {
      if (!safe(relativePath) || !(await isRepository())) return false;
      const r = await git(['ls-files', '-z', '--', relativePath]);
      return r.code === 0 && r.stdout.length > 0;
    },
    async isLfsPointer(relativePath) {
      if (await hasLfsPointerContent(root, relativePath)) return true;
      if (!safe(relativePath) || !(await isRepository())) return false;
      const r = await git(['check-attr', 'filter', '--', relativePath]);
      return r.code === 0 && /: filter: lfs\s*$/.test(r.stdout);
    },
    isDvcTracked: dvcTracker(root),
    async lastCommitDate(relativePath) {
      if (!safe(relativePath) || !(await isRepository())) return undefined;
      const r = await git(['log', '-1', '--format=%ct', '--', relativePath]);
      const seconds = Number(r.stdout.trim());
      return r.code === 0 && r.stdout.trim() && Number.isFinite(seconds) ? seconds * 1000 : undefined;
    },
    async newestTag(pattern) {
      if (!safe(pattern) || !(await isRepository())) return undefined;
      const r = await git(['tag', '--list', '--sort=-v:refname', '--sort=-creatordate', pattern]);
      return r.code === 0 ? (r.stdout.split('\n')[0] ?? '').trim() || undefined : undefined;
    },
    resolveRevision,
    async showFile(revision, relativePath) {
      if (!safe(revision) || !(await isRepository())) return undefined;
      return showFileText(root, revision, relativePath, { signal }).catch((err: unknown) => {
        logger?.debug(err instanceof Error ? err.message : String(err));
        return undefined;
      });
    },
    mergeBase() {
      mergeBase ??= (async () => {
        if (!(await isRepository())) return undefined;
        const originHead = await git(['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD']);
        const candidates = [
          ...(originHead.code === 0 && originHead.stdout.trim() ? [originHead.stdout.trim()] : []),
          'refs/heads/main',
          'refs/heads/master',
          'refs/remotes/origin/main',
          'refs/remotes/origin/master',
        ];
        for (const candidate of candidates) {
          if (!(await resolveRevision(candidate))) continue;
          const r = await git(['merge-base', 'HEAD', candidate]);
          if (r.code === 0 && r.stdout.trim()) return r.stdout.trim();
        }
        return undefined;
      })();
      return mergeBase;
    },
  };
}

/**
 * A GitHelper that never starts a process: not a repository, nothing tracked, no history. It still answers from
 * files: Git LFS pointer content, and DVC (`.dvc` files, dvc.yaml and dvc.lock outs).
 */
export function createOfflineGitHelper(root: string): DefaultGitHelper {
  return {
    isRepository: () => Promise.resolve(false),
    isTracked: () => Promise.resolve(false),
    isLfsPointer: (relativePath) => hasLfsPointerContent(root, relativePath),
    isDvcTracked: dvcTracker(root),
    lastCommitDate: () => Promise.resolve(undefined),
    newestTag: () => Promise.resolve(undefined),
    resolveRevision: () => Promise.resolve(undefined),
    showFile: () => Promise.resolve(undefined),
    mergeBase: () => Promise.resolve(undefined),
  };
}
