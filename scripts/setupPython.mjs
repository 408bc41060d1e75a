#!/usr/bin/env node
// Creates .cache/venv with the pinned real tools (mlflow, dvc, dvclive, tensorboard, nbformat, nbstripout,
// nbdime) that write the interop fixtures and act as oracles, and one .cache/venv-mlflow-<version> per older mlflow
// release pinned in test/interop/mlflow/requirements-<version>.txt (with constraints-<version>.txt), whose stores the
// readers must read too. Re-installs only when the pins change.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const venvDir = path.join(root, '.cache', 'venv');
export const venvPython = path.join(venvDir, 'bin', 'python');

export function setupPython() {
  const requirements = path.join(root, 'test', 'interop', 'requirements.txt');
  const constraints = path.join(root, 'test', 'interop', 'constraints.txt');
  const digest = createHash('sha256')
    .update(fs.readFileSync(requirements))
    .update(fs.readFileSync(constraints))
    .digest('hex');
  const stamp = path.join(venvDir, '.requirements-sha256');
  if (fs.existsSync(venvPython) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest) return venvPython;
  const python = process.env.MLOPS_BASE_PYTHON ?? 'python3';
  const started = Date.now();
  const log = path.join(root, '.cache', 'logs', 'python.log');
  fs.mkdirSync(path.dirname(log), { recursive: true });
  console.log(
    `[python] creating ${path.relative(root, venvDir)} with ${python} (a few minutes the first time; pip's output: ${path.relative(root, log)})`,
  );
  const out = fs.openSync(log, 'w');
  try {
    if (!fs.existsSync(venvPython)) execFileSync(python, ['-m', 'venv', venvDir], { stdio: ['ignore', out, out] });
    execFileSync(
      venvPython,
      ['-m', 'pip', '--disable-pip-version-check', 'install', '--quiet', '-r', requirements, '-c', constraints],
      { stdio: ['ignore', out, out] },
    );
  } catch (err) {
    throw new Error(`creating ${path.relative(root, venvDir)} failed; see ${log}`, { cause: err });
  } finally {
    fs.closeSync(out);
  }
  fs.writeFileSync(stamp, digest);
  console.log(`[python] ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return venvPython;
}

const mlflowPins = path.join(root, 'test', 'interop', 'mlflow');

/** The mlflow releases that have their own environment: one test/interop/mlflow/requirements-<version>.txt each. */
export function mlflowReleases() {
  return fs
    .readdirSync(mlflowPins)
    .map((name) => /^requirements-(.+)\.txt$/.exec(name)?.[1])
    .filter((version) => version !== undefined)
    .sort();
}

/**
 * Creates .cache/venv-mlflow-<version> for each pinned mlflow release, one progress line each; pip's output goes to
 * setup.log inside the environment. Returns version -> its python.
 */
export function setupMlflowReleases() {
  const pythons = {};
  for (const version of mlflowReleases()) {
    const requirements = path.join(mlflowPins, `requirements-${version}.txt`);
    const constraints = path.join(mlflowPins, `constraints-${version}.txt`);
    const dir = path.join(root, '.cache', `venv-mlflow-${version}`);
    const python = path.join(dir, 'bin', 'python');
    const hash = createHash('sha256').update(fs.readFileSync(requirements));
    if (fs.existsSync(constraints)) hash.update(fs.readFileSync(constraints));
    const digest = hash.digest('hex');
    const stamp = path.join(dir, '.requirements-sha256');
    pythons[version] = python;
    if (fs.existsSync(python) && fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === digest) {
      console.log(`[python] mlflow ${version}: ${path.relative(root, dir)} is up to date`);
      continue;
    }
    const started = Date.now();
    // One line per environment: what it does now, finished with how long it took.
    process.stdout.write(`[python] mlflow ${version}: creating ${path.relative(root, dir)} ... `);
    // Pins changed (or a previous install stopped half way): start from an empty environment.
    fs.rmSync(dir, { recursive: true, force: true });
    const base = process.env.MLOPS_BASE_PYTHON ?? 'python3';
    const log = path.join(dir, 'setup.log');
    const step = (command, args) => {
      const result = spawnSync(command, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
      fs.mkdirSync(dir, { recursive: true });
      fs.appendFileSync(log, `$ ${command} ${args.join(' ')}\n${result.stdout ?? ''}${result.stderr ?? ''}\n`);
      if (result.status !== 0) {
        process.stdout.write('failed\n');
        throw new Error(
          `mlflow ${version}: \`${path.basename(command)} ${args.slice(0, 3).join(' ')}\` failed (${result.error?.message ?? `exit ${result.status}`}); see ${path.relative(root, log)}`,
        );
      }
    };
    step(base, ['-m', 'venv', dir]);
    const pipArgs = ['-m', 'pip', '--disable-pip-version-check', 'install', '-r', requirements];
    step(python, fs.existsSync(constraints) ? [...pipArgs, '-c', constraints] : pipArgs);
    fs.writeFileSync(stamp, digest);
    console.log(`ready in ${((Date.now() - started) / 1000).toFixed(1)} s (pip log: ${path.relative(root, log)})`);
  }
  return pythons;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    setupPython();
    setupMlflowReleases();
  } catch (err) {
    console.error(`[python] setup failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
