// The `mlops` CLI bundled once per test process with the product's esbuild settings, run as a real child process.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as esbuild from 'esbuild';

const ROOT = path.resolve(__dirname, '../../..');
let bundled: Promise<string> | undefined;

/** The path of a bundled cli.js (with sql.js's WebAssembly beside it, as in the extension's dist/). */
export function cliBundle(): Promise<string> {
  bundled ??= (async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-cli-bundle-'));
    const cliPath = path.join(out, 'cli.js');
    await esbuild.build({
      entryPoints: [path.join(ROOT, 'src', 'cli', 'main.ts')],
      outfile: cliPath,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'es2022',
      logLevel: 'error',
      banner: { js: '#!/usr/bin/env node' },
    });
    fs.copyFileSync(
      path.join(ROOT, 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm'),
      path.join(out, 'sql-wasm.wasm'),
    );
    process.on('exit', () => fs.rmSync(out, { recursive: true, force: true }));
    return cliPath;
  })();
  return bundled;
}

export interface SpawnResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs `mlops <args>` in `cwd` as a child process; `env` replaces the inherited environment's entries it names. Its
 * listing cache is the bundle's own folder (never the user's).
 */
export async function spawnMlops(
  args: string[],
  cwd: string,
  env: Record<string, string | undefined> = {},
): Promise<SpawnResult> {
  const cli = await cliBundle();
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, MLOPS_CACHE_DIR: path.join(path.dirname(cli), 'cache'), ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Like `spawnMlops`, without blocking this process (so a server in the test can answer the CLI). */
export async function spawnMlopsAsync(
  args: string[],
  cwd: string,
  env: Record<string, string | undefined> = {},
): Promise<SpawnResult> {
  const cli = await cliBundle();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd,
      env: { ...process.env, MLOPS_CACHE_DIR: path.join(path.dirname(cli), 'cache'), ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}
