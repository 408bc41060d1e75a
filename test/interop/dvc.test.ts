// Interop with the real DVC and DVCLive: test/interop/dvc/generate.py builds a project (pipeline, DVCLive
// per-step metrics, two commits, a tag, three `dvc exp run -S` experiments) in a temp folder and writes what DVC
// reports; our readers must give the same keys and values for the workspace, each commit and each experiment.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compareWithDvc, git, readExpected } from '../unit/formats/dvc/oracle';

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

/** A bundle's refs: a commit or tag id, or, for a DVC experiment (committed at the time it ran), what it holds. */
function bundleRefs(bundle: string, into: string): { refs: Record<string, string>; treeOf: (rev: string) => string } {
  fs.mkdirSync(into, { recursive: true });
  git(into, ['init', '-q', '--bare']);
  git(into, ['fetch', '-q', bundle, 'refs/*:refs/*']);
  const refs: Record<string, string> = {};
  for (const line of git(into, ['for-each-ref', '--format=%(refname) %(objectname)']).trim().split('\n')) {
    const [name, id] = line.split(' ');
    refs[name] = name.startsWith('refs/exps/') && !name.startsWith('refs/exps/exec/') ? experimentCommit(into, id) : id;
  }
  return { refs, treeOf: (rev) => `tree ${git(into, ['rev-parse', `${rev}^{tree}`]).trim()}` };
}

/** An experiment commit without its id and dates: tree, parents, author and message. */
function experimentCommit(repo: string, id: string): string {
  return git(repo, ['show', '-s', '--format=tree %T parents %P author %an <%ae> %n%B', id]).trim();
}

describe('interop: a DVC repository on a fresh clone (outputs not pulled)', function () {
  this.timeout(240_000);
  let tmp: string;
  const committed = path.join(root, 'test', 'fixtures', 'dvc-not-pulled');
  let fresh: string;

  before(function () {
    if (!python)
      assert.fail(
        'MLOPS_PYTHON is not set: run `node scripts/setupPython.mjs` and set MLOPS_PYTHON to .cache/venv/bin/python',
      );
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-interop-not-pulled-'));
    fresh = path.join(tmp, 'fixture');
    execFileSync(
      python,
      [path.join(root, 'test', 'interop', 'dvc', 'generateNotPulled.py'), path.join(tmp, 'work'), fresh],
      { stdio: ['ignore', 'pipe', 'pipe'], timeout: 200_000 },
    );
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const refresh =
    'refresh with: .cache/venv/bin/python test/interop/dvc/generateNotPulled.py <tmp> test/fixtures/dvc-not-pulled';

  it('the committed bundle holds the commits, tags and experiments the real dvc writes today', () => {
    const now = bundleRefs(path.join(fresh, 'project.bundle'), path.join(tmp, 'now.git'));
    const then = bundleRefs(path.join(committed, 'project.bundle'), path.join(tmp, 'committed.git'));
    // Commits and tags have fixed dates, so the same ids; an experiment commit carries the time it ran, so it is
    // compared by what it holds.
    assert.deepEqual(then.refs, now.refs, refresh);
    assert.deepEqual(
      Object.keys(now.refs).filter((r) => r.startsWith('refs/exps/') && !r.startsWith('refs/exps/exec/')).length,
      3,
      'tuned on both baselines, deep on the second',
    );
  });

  it('the committed clone.json is what dvc reports in a fresh clone today', () => {
    const now = bundleRefs(path.join(fresh, 'project.bundle'), path.join(tmp, 'now-json.git'));
    const then = bundleRefs(path.join(committed, 'project.bundle'), path.join(tmp, 'committed-json.git'));
    type Clone = { experiments: { name: string; rev: string; baseline: string }[]; [key: string]: unknown };
    const read = (dir: string, repo: typeof now): Clone => {
      const clone = JSON.parse(fs.readFileSync(path.join(dir, 'expected', 'clone.json'), 'utf8')) as Clone;
      clone.experiments = clone.experiments.map((e) => ({ ...e, rev: repo.treeOf(e.rev) }));
      return clone;
    };
    const fromDvc = read(fresh, now);
    assert.deepEqual(read(committed, then), fromDvc, refresh);
    assert.deepEqual(
      (fromDvc.notInCache as string[]).slice().sort(),
      ['data/raw.csv', 'metrics/eval.json', 'models/model.pkl'],
      'dvc lists the data, the model and the metrics as not in the cache',
    );
  });
});
