#!/usr/bin/env node
// `npm test`: lint, typecheck, unit, harness self-test, integration (real extension host), UI (real workbench in
// Chromium, from the development folder and from the packaged VSIX). `npm test -- unit integration` runs a subset.
// `interop` regenerates fixtures with the real Python tools and compares our readers with them; `prometheus` queries
// a live Prometheus (the Debian package) scraping a seeded exporter.
// Prints the time of each tier and ends with one line 'summary: N passed, N failed'.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const allTiers = ['lint', 'typecheck', 'unit', 'interop', 'prometheus', 'selftest', 'integration', 'ui', 'ui-vsix'];
const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const tiers = requested.length ? requested : allTiers;
for (const t of tiers) {
  if (!allTiers.includes(t)) {
    console.error(`Unknown tier '${t}'. Tiers: ${allTiers.join(', ')}`);
    process.exit(2);
  }
}

let passed = 0;
let failed = 0;
const timings = [];

/** Runs a command, streaming its output; resolves with the exit code and the output. */
function run(cmd, args, env = {}) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (c) => {
      output += c;
      process.stdout.write(c);
    });
    child.stderr.on('data', (c) => {
      output += c;
      process.stderr.write(c);
    });
    child.on('close', (code, signal) => {
      if (code !== 0) console.error(`[test] ${path.basename(cmd)} exited with ${code ?? `signal ${signal}`}`);
      resolve({ code: code ?? 1, output });
    });
  });
}

const npx = (bin) => path.join(root, 'node_modules', '.bin', bin);

async function tier(name, fn) {
  console.log(`\n━━ ${name} ━━`);
  const started = Date.now();
  let ok = false;
  try {
    ok = await fn();
  } catch (err) {
    console.error(`[${name}] ${err instanceof Error ? err.stack : String(err)}`);
  }
  const seconds = (Date.now() - started) / 1000;
  timings.push({ name, seconds, ok });
  console.log(`[${name}] ${ok ? 'ok' : 'FAILED'} in ${seconds.toFixed(1)} s`);
  return ok;
}

/** A check that is not a mocha suite counts as one test. */
function count(ok) {
  if (ok) passed++;
  else failed++;
  return ok;
}

async function mochaTier(pattern, env = {}) {
  const { code, output } = await run(npx('mocha'), ['--reporter', 'spec', '--no-colors', pattern], env);
  // Mocha's own summary lines, not test titles that happen to contain "N passing".
  const passes = Number(/^ {2}(\d+) passing \(/m.exec(output)?.[1] ?? 0);
  const failures = Number(/^ {2}(\d+) failing$/m.exec(output)?.[1] ?? 0);
  passed += passes;
  failed += failures;
  if (code !== 0 && failures === 0) failed++;
  return code === 0 && passes > 0;
}

async function build() {
  const dev = await run('node', ['scripts/build.mjs']);
  const tests = await run('node', ['scripts/build.mjs', '--tests']);
  return dev.code === 0 && tests.code === 0;
}

function harness() {
  return require(path.join(root, 'out', 'test', 'harness', 'integration.js'));
}

async function demoWorkspace() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-demo-'));
  const { code } = await run('node', ['scripts/demo/generate.mjs', dir]);
  if (code !== 0) throw new Error('demo generation failed');
  return dir;
}

const needsBuild = tiers.some((t) => t !== 'lint' && t !== 'typecheck');
if (needsBuild && !(await tier('build', build))) {
  count(false);
  finish();
}

for (const t of tiers) {
  if (t === 'lint')
    await tier('lint', async () => {
      const eslint = await run(npx('eslint'), ['.', '--max-warnings', '0']);
      // The formatter owns whitespace: a file it would change fails the tier.
      const prettier = await run(npx('prettier'), ['--check', '.']);
      return count(eslint.code === 0 && prettier.code === 0);
    });
  if (t === 'typecheck')
    await tier('typecheck', async () => count((await run('npm', ['run', '--silent', 'typecheck'])).code === 0));
  if (t === 'unit') await tier('unit', () => mochaTier('out/test/unit/**/*.test.js'));
  if (t === 'interop') {
    await tier('interop', async () => {
      const { setupPython, setupMlflowReleases } = await import('./setupPython.mjs');
      const python = setupPython();
      const mlflowPythons = JSON.stringify(setupMlflowReleases());
      return mochaTier('out/test/interop/**/*.test.js', { MLOPS_PYTHON: python, MLOPS_MLFLOW_PYTHONS: mlflowPythons });
    });
  }
  if (t === 'prometheus') await tier('prometheus', () => mochaTier('out/test/prometheus/**/*.test.js'));
  if (t === 'selftest') {
    await tier('selftest', async () => {
      const workspace = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-selftest-'));
      const result = await harness().runSuite({ testsDir: path.join(root, 'out', 'test', 'selftest'), workspace });
      fs.rmSync(workspace, { recursive: true, force: true });
      const ok = result.exitCode !== 0 && result.failures === 1 && result.passes === 1;
      console.log(
        `[selftest] a deliberately failing extension-host suite exited ${result.exitCode} with ${result.passes} passing, ${result.failures} failing on ${result.host}: ${ok ? 'the harness propagates failures' : 'HARNESS DOES NOT PROPAGATE FAILURES'}`,
      );
      return count(ok);
    });
  }
  if (t === 'integration') {
    await tier('integration', async () => {
      const workspace = await demoWorkspace();
      // The Models view's tracking-server test runs a real `mlflow server` from the pinned Python environment.
      const { setupPython } = await import('./setupPython.mjs');
      const result = await harness().runSuite({
        testsDir: path.join(root, 'out', 'test', 'integration'),
        workspace,
        env: { MLOPS_PYTHON: setupPython() },
      });
      fs.rmSync(workspace, { recursive: true, force: true });
      passed += result.passes;
      failed += result.failures;
      if (result.exitCode !== 0 && result.failures === 0) failed++;
      console.log(
        `[integration] ${result.passes} passing, ${result.failures} failing on ${result.host} in ${(result.durationMs / 1000).toFixed(1)} s`,
      );
      return result.exitCode === 0;
    });
  }
  if (t === 'ui') await tier('ui', () => mochaTier('out/test/ui/**/*.test.js', { MLOPS_UI_MODE: 'dev' }));
  if (t === 'ui-vsix') {
    await tier('ui-vsix', async () => {
      const pkg = await run('npm', ['run', '--silent', 'package']);
      if (!count(pkg.code === 0)) return false;
      // Packaging minifies dist/; restore the development build for later tiers and for `npm start`.
      return (await mochaTier('out/test/ui/**/*.test.js', { MLOPS_UI_MODE: 'vsix' })) && (await build());
    });
  }
}
finish();

function finish() {
  console.log('\nTier timings:');
  for (const { name, seconds, ok } of timings)
    console.log(`  ${name.padEnd(12)} ${seconds.toFixed(1).padStart(7)} s  ${ok ? 'ok' : 'FAILED'}`);
  console.log(`\nsummary: ${passed} passed, ${failed} failed`);
  process.exit(failed > 0 || timings.some((t) => !t.ok) ? 1 : 0);
}
