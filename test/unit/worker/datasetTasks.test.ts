import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { diffAt, profileAt } from '../../../src/core/data/dataset';
import type { DatasetProgress } from '../../../src/core/data/datasetWork';
import type { Logger } from '../../../src/core/logging';
import { WorkerWork } from '../../../src/core/worker/client';
import { WorkCancelledError } from '../../../src/core/worker/protocol';

const ROOT = path.resolve(__dirname, '..', '..', '..', '..');
/** The worker entry transpiled with the tests (the extension ships the same code bundled as dist/worker.js). */
const WORKER = path.join(ROOT, 'out', 'src', 'core', 'worker', 'worker.js');

const quiet: Logger = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };

/** A transactions-like CSV of `rows` rows; `shift` moves the amounts (a drifted version). */
function csv(rows: number, shift = 0): string {
  const lines = ['id,amount,category,score'];
  const categories = ['grocery', 'fuel', 'travel', 'gaming'];
  for (let i = 0; i < rows; i++)
    lines.push(`${i},${((i * 7919) % 1000) / 10 + shift},${categories[i % 4]},${((i * 104729) % 997) / 997}`);
  return lines.join('\n') + '\n';
}

function git(cwd: string, ...args: string[]): void {
  execFileSync('git', ['-c', 'user.name=test', '-c', 'user.email=test@example.com', ...args], { cwd, stdio: 'ignore' });
}

describe('Dataset profiles, drift and validation as background work', function () {
  this.timeout(120_000);
  let dir: string;
  let work: WorkerWork;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-dataset-task-'));
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(
      path.join(dir, 'mlops.yaml'),
      [
        'version: 1',
        'datasets:',
        '  - name: small',
        '    path: data/small.csv',
        '    schema:',
        '      columns:',
        '        amount: { type: number, max: 50 }',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(dir, 'data', 'small.csv'), csv(2_000));
    git(dir, 'init', '-q');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'first');
    fs.writeFileSync(path.join(dir, 'data', 'small.csv'), csv(2_000, 40));
    git(dir, 'commit', '-q', '-am', 'drifted');
    // About 40 MB: ten chunks of the CSV reader, so a cancel lands long before the end.
    fs.writeFileSync(path.join(dir, 'data', 'big.csv'), csv(1_500_000));
    work = new WorkerWork({ script: WORKER, logger: quiet });
  });

  after(() => {
    work.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('profiles in the worker thread the profile of an in-process run, then answers from the cache', async () => {
    const cacheDir = path.join(dir, 'cache-a');
    const progress: DatasetProgress[] = [];
    const first = await work.run(
      { kind: 'profileDataset', root: dir, path: 'data/small.csv', revision: 'workspace', cacheDir },
      { onProgress: (p) => progress.push(p) },
    );
    assert.equal(work.fellBack, false, 'the worker thread ran it');
    assert.ok(!('notPulled' in first));
    assert.deepEqual(first.profile, await profileAt({ root: dir, path: 'data/small.csv' }));
    assert.equal(first.profile.rows, 2_000);
    assert.equal(first.cached, false);
    // Progress: what is read, then shares that only grow, up to all of it.
    assert.equal(progress[0]?.message, 'reading data/small.csv');
    const shares = progress.flatMap((p) => (p.fraction === undefined ? [] : [p.fraction]));
    assert.equal(shares.at(-1), 1);
    assert.deepEqual(
      shares,
      [...shares].sort((a, b) => a - b),
    );
    assert.equal(fs.readdirSync(cacheDir).length, 1, 'one cached profile, named by its hash');
    const again = await work.run({
      kind: 'profileDataset',
      root: dir,
      path: 'data/small.csv',
      revision: 'workspace',
      cacheDir,
    });
    assert.ok(!('notPulled' in again));
    assert.equal(again.cached, true);
    assert.deepEqual(again.profile, first.profile);
    // A committed version, read from git.
    const old = await work.run({ kind: 'profileDataset', root: dir, path: 'data/small.csv', revision: 'HEAD~1' });
    assert.ok(!('notPulled' in old));
    assert.deepEqual(old.profile, await profileAt({ root: dir, path: 'data/small.csv', revision: 'HEAD~1' }));
    assert.equal(old.cached, false);
  });

  it('compares two versions and validates the schema in the worker thread as in-process', async () => {
    const diff = await work.run({
      kind: 'diffDataset',
      root: dir,
      path: 'data/small.csv',
      reference: 'HEAD~1',
      current: 'HEAD',
    });
    assert.ok(!('notPulled' in diff));
    assert.deepEqual(diff, await diffAt({ root: dir, path: 'data/small.csv', reference: 'HEAD~1', current: 'HEAD' }));
    assert.deepEqual(
      diff.report.columns.filter((c) => c.drifted).map((c) => c.column),
      ['amount'],
    );
    const violations = await work.run({
      kind: 'validateDataset',
      root: dir,
      path: 'data/small.csv',
      revision: 'HEAD~1',
    });
    // Amounts of the first version run from 0 to 99.9: half the rows are above the schema's max of 50.
    assert.deepEqual(
      violations?.map((v) => [v.column, v.rule, v.count]),
      [['amount', 'max', 998]],
    );
    assert.equal(
      await work.run({ kind: 'validateDataset', root: dir, path: 'data/big.csv', revision: 'workspace' }),
      null,
      'a dataset without a schema',
    );
  });

  it('stops reading when cancelled: the job ends early, caches nothing, and the worker serves the next request', async () => {
    const cacheDir = path.join(dir, 'cache-b');
    const controller = new AbortController();
    const shares: number[] = [];
    const started = performance.now();
    const run = work.run(
      { kind: 'profileDataset', root: dir, path: 'data/big.csv', revision: 'workspace', cacheDir },
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.fraction === undefined) return;
          shares.push(p.fraction);
          controller.abort();
        },
      },
    );
    await assert.rejects(run, WorkCancelledError);
    const cancelledMs = performance.now() - started;
    // The rejection comes from the worker once its read stopped: it had read a share of the file, not all of it.
    assert.ok(shares.length >= 1, 'progress was reported before the cancel');
    assert.ok((shares.at(-1) ?? 1) < 0.5, `the read stopped at ${shares.at(-1)}`);
    assert.equal(fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir).length : 0, 0, 'no profile was cached');
    const full = performance.now();
    const done = await work.run({
      kind: 'profileDataset',
      root: dir,
      path: 'data/big.csv',
      revision: 'workspace',
      cacheDir,
    });
    const fullMs = performance.now() - full;
    assert.ok(!('notPulled' in done));
    assert.equal(done.cached, false);
    assert.equal(done.profile.rows, 1_500_000);
    assert.ok(
      cancelledMs < fullMs,
      `cancelled after ${cancelledMs.toFixed(0)} ms, a full read takes ${fullMs.toFixed(0)} ms`,
    );
  });
});
