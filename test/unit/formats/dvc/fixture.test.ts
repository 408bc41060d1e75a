import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readHistory } from '../../../../src/core/git/history';
import { readDvcWorkspace } from '../../../../src/core/formats/dvc/project';
import { root } from '../../../harness/paths';
import { compareWithDvc, readExpected, restoreFixture } from './oracle';

const fixture = path.join(root, 'test', 'fixtures', 'dvc');

describe('DVC fixture project (written by the real dvc and dvclive)', () => {
  let tmp: string;
  let repo: string;
  before(function () {
    this.timeout(30_000);
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-dvc-fixture-'));
    repo = restoreFixture(fixture, path.join(tmp, 'repo'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it("matches DVC's metrics show, exp show, metrics diff and params diff value for value", async function () {
    this.timeout(30_000);
    const { compared, mismatches } = await compareWithDvc(repo, path.join(fixture, 'expected'));
    assert.deepEqual(mismatches, []);
    assert.ok(compared > 150, `compared ${compared} values`);
  });

  it('finds the commits, the release tag and the three experiments DVC made', async () => {
    const expected = readExpected(path.join(fixture, 'expected'), 'commits.json') as {
      commits: { sha: string; subject: string }[];
      refs: { ref: string; commit: string }[];
    };
    const { files } = await readDvcWorkspace(repo);
    const history = await readHistory(repo, files);
    const exps = expected.refs.filter((r) => /^refs\/exps\/[0-9a-f]{2}\//.test(r.ref));
    assert.equal(exps.length, 3);
    for (const e of exps) {
      const run = history.runs.find((r) => r.id === e.commit)!;
      assert.equal(run.experiment, e.ref.split('/').pop());
      assert.equal(run.label, run.experiment);
      assert.deepEqual(run.revisionInfo!.refs, [e.ref]);
    }
    const tagged = history.runs.find((r) => r.revisionInfo!.tags.includes('model@v1.0.0'))!;
    assert.equal(tagged.id, expected.refs.find((r) => r.ref === 'refs/tags/model@v1.0.0')!.commit);
    assert.equal(tagged.revisionInfo!.subject, 'Faster learning rate');
    assert.match(tagged.label, /^[0-9a-f]{7} model@v1\.0\.0$/);
    // The commit that only initialised DVC has no metrics: no run.
    const init = expected.commits.find((c) => c.subject === 'Initialize DVC')!;
    assert.equal(
      history.runs.find((r) => r.id === init.sha),
      undefined,
    );
    assert.equal(history.runs.length, 5);
  });

  it('gives the workspace run per-step DVCLive history under the keys DVC shows', async () => {
    const { run } = await readDvcWorkspace(repo);
    const loss = run.metrics.find((s) => s.file === 'dvclive/metrics.json' && s.key === 'train.loss')!;
    assert.deepEqual(
      loss.points.map((p) => p.step),
      [0, 1, 2, 3, 4, 5],
    );
    assert.equal(loss.split, 'train');
    assert.equal(loss.baseKey, 'loss');
    const acc = run.metrics.find((s) => s.key === 'eval.acc')!;
    assert.equal(acc.split, 'validation');
    assert.equal(acc.points.length, 6);
    assert.deepEqual(run.textMetrics, [{ key: 'model', value: 'mlp-4', file: 'metrics/summary.yaml' }]);
  });
});
