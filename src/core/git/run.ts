// runGit: git with argument arrays, bytes out and the exit code, for callers that read non-zero exits themselves.
// A thin layer over execGit (gitProcess.ts), which runs every git process: a non-zero exit is returned, not thrown,
// except when git is missing, the folder is not in a repository, or git refuses a repository owned by another user
// (typed errors, in this API's wording).
import fs from 'node:fs';
import {
  execGit,
  GitError,
  GitNotFoundError,
  NotARepositoryError,
  repositoryFailureKind,
  UnsafeRepositoryError,
  type GitOutput,
} from './gitProcess';

export { GitNotFoundError, NotARepositoryError, UnsafeRepositoryError } from './gitProcess';

export type GitResult = GitOutput;

export interface RunGitOptions {
  input?: string | Buffer;
  /** Largest stdout accepted, in bytes (default 256 MiB); more is an error. */
  maxBuffer?: number;
  env?: Record<string, string>;
  /** Receives stdout as it arrives; stdout is then not collected (the result's stdout is empty). */
  onStdout?: (chunk: Buffer) => void;
}

/** The typed error for a failed git run's stderr, when there is one. */
export function gitFailure(stderr: string, folder: string): GitError | undefined {
  const kind = repositoryFailureKind(stderr);
  if (kind === 'unsafe-repository') return new UnsafeRepositoryError(folder, undefined, [], stderr);
  if (kind === 'not-a-repository') return new NotARepositoryError(folder, undefined, [], stderr);
  return undefined;
}

/**
 * Runs `git <args>` in `cwd` and resolves with its output and exit code (a non-zero code is not an error here).
 * Rejects with GitNotFoundError when git is missing, NotARepositoryError when `cwd` is not in a repository and
 * UnsafeRepositoryError when git refuses it.
 */
export async function runGit(cwd: string, args: string[], options: RunGitOptions = {}): Promise<GitResult> {
  if (!fs.existsSync(cwd)) throw new NotARepositoryError(cwd);
  const maxBuffer = options.maxBuffer ?? 256 * 1024 * 1024;
  const onStdout = options.onStdout;
  let result: GitResult;
  try {
    result = await execGit(cwd, args, {
      input: options.input,
      env: options.env,
      maxBytes: maxBuffer,
      okCodes: 'all',
      // Whatever the callback returns, git runs to the end (execGit would stop at `false`).
      onStdout: onStdout ? (chunk) => void onStdout(chunk) : undefined,
    });
  } catch (err) {
    // runGit keeps its own wording; it takes no git path, so its message for a missing git offers none.
    if (err instanceof GitNotFoundError) throw new GitNotFoundError(undefined, err.command);
    if (err instanceof GitError && err.kind === 'too-large')
      throw new GitError(
        `git ${args[0]} wrote more than ${maxBuffer} bytes; narrow the request.`,
        'too-large',
        err.command,
      );
    throw err;
  }
  const typed = result.code !== 0 ? gitFailure(result.stderr, cwd) : undefined;
  if (typed) throw typed;
  return result;
}
