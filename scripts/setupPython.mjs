#!/usr/bin/env node
// Creates .cache/venv with the pinned real tools (mlflow, dvc, dvclive, tensorboard, nbformat, nbstripout,
// nbdime) that write the interop fixtures and act as oracles. Re-installs only when the pins change.
import { execFileSync } from 'node:child_process';
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
  console.log(`[python] creating ${path.relative(root, venvDir)} with ${python}`);
  if (!fs.existsSync(venvPython)) execFileSync(python, ['-m', 'venv', venvDir], { stdio: 'inherit' });
  const pip = (args) =>
    execFileSync(venvPython, ['-m', 'pip', '--disable-pip-version-check', ...args], { stdio: 'inherit' });
  pip(['install', '--quiet', '-r', requirements, '-c', constraints]);
  fs.writeFileSync(stamp, digest);
  console.log(`[python] ready in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return venvPython;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    setupPython();
  } catch (err) {
    console.error(`[python] setup failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
