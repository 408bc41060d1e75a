// Runs git for the file-state queries of state.ts: argument arrays (never a shell), streaming with early stop, and
// cancellation; failures become a `GitError` whose `kind` says what the user can do.
import { spawn } from 'node:child_process';

export type GitErrorKind = 'git-not-found' | 'not-a-repository' | 'unsafe-repository' | 'no-commits' | 'not-found' | 'too-large' | 'cancelled' | 'failed';

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
  /** Exit codes that are not failures (default [0]). */
  okCodes?: number[];
  /**
   * Called with each chunk of stdout; return `false` to stop git early (the output so far is returned). When given,
   * stdout is not collected.
   */
  onStdout?: (chunk: Buffer) => boolean | void;
}

export interface GitOutput {
  stdout: Buffer;
  stderr: string;
  code: number;
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
    const child = spawn(gitPath, args, {
      cwd,
      env: { ...process.env, LC_ALL: 'C', LANGUAGE: 'C', GIT_OPTIONAL_LOCKS: '0', GIT_TERMINAL_PROMPT: '0', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let stopped = false;
    let failure: GitError | undefined;
    const stop = (error?: GitError) => {
      stopped = true;
      if (error) failure ??= error;
      child.kill();
    };
    const onAbort = () => stop(new GitError(`git ${args[0] ?? ''} was cancelled.`, 'cancelled', command));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    child.stdout.on('data', (chunk: Buffer) => {
      if (stopped) return;
      if (options.onStdout) {
        if (options.onStdout(chunk) === false) stop();
        return;
      }
      size += chunk.length;
      if (size > maxBytes) {
        stop(new GitError(`git ${args[0] ?? ''} printed more than ${maxBytes} bytes; the output is too large to load.`, 'too-large', command));
        return;
      }
      chunks.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
    child.on('error', (err: NodeJS.ErrnoException) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (err.code === 'ENOENT') reject(new GitError(`git not found: install git and make sure "${gitPath}" is on the PATH (or set the path to git).`, 'git-not-found', command));
      else reject(new GitError(`Cannot run ${gitPath}: ${err.message}`, 'failed', command));
    });
    child.on('close', (code) => {
      options.signal?.removeEventListener('abort', onAbort);
      if (failure) {
        reject(failure);
        return;
      }
      const output: GitOutput = { stdout: Buffer.concat(chunks), stderr, code: code ?? -1 };
      if (stopped || (options.okCodes ?? [0]).includes(output.code)) resolve(output);
      else reject(classify(cwd, command, output));
    });
  });
}

function classify(cwd: string, command: readonly string[], output: GitOutput): GitError {
  const stderr = output.stderr.trim();
  const first = stderr.split('\n').find((l) => l.trim()) ?? `exit code ${output.code}`;
  if (/not a git repository/i.test(stderr)) return new GitError(`${cwd} is not in a git repository. Run "git init" there, or open the repository's folder.`, 'not-a-repository', command, stderr);
  if (/dubious ownership|safe\.directory/i.test(stderr)) {
    return new GitError(`git refuses to work in ${cwd} because another user owns it. If you trust it, run: git config --global --add safe.directory "${cwd}"`, 'unsafe-repository', command, stderr);
  }
  if (/does not have any commits yet|bad default revision 'HEAD'|ambiguous argument 'HEAD'/i.test(stderr)) return new GitError(`The repository at ${cwd} has no commits yet.`, 'no-commits', command, stderr);
  return new GitError(`${command.slice(0, 3).join(' ')} failed in ${cwd}: ${first.replace(/^(fatal|error): /, '')}`, 'failed', command, stderr);
}
