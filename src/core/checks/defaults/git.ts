// A GitHelper that runs the `git` executable (argument arrays, no shell) in the checked folder, plus the few
// extra facts the default metrics provider needs (file contents at a revision, the merge base).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseDvcMetadata } from '../../formats/dvc/metadata';
import type { Logger } from '../../logging';
import type { GitHelper } from '../types';

export interface GitOutput {
  code: number;
  stdout: string;
  stderr: string;
}

const MAX_OUTPUT = 64 * 1024 * 1024;
const TIMEOUT_MS = 60_000;

/** Runs git with arguments in `cwd`; never throws for a non-zero exit (see `code`), only when git cannot start. */
export function runGit(cwd: string, args: readonly string[], signal?: AbortSignal): Promise<GitOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd,
      signal,
      timeout: TIMEOUT_MS,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_OUTPUT) out.push(chunk);
      else child.kill();
    });
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ENOENT')
        reject(new Error('git is not installed or not on PATH; install git to run the checks that read history.'));
      else reject(e);
    });
    child.on('close', (code) =>
      resolve({
        code: code ?? 1,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
      }),
    );
  });
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
    for (const file of facts.metricsAndPlots) notCached.add(file);
  }
  return { cached: [...cached].filter((p) => !notCached.has(p)) };
}

/** Whether a file's content is a Git LFS pointer (false when it is missing or unreadable). */
async function hasLfsPointerContent(root: string, relativePath: string): Promise<boolean> {
  try {
    const fd = await fs.promises.open(path.join(root, relativePath), 'r');
    try {
      const head = Buffer.alloc(64);
      const { bytesRead } = await fd.read(head, 0, 64, 0);
      return head.subarray(0, bytesRead).toString('latin1').startsWith('version https://git-lfs.github.com/spec/');
    } finally {
      await fd.close();
    }
  } catch {
    return false;
  }
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
      return r.code === 0 ? r.stdout.split('\n')[0].trim() || undefined : undefined;
    },
    resolveRevision,
    async showFile(revision, relativePath) {
      if (!safe(revision) || !(await isRepository())) return undefined;
      const r = await git(['show', `${revision}:./${relativePath.replace(/^\.\//, '')}`]);
      return r.code === 0 ? r.stdout : undefined;
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
 * The check types that read git (history, the index, tags or attributes). Without git (an untrusted workspace, where
 * no process may run) they are skipped instead of giving answers that only hold for files outside git.
 */
export const CHECK_TYPES_NEEDING_GIT: readonly string[] = ['metric-regression', 'staleness', 'large-file-untracked'];

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
