// A real `mlflow server` on 127.0.0.1 for the tests that talk to one (interop, integration): started from the pinned
// Python environment on a free port with an SQLite backend, stopped with its whole process group.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { cacheDir } from '../harness/paths';

/** What keeps mlflow quiet and offline in tests. */
export const quietEnv = {
  ...process.env,
  MLFLOW_DISABLE_TELEMETRY: 'true',
  DO_NOT_TRACK: '1',
  MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false',
  PYTHONWARNINGS: 'ignore',
  PYTHONDONTWRITEBYTECODE: '1',
};

/** The pinned Python environment: MLOPS_PYTHON, else the clone's `.cache/venv` (made by `npm run test:interop`). */
export function testPython(): string {
  const value = process.env.MLOPS_PYTHON ?? path.join(cacheDir, 'venv', 'bin', 'python');
  if (!fs.existsSync(value))
    throw new Error(
      `${value} does not exist: run \`npm run test:interop\` once to create the Python environment, or set MLOPS_PYTHON.`,
    );
  return value;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface MlflowServer {
  url: string;
  /** What the server printed so far (for failure messages). */
  log(): string;
  /** Stops the server and its workers (SIGTERM, then SIGKILL after 5 s); resolves when it has exited. */
  stop(): Promise<void>;
}

/**
 * Starts `mlflow server` with the database `dir/mlflow.db` (created, or used as it is) and artifacts under `dir`, and
 * waits until /health answers (at most 90 s). With `defaultArtifacts`, the server keeps artifacts where it does by
 * default (`dir/mlartifacts`, served to clients through `mlflow-artifacts:` URIs).
 */
export async function startMlflowServer(
  python: string,
  dir: string,
  options: { defaultArtifacts?: boolean } = {},
): Promise<MlflowServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  fs.mkdirSync(dir, { recursive: true });
  let log = '';
  const server: ChildProcess = spawn(
    python,
    [
      '-m',
      'mlflow',
      'server',
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--workers',
      '1',
      '--backend-store-uri',
      `sqlite:///${path.join(dir, 'mlflow.db')}`,
      ...(options.defaultArtifacts ? [] : ['--default-artifact-root', path.join(dir, 'artifacts')]),
    ],
    { cwd: dir, env: quietEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  server.stdout!.on('data', (c: Buffer) => (log += c.toString()));
  server.stderr!.on('data', (c: Buffer) => (log += c.toString()));
  const killOnExit = (): void => {
    if (server.pid && server.exitCode === null) {
      try {
        process.kill(-server.pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  };
  process.on('exit', killOnExit);
  const stop = async (): Promise<void> => {
    process.off('exit', killOnExit);
    if (!server.pid || server.exitCode !== null || server.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
    try {
      process.kill(-server.pid, 'SIGTERM'); // the whole process group: mlflow, uvicorn and its workers
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-server.pid!, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }, 5000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`mlflow server exited with ${server.exitCode}:\n${log.slice(-2000)}`);
    try {
      const response = await fetch(`${url}/health`);
      if (response.ok) break;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`mlflow server did not start within 90 s:\n${log.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { url, log: () => log, stop };
}
