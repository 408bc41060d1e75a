// Test helpers: real git repositories in temporary folders (user and dates set per command, global config
// untouched), and a CheckContext over them built from the default readers.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createDefaultContext } from '../../../src/core/checks/defaults/context';
import { discoveredNotice, loadCheckConfig, parseProjectConfig } from '../../../src/core/checks/defaults/config';
import { runChecks, type RunOptions } from '../../../src/core/checks/engine';
import type { CheckContext, CheckReport, CheckResult } from '../../../src/core/checks/types';

export const DAY = 86_400_000;
/** 2026-03-02T10:00:00Z: commits in tests are dated from here. */
export const BASE_TIME = Date.UTC(2026, 2, 2, 10, 0, 0);

const GIT_ENV = {
  GIT_CONFIG_GLOBAL: os.devNull,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Test Author',
  GIT_AUTHOR_EMAIL: 'author@example.com',
  GIT_COMMITTER_NAME: 'Test Author',
  GIT_COMMITTER_EMAIL: 'author@example.com',
};

export function git(dir: string, args: string[], date = BASE_TIME): string {
  const when = `${Math.floor(date / 1000)} +0000`;
  return execFileSync(
    'git',
    ['-c', 'user.name=Test Author', '-c', 'user.email=author@example.com', '-c', 'init.defaultBranch=main', ...args],
    {
      cwd: dir,
      env: { ...process.env, ...GIT_ENV, GIT_AUTHOR_DATE: when, GIT_COMMITTER_DATE: when },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  ).toString();
}

export function writeFiles(dir: string, files: Record<string, string | Buffer>): void {
  for (const [relative, content] of Object.entries(files)) {
    const full = path.join(dir, relative);
    fs.mkdirSync(path.dirname(full), { recursive: true });
    fs.writeFileSync(full, content);
  }
}

const created: string[] = [];

export function tempDir(prefix = 'mlops-checks-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/** Removes every folder made by tempDir; call from an `after` hook. */
export function removeTempDirs(): void {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** A git repository with `files` committed at `date` (and nothing else). */
export function makeRepo(files: Record<string, string | Buffer>, date = BASE_TIME): string {
  const dir = tempDir();
  git(dir, ['init', '--quiet']);
  writeFiles(dir, files);
  commitAll(dir, 'Initial commit', date);
  return dir;
}

export function commitAll(dir: string, message: string, date = BASE_TIME): void {
  git(dir, ['add', '-A'], date);
  git(dir, ['commit', '--quiet', '--allow-empty', '-m', message], date);
}

/** A CheckContext over `dir` from its mlops.yaml, with a pinned clock. */
export function contextFor(dir: string, now = BASE_TIME + 10 * DAY): CheckContext {
  return createDefaultContext(dir, { now: () => now });
}

/** A CheckContext whose config comes from `configText` (the folder's mlops.yaml is not read). */
export function contextWithConfig(dir: string, configText: string, now = BASE_TIME + 10 * DAY): CheckContext {
  return createDefaultContext(dir, { now: () => now, loaded: parseProjectConfig(configText) });
}

export async function run(dir: string, options: RunOptions = {}, now?: number): Promise<CheckReport> {
  return runChecks(contextFor(dir, now), options);
}

export const failures = (report: CheckReport, checkId?: string): CheckResult[] =>
  report.results.filter(
    (r) => (r.status === 'fail' || r.status === 'error') && (checkId === undefined || r.checkId === checkId),
  );

export const passes = (report: CheckReport, checkId?: string): CheckResult[] =>
  report.results.filter((r) => r.status === 'pass' && (checkId === undefined || r.checkId === checkId));

/** An mlops.yaml with one model and dataset, and the given checks section (YAML text, indented by 2). */
export function config(checks: string, extra = ''): string {
  return `version: 1
project: test
models:
  - name: churn
    path: models/churn/churn-v1.0.0.pkl
    datasets: [customers]
    metrics: [metrics/eval.json]
datasets:
  - name: customers
    path: data/customers.csv
metrics:
  - key: f1
    goal: maximize
    threshold: 0.8
  - key: loss
    goal: minimize
    threshold: 0.5
conventions:
  models: models/{name}/{name}-v{version}.{ext}
  datasets: data/{name}.{ext}
${extra}checks:
${checks}`;
}

/** A small notebook (nbformat 4.5) with the given code cells. */
export function notebook(
  cells: { source: string[]; count?: number | null; outputs?: unknown[] }[],
  metadata: Record<string, unknown> = KERNEL,
): string {
  return (
    JSON.stringify(
      {
        cells: cells.map((c, i) => ({
          cell_type: 'code',
          execution_count: c.count ?? null,
          id: `cell-${i}`,
          metadata: {},
          outputs: c.outputs ?? [],
          source: c.source,
        })),
        metadata,
        nbformat: 4,
        nbformat_minor: 5,
      },
      null,
      1,
    ) + '\n'
  );
}

export const KERNEL = {
  kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' },
  language_info: { name: 'python', version: '3.11.9' },
};

/** Fake credentials, assembled at run time so no token-shaped literal sits in the sources. */
export const FAKE = {
  awsKeyId: ['AKIA', 'Q3EXAMPLE', '7TESTKE'].join(''),
  githubToken: ['ghp', '_', 'x9Yz8Wv7Ut6Sr5Qp4On3Ml2Kj1Ih0GfEdCbA12'].join(''),
  slackToken: ['xoxb', '-', '1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx'].join(''),
  openAiKey: ['sk', '-proj-', 'Zq81Lm27Xc93Vb46Nn05Kk18Jh62Gf'].join(''),
  password: ['Tr0ub4dor', '&3-horse'].join(''),
  apiKey: ['9f8e7d6c5b4a', '3210fedcba98', '76543210abcd'].join(''),
  privateKeyHeader: ['-----BEGIN', 'RSA PRIVATE KEY-----'].join(' '),
};

/** Runs notebook-hygiene on the notebooks of a folder, in a git repository; returns finding keys and passes per notebook. */
export async function hygieneByNotebook(
  folder: string,
): Promise<Record<string, { failed: string[]; passed: string[] }>> {
  const files: Record<string, string> = { 'mlops.yaml': config('  - { id: notebooks, type: notebook-hygiene }\n') };
  for (const name of fs.readdirSync(folder).filter((f) => f.endsWith('.ipynb')))
    files[`nb/${name}`] = fs.readFileSync(path.join(folder, name), 'utf8');
  const report = await run(makeRepo(files));
  const out: Record<string, { failed: string[]; passed: string[] }> = {};
  for (const name of Object.keys(files).filter((f) => f.startsWith('nb/'))) {
    out[name.slice(3)] = {
      failed: failures(report)
        .filter((r) => r.target === name)
        .map((r) => (r.key ?? '').split('|')[0]),
      passed: passes(report)
        .filter((r) => r.target === name)
        .map((r) => r.key ?? ''),
    };
  }
  return out;
}

// ------------------------------------------------------------------------------------------------ projects without mlops.yaml

/** Projects without mlops.yaml written by the real tools (test/interop/checks/make_projects.py). */
export const PROJECT_FIXTURES = path.resolve(
  __dirname,
  '..',
  '..',
  '..',
  '..',
  'test',
  'fixtures',
  'checks',
  'projects',
);

/** A git repository holding a copy of a fixture project, committed (as after `git clone`). */
export function cloneFixture(name: 'dvc' | 'mlflow', from = PROJECT_FIXTURES): string {
  const dir = tempDir('mlops-noconfig-');
  fs.cpSync(path.join(from, name), dir, { recursive: true });
  const packed = path.join(dir, 'mlflow.db.gz');
  if (fs.existsSync(packed)) {
    fs.writeFileSync(path.join(dir, 'mlflow.db'), gunzipSync(fs.readFileSync(packed)));
    fs.rmSync(packed);
  }
  git(dir, ['init', '--quiet']);
  commitAll(dir, 'Clone', BASE_TIME);
  return dir;
}

export async function checkFolder(dir: string): Promise<{ report: CheckReport; file?: string; notice?: string }> {
  const loaded = await loadCheckConfig(dir);
  const context = createDefaultContext(dir, { loaded, now: () => BASE_TIME + 10 * DAY });
  const report = await runChecks(context);
  return { report, file: loaded.file, notice: loaded.discovered && discoveredNotice(loaded.discovered) };
}

/** The failing results as `check-id: message @ file`, sorted. */
export const findings = (report: CheckReport): string[] =>
  report.results
    .filter((r: CheckResult) => r.status === 'fail' || r.status === 'error')
    .map((r) => `${r.checkId}: ${r.message} @ ${r.location?.file ?? '-'}`)
    .sort();
