// The pinned Python tools (dvc, dvclive's python) run as real processes in a scratch repository, with git and DVC
// kept offline and independent of the user's configuration.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

/** Git identity fixed, the user's git configuration ignored, DVC analytics off. */
export const toolEnv: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Dee Veecee',
  GIT_AUTHOR_EMAIL: 'dvc@example.com',
  GIT_COMMITTER_NAME: 'Dee Veecee',
  GIT_COMMITTER_EMAIL: 'dvc@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  DVC_NO_ANALYTICS: '1',
};

/** Runs `bin` in `cwd` and answers its stdout; throws with its stderr when it fails. */
export function runTool(cwd: string, bin: string, args: string[], env: Record<string, string> = {}): string {
  return execFileSync(bin, args, { cwd, env: { ...toolEnv, ...env }, stdio: ['ignore', 'pipe', 'pipe'] }).toString(
    'utf8',
  );
}

/** The pinned interop Python (MLOPS_PYTHON); a clear error when it is not set. */
export function interopPython(): string {
  const python = process.env.MLOPS_PYTHON;
  if (!python)
    throw new Error('MLOPS_PYTHON is not set: run `npm run test:interop`, or set it to .cache/venv/bin/python');
  return python;
}

/** `dvc` of the interop environment. */
export const dvcTool = (cwd: string, args: string[]): string =>
  runTool(cwd, path.join(path.dirname(interopPython()), 'dvc'), args);
