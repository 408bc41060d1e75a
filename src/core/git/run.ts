// Runs git as a child process: argument arrays only (no shell), bytes out, typed errors for the two failures a
// user can fix (git missing, folder not a repository).
import { spawn } from 'node:child_process';
import fs from 'node:fs';

/** git is not installed or not on PATH. */
export class GitNotFoundError extends Error {
  constructor() {
    super('git was not found. Install git and make sure it is on PATH, then try again.');
    this.name = 'GitNotFoundError';
  }
}

/** The folder is not inside a git repository (or does not exist). */
export class NotARepositoryError extends Error {
  constructor(readonly folder: string) {
    super(`${folder} is not inside a git repository. Run 'git init' there, or open the repository's folder.`);
    this.name = 'NotARepositoryError';
  }
}

export interface GitResult {
  stdout: Buffer;
  stderr: string;
  code: number;
}

export interface RunGitOptions {
  input?: string | Buffer;
  /** Largest stdout accepted, in bytes (default 256 MiB); more is an error. */
  maxBuffer?: number;
  env?: Record<string, string>;
  /** Receives stdout as it arrives; stdout is then not collected (the result's stdout is empty). */
  onStdout?: (chunk: Buffer) => void;
}

/** Environment for git: no prompts, no optional locks, untranslated messages. */
export function gitEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C', ...extra };
}

/** git refuses a repository owned by someone else until it is marked safe. */
export class UnsafeRepositoryError extends Error {
  constructor(readonly folder: string) {
    super(`git refuses to read ${folder}: it is owned by another user. If you trust it, run: git config --global --add safe.directory '${folder}'`);
    this.name = 'UnsafeRepositoryError';
  }
}

/** The typed error for a failed git run's stderr, when there is one. */
export function gitFailure(stderr: string, folder: string): Error | undefined {
  if (/dubious ownership/i.test(stderr)) return new UnsafeRepositoryError(folder);
  if (isNotARepository(stderr)) return new NotARepositoryError(folder);
  return undefined;
}

/** True when stderr says the folder is not a repository. */
export function isNotARepository(stderr: string): boolean {
  return /not a git repository/i.test(stderr);
}

/**
 * Runs `git <args>` in `cwd` and resolves with its output and exit code (a non-zero code is not an error here).
 * Rejects with GitNotFoundError when git is missing and NotARepositoryError when `cwd` is not in a repository.
 */
export function runGit(cwd: string, args: string[], options: RunGitOptions = {}): Promise<GitResult> {
  const maxBuffer = options.maxBuffer ?? 256 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    if (!fs.existsSync(cwd)) {
      reject(new NotARepositoryError(cwd));
      return;
    }
    const child = spawn('git', args, { cwd, env: gitEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let failed = false;
    child.on('error', (e: NodeJS.ErrnoException) => {
      failed = true;
      reject(e.code === 'ENOENT' ? new GitNotFoundError() : e);
    });
    child.stdout.on('data', (chunk: Buffer) => {
      if (options.onStdout) {
        if (failed) return;
        try {
          options.onStdout(chunk);
        } catch (e) {
          failed = true;
          child.kill();
          reject(e instanceof Error ? e : new Error(String(e)));
        }
        return;
      }
      size += chunk.length;
      if (size > maxBuffer && !failed) {
        failed = true;
        child.kill();
        reject(new Error(`git ${args[0]} wrote more than ${maxBuffer} bytes; narrow the request.`));
        return;
      }
      out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.stdin.on('error', () => undefined); // git may exit before reading all input; the exit code tells.
    child.on('close', (code) => {
      if (failed) return;
      const stderr = Buffer.concat(err).toString('utf8');
      const typed = code !== 0 ? gitFailure(stderr, cwd) : undefined;
      if (typed) reject(typed);
      else resolve({ stdout: Buffer.concat(out), stderr, code: code ?? 1 });
    });
    child.stdin.end(options.input ?? '');
  });
}
