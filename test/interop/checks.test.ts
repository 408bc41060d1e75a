// Checks against the real notebook tools: nbformat writes the notebooks, nbstripout strips them; the committed
// fixtures must be what the tools write today, and notebook-hygiene must agree with what nbstripout removes
// (outputs, execution counts) and keeps (a credential in the source). Needs MLOPS_PYTHON.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hygieneByNotebook, removeTempDirs } from '../unit/checks/helpers';

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
