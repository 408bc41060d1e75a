// Checks against the real notebook tools: nbformat writes the notebooks, nbstripout strips them; the committed
// fixtures must be what the tools write today, and notebook-hygiene must agree with what nbstripout removes
// (outputs, execution counts) and keeps (a credential in the source). Needs MLOPS_PYTHON.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { seedConfigFor } from '../../src/core/formats/mlopsYaml/seed';
import {
  checkFolder,
  cloneFixture,
  findings,
  hygieneByNotebook,
  PROJECT_FIXTURES,
  removeTempDirs,
} from '../unit/checks/helpers';

const root = path.resolve(__dirname, '..', '..', '..');
const fixtures = path.join(root, 'test', 'fixtures', 'checks', 'notebooks');
const python = process.env.MLOPS_PYTHON;

describe('interop: notebook-hygiene with nbformat and nbstripout', function () {
  this.timeout(120_000);
  let out = '';

  before(function () {
    if (!python)
      assert.fail(
        'MLOPS_PYTHON is not set: run `node scripts/setupPython.mjs` and set MLOPS_PYTHON to .cache/venv/bin/python',
      );
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-interop-checks-'));
    execFileSync(python, [path.join(root, 'test', 'interop', 'checks', 'make_notebooks.py'), out, '--with-secret'], {
      env: { ...process.env, PYTHONWARNINGS: 'ignore' },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  });
  after(() => {
    if (out) fs.rmSync(out, { recursive: true, force: true });
    removeTempDirs();
  });

  it('regenerates the committed fixtures byte for byte', () => {
    const committed = fs.readdirSync(fixtures).sort();
    assert.deepEqual(committed, ['no-kernel.ipynb', 'out-of-order.ipynb', 'stripped.ipynb', 'with-outputs.ipynb']);
    const stale = committed.filter(
      (name) => !fs.readFileSync(path.join(out, name)).equals(fs.readFileSync(path.join(fixtures, name))),
    );
    assert.deepEqual(
      stale,
      [],
      'regenerate with: .cache/venv/bin/python test/interop/checks/make_notebooks.py test/fixtures/checks/notebooks',
    );
  });

  it('agrees with nbstripout: outputs and counts go, a credential in the source stays', async () => {
    const result = await hygieneByNotebook(out);
    assert.deepEqual(result['with-outputs.ipynb'].failed, ['outputs']);
    assert.deepEqual(result['stripped.ipynb'].failed, []);
    assert.deepEqual(result['secret.ipynb'].failed, ['secret']);
    assert.deepEqual(result['secret-stripped.ipynb'].failed, ['secret'], 'stripping does not remove secrets');
  });
});

describe('interop: checks and mlops init on projects without mlops.yaml, made by dvc and mlflow', function () {
  this.timeout(180_000);
  let out = '';

  before(function () {
    if (!python)
      assert.fail(
        'MLOPS_PYTHON is not set: run `node scripts/setupPython.mjs` and set MLOPS_PYTHON to .cache/venv/bin/python',
      );
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-interop-projects-'));
    execFileSync(python, [path.join(root, 'test', 'interop', 'checks', 'make_projects.py'), out], {
      env: { ...process.env, PYTHONWARNINGS: 'ignore' },
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 150_000,
    });
  });
  after(() => {
    if (out) fs.rmSync(out, { recursive: true, force: true });
    removeTempDirs();
  });

  it('regenerates the DVC project byte for byte (no data, no model: not pulled)', () => {
    const list = (dir: string): string[] =>
      (fs.readdirSync(dir, { recursive: true }) as string[])
        .filter((f) => fs.statSync(path.join(dir, f)).isFile())
        .map((f) => f.split(path.sep).join('/'))
        .sort();
    const committed = path.join(PROJECT_FIXTURES, 'dvc');
    const made = path.join(out, 'dvc');
    assert.deepEqual(list(made), list(committed));
    assert.ok(list(made).includes('dvc.lock') && !list(made).includes('models/model.pkl'));
    const stale = list(committed).filter(
      (f) => !fs.readFileSync(path.join(made, f)).equals(fs.readFileSync(path.join(committed, f))),
    );
    assert.deepEqual(
      stale,
      [],
      'regenerate with: .cache/venv/bin/python test/interop/checks/make_projects.py test/fixtures/checks/projects',
    );
  });

  it('finds on the regenerated projects what it finds on the committed ones, before and after mlops init', async () => {
    for (const name of ['dvc', 'mlflow'] as const) {
      const committed = await checkFolder(cloneFixture(name));
      const regenerated = await checkFolder(cloneFixture(name, out));
      assert.equal(regenerated.file, undefined, name);
      assert.deepEqual(findings(regenerated.report), findings(committed.report), name);
      assert.ok(findings(committed.report).length >= 2, `${name}: the environment and model-card findings`);
      const dir = cloneFixture(name, out);
      fs.writeFileSync(path.join(dir, 'mlops.yaml'), await seedConfigFor(dir, name));
      const seeded = await checkFolder(dir);
      assert.equal(seeded.file, 'mlops.yaml', name);
      const messages = (f: string[]) => f.map((line) => line.replace(/ @ .*$/, ''));
      assert.deepEqual(messages(findings(seeded.report)), messages(findings(committed.report)), name);
    }
  });
});
