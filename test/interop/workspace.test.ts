// Interop: DVC and MLflow write a project (test/interop/workspace/generate.py); discovery and hashing must report
// what the tools themselves report. Set MLOPS_UPDATE_FIXTURES=1 to refresh test/fixtures/workspace from the run.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { checkProject, type Expected } from '../unit/workspace/projectCheck';
import { fixturesRoot, removeFolder, repositoryRoot, storeFixture, tempFolder } from '../unit/workspace/tempTree';

describe('interop: discovery and hashing against DVC and MLflow', function () {
  this.timeout(180_000);
  const python = process.env.MLOPS_PYTHON;
  let out = '';

  before(function () {
    if (!python) this.skip();
    out = tempFolder('mlops-interop-workspace-');
    execFileSync(python, [path.join(repositoryRoot, 'test', 'interop', 'workspace', 'generate.py'), out], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
  });

  after(() => {
    if (out) removeFolder(out);
  });

  it('lists what DVC tracks and declares, with DVC hashes, and the MLflow registry as MlflowClient reports it', async () => {
    const expected = JSON.parse(fs.readFileSync(path.join(out, 'expected.json'), 'utf8')) as Expected;
    assert.ok(expected.dvcOuts.length >= 4 && expected.registeredVersions.length === 3);
    await checkProject(path.join(out, 'project'), expected);
    if (process.env.MLOPS_UPDATE_FIXTURES === '1') {
      storeFixture(path.join(out, 'project'), path.join(fixturesRoot, 'project'));
      fs.copyFileSync(path.join(out, 'expected.json'), path.join(fixturesRoot, 'expected.json'));
    }
  });
});
