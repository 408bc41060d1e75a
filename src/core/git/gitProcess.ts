// Runs git for the core: argument arrays (never a shell), one environment (no prompts, no optional locks,
// untranslated messages), streaming with early stop, cancellation and an output limit. Failures become a
// `GitError` whose `kind` says what the user can do; the three a user fixes outside the editor have their own
// subclasses. execGit runs one command; spawnGit and startFailure serve a long-lived process (CatFileBatch).
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export type GitErrorKind =
  | 'git-not-found'
  | 'not-a-repository'
  | 'unsafe-repository'
  | 'no-commits'
  | 'not-found'
  | 'too-large'
  | 'cancelled'
  | 'failed';

/** A git failure a user can act on; `kind` tells which. */
export class GitError extends Error {
  constructor(
    message: string,
    readonly kind: GitErrorKind,
    readonly command: readonly string[] = [],
    readonly stderr = '',
  ) {
    super(message);
    this.name = 'GitError';
  }
}

/** git is not installed or not on PATH (kind `git-not-found`). */
export class GitNotFoundError extends GitError {
  constructor(
    message = 'git was not found. Install git and make sure it is on PATH, then try again.',
    command: readonly string[] = [],
  ) {
    super(message, 'git-not-found', command);
    this.name = 'GitNotFoundError';
  }
}

/** The folder is not inside a git repository, or does not exist (kind `not-a-repository`). */
export class NotARepositoryError extends GitError {
  constructor(
    readonly folder: string,
    message = `${folder} is not inside a git repository. Run 'git init' there, or open the repository's folder.`,
    command: readonly string[] = [],
    stderr = '',
  ) {
    super(message, 'not-a-repository', command, stderr);
    this.name = 'NotARepositoryError';
  }
}

/** git refuses a repository owned by someone else until it is marked safe (kind `unsafe-repository`). */
export class UnsafeRepositoryError extends GitError {
  constructor(
    readonly folder: string,
    message = `git refuses to read ${folder}: it is owned by another user. If you trust it, run: git config --global --add safe.directory '${folder}'`,
    command: readonly string[] = [],
    stderr = '',
  ) {
    super(message, 'unsafe-repository', command, stderr);
    this.name = 'UnsafeRepositoryError';
  }
}

export interface GitRunOptions {
  /** The git executable (default `git`, found on PATH). */
  gitPath?: string;
  signal?: AbortSignal;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Text or bytes for stdin. */
  input?: string | Buffer;
  /** Fail with `too-large` beyond this many bytes of output (default 512 MiB). */
  maxBytes?: number;
  /** Exit codes that are not failures (default [0]); `all`: any exit code resolves, and the caller reads `code`. */
  okCodes?: readonly number[] | 'all';
  /**
   * Called with each chunk of stdout; return `false` to stop git early (the output so far is returned). When given,
   * stdout is not collected. An exception it throws stops git and rejects with that exception.
   */
  onStdout?: (chunk: Buffer) => boolean | void;
}

export interface GitOutput {
  stdout: Buffer;
  stderr: string;
  code: number;
}

/** The environment git runs in: no prompts, no optional locks, untranslated messages, plus `extra`. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, LC_ALL: 'C', LANGUAGE: 'C', GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', ...extra };
}

/** Starts `git <args>` in `cwd` with that environment and three pipes; its `error` event goes to startFailure. */
export function spawnGit(
  cwd: string,
  args: readonly string[],
  options: Pick<GitRunOptions, 'gitPath' | 'env'> = {},
): ChildProcessWithoutNullStreams {
  return spawn(options.gitPath ?? 'git', args, {
    cwd,
    env: gitEnv(options.env),
    stdio: ['pipe', 'pipe', 'pipe'],
    windowsHide: true,
  });
}

/**
 * The error for a git process that could not start. With `gitPath` (the executable asked for) a missing git is
 * reported by that name, with the hint that another path can be set.
 */
export function startFailure(error: NodeJS.ErrnoException, command: readonly string[], gitPath?: string): GitError {
  if (error.code === 'ENOENT') {
    return gitPath === undefined
      ? new GitNotFoundError(undefined, command)
      : new GitNotFoundError(
          `git not found: install git and make sure "${gitPath}" is on the PATH (or set the path to git).`,
          command,
        );
  }
  return new GitError(`Cannot run ${gitPath ?? 'git'}: ${error.message}`, 'failed', command);
}

const UNSAFE_REPOSITORY = /dubious ownership|safe\.directory/i;
const NOT_A_REPOSITORY = /not a git repository/i;
const NO_COMMITS = /does not have any commits yet|bad default revision 'HEAD'|ambiguous argument 'HEAD'/i;

/** What a failed git run's stderr says about the repository, when it names a failure the user can fix. */
export function repositoryFailureKind(
  stderr: string,
): 'unsafe-repository' | 'not-a-repository' | 'no-commits' | undefined {
  if (UNSAFE_REPOSITORY.test(stderr)) return 'unsafe-repository';
  if (NOT_A_REPOSITORY.test(stderr)) return 'not-a-repository';
  if (NO_COMMITS.test(stderr)) return 'no-commits';
  return undefined;
}

/** Runs `git <args>` in `cwd`; a non-zero exit (outside `okCodes`) rejects with a classified GitError. */
export function execGit(cwd: string, args: readonly string[], options: GitRunOptions = {}): Promise<GitOutput> {
  const gitPath = options.gitPath ?? 'git';
  const command = [gitPath, ...args];
  const maxBytes = options.maxBytes ?? 512 * 1024 * 1024;
  return new Promise<GitOutput>((resolve, reject) => {
    if (options.signal?.aborted) {
      reject(new GitError(`git ${args[0] ?? ''} was cancelled.`, 'cancelled', command));
      return;
    }
    const child = spawnGit(cwd, args, { gitPath, env: options.env });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let stopped = false;
    let failure: Error | undefined;
    const stop = (error?: Error) => {
      stopped = true;
      if (error) failure ??= error;
      child.kill();
    };
    const onAbort = () => stop(new GitError(`git ${args[0] ?? ''} was cancelled.`, 'cancelled', command));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      if (stopped) return;
      if (options.onStdout) {
        try {
          if (options.onStdout(chunk) === false) stop();
        } catch (err) {
          stop(err instanceof Error ? err : new Error(String(err)));
        }
        return;
      }
      size += chunk.length;
      if (size > maxBytes) {
        stop(
          new GitError(
            `git ${args[0] ?? ''} printed more than ${maxBytes} bytes; the output is too large to load.`,
            'too-large',
            command,
          ),
        );
        return;
      }
      chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
    });
    child.stdin.on('error', () => undefined); // git may exit before reading all input; the exit code tells.
    child.stdin.end(options.input ?? '');
    child.on('error', (err: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', onAbort);
      reject(startFailure(err, command, gitPath));
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (failure) {
        reject(failure);
        return;
      }
      const output: GitOutput = { stdout: Buffer.concat(chunks), stderr, code: code ?? -1 };
      const okCodes = options.okCodes ?? [0];
      if (stopped || okCodes === 'all' || okCodes.includes(output.code)) resolve(output);
      else reject(classify(cwd, command, output));
    });
  });
}

function classify(cwd: string, command: readonly string[], output: GitOutput): GitError {
  const stderr = output.stderr.trim();
  switch (repositoryFailureKind(stderr)) {
    case 'unsafe-repository':
      return new UnsafeRepositoryError(
        cwd,
        `git refuses to work in ${cwd} because another user owns it. If you trust it, run: git config --global --add safe.directory "${cwd}"`,
        command,
        stderr,
      );
    case 'not-a-repository':
      return new NotARepositoryError(
        cwd,
        `${cwd} is not in a git repository. Run "git init" there, or open the repository's folder.`,
        command,
        stderr,
      );
    case 'no-commits':
      return new GitError(`The repository at ${cwd} has no commits yet.`, 'no-commits', command, stderr);
    default: {
      const first = stderr.split('\n').find((l) => l.trim()) ?? `exit code ${output.code}`;
      return new GitError(
        `${command.slice(0, 3).join(' ')} failed in ${cwd}: ${first.replace(/^(fatal|error): /, '')}`,
        'failed',
        command,
        stderr,
      );
    }
  }
}
