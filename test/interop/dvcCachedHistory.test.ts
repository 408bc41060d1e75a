// A DVC project whose only metrics file is a cached stage output and which has no params file (the stage reads a
// plain dependency), written by the real dvc: git holds the metrics only as hashes in dvc.lock. The history must list
// every revision where dvc.lock changed (and the branch's tip, as for every project), with the values `dvc metrics
// show --all-commits` reads from the local cache (it listed none: it followed only the metrics file, which git never
// holds).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gitHistorySource } from '../../src/core/metrics/sources/gitHistory';
import { followedFiles } from '../../src/core/metrics/sources/workspaceFiles';
import { dvcTool, interopPython, runTool } from '../helpers/pythonTools';

const git = (cwd: string, args: string[]) => runTool(cwd, 'git', args);
const dvc = dvcTool;
/** Commits a day apart, so newest first is one order. */
let day = 0;
const commit = (cwd: string, message: string) => {
  const date = `2026-0${1 + Math.floor(day / 28)}-${String(1 + (day % 28)).padStart(2, '0')}T12:00:00Z`;
  day++;
  runTool(cwd, 'git', ['commit', '-q', '-m', message], { GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date });
};

describe('history of DVC-cached metrics without a params file (the real dvc)', function () {
  this.timeout(180_000);
  let dir: string;
  /** `dvc metrics show --all-commits --json`: the f1 of each commit, by full sha. */
  const dvcF1 = new Map<string, number>();
  const commits: string[] = [];

  before(function () {
    interopPython();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-interop-dvc-cached-'));
    git(dir, ['init', '-q', '-b', 'main']);
    dvc(dir, ['init', '-q']);
    fs.writeFileSync(path.join(dir, 'config.txt'), '0.61\n');
    fs.writeFileSync(
      path.join(dir, 'train.sh'),
      'mkdir -p eval; printf \'{"f1": %s, "n": 3}\\n\' "$(cat config.txt)" > eval/metrics.json\n',
    );
    fs.writeFileSync(
      path.join(dir, 'dvc.yaml'),
      [
        'stages:',
        '  train:',
        '    cmd: sh train.sh',
        '    deps: [config.txt, train.sh]',
        '    metrics:',
        '      - eval/metrics.json',
        '',
      ].join('\n'),
    );
    for (const value of ['0.61', '0.72', '0.83']) {
      fs.writeFileSync(path.join(dir, 'config.txt'), `${value}\n`);
      dvc(dir, ['repro', '-q']);
      git(dir, ['add', '-A']);
      commit(dir, `Train with ${value}`);
      commits.unshift(git(dir, ['rev-parse', 'HEAD']).trim());
    }
    // A commit that changes neither the pipeline nor its results: listed as the branch's tip only.
    fs.writeFileSync(path.join(dir, 'README.md'), '# notes\n');
    git(dir, ['add', '-A']);
    commit(dir, 'Docs');
    commits.unshift(git(dir, ['rev-parse', 'HEAD']).trim());
    const shown = JSON.parse(dvc(dir, ['metrics', 'show', '--all-commits', '--json'])) as Record<
      string,
      { data?: Record<string, { data?: { f1?: number } }> }
    >;
    for (const [rev, entry] of Object.entries(shown)) {
      const f1 = entry.data?.['eval/metrics.json']?.data?.f1;
      if (typeof f1 === 'number') dvcF1.set(rev, f1);
    }
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is a project git holds no metrics file of, and no params file', () => {
    assert.equal(git(dir, ['ls-files', 'eval/metrics.json']).trim(), '', 'the metrics file is not in git');
    const { followed } = followedFiles(dir);
    assert.deepEqual(followed.metrics, ['eval/metrics.json']);
    assert.deepEqual(followed.params, []);
    assert.ok(dvcF1.size >= 4, `dvc reads the cached values of each commit: ${JSON.stringify([...dvcF1])}`);
  });

  it('lists each revision that changed dvc.lock, with the values dvc reads from its cache', async () => {
    const { followed } = followedFiles(dir);
    const { runs, problems } = await gitHistorySource.read(dir, { root: dir, followed });
    assert.deepEqual(
      runs.map((r) => r.revision),
      commits,
      'the tip (a docs commit), then the three training commits, newest first',
    );
    for (const run of runs) {
      const f1 = run.metrics.find((m) => m.key === 'f1')?.points.at(-1)?.value;
      const expected = dvcF1.get(run.revision!) ?? dvcF1.get(run.revision!.slice(0, 7));
      assert.equal(f1, expected, `f1 at ${run.revision}`);
    }
    assert.deepEqual(
      runs.map((r) => r.metrics.find((m) => m.key === 'f1')?.points.at(-1)?.value),
      [0.83, 0.83, 0.72, 0.61],
    );
    assert.ok(
      problems.some((p) => /The metric values of 4 revisions come from the local DVC cache/.test(p.message)),
      problems.map((p) => p.message).join('\n'),
    );
  });

  it('lists the same revisions without values, explained, when the cache does not hold them', async () => {
    const clone = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-interop-dvc-clone-'));
    try {
      git(clone, ['clone', '-q', dir, '.']);
      const { followed } = followedFiles(clone);
      const { runs, problems } = await gitHistorySource.read(clone, { root: clone, followed });
      assert.deepEqual(
        runs.map((r) => r.revision),
        commits,
      );
      assert.ok(runs.every((r) => r.metrics.length === 0));
      assert.ok(
        problems.some((p) => /4 of 4 revisions have no metric values in git/.test(p.message)),
        problems.map((p) => p.message).join('\n'),
      );
    } finally {
      fs.rmSync(clone, { recursive: true, force: true });
    }
  });
});
