// Interop with the real DVC and DVCLive: test/interop/dvc/generate.py builds a project (pipeline, DVCLive
// per-step metrics, two commits, a tag, three `dvc exp run -S` experiments) in a temp folder and writes what DVC
// reports; our readers must give the same keys and values for the workspace, each commit and each experiment.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compareWithDvc, readExpected } from '../unit/formats/dvc/oracle';

const root = path.resolve(__dirname, '..', '..', '..');
const python = process.env.MLOPS_PYTHON;

describe('interop: DVC and DVCLive', function () {
  this.timeout(240_000);
  let tmp: string;
  let repo: string;
  let expected: string;

  before(function () {
    if (!python) this.skip();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-interop-dvc-'));
    repo = path.join(tmp, 'repo');
    expected = path.join(tmp, 'expected');
    execFileSync(python, [path.join(root, 'test', 'interop', 'dvc', 'generate.py'), repo, expected], {
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 200_000,
    });
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it("our readers match DVC's metrics show, exp show, metrics diff and params diff exactly", async () => {
    const { compared, mismatches } = await compareWithDvc(repo, expected);
    assert.deepEqual(mismatches, []);
    assert.ok(compared > 150, `compared ${compared} values`);
  });

  it('the committed fixture is what the pinned tools write today (diffs carry no commit ids or times)', () => {
    const committed = path.join(root, 'test', 'fixtures', 'dvc', 'expected');
    for (const name of ['metrics-diff.json', 'metrics-diff-commits.json', 'params-diff.json']) {
      assert.equal(
        JSON.stringify(readExpected(expected, name)),
        JSON.stringify(readExpected(committed, name)),
        `${name}: refresh test/fixtures/dvc (see generate.py)`,
      );
    }
  });
});
