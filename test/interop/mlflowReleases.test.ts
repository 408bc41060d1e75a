// Interop with several MLflow releases (1.x, 2.x and 3.x, each in its own virtual environment): each writes a file
// store and an mlflow.db with test/interop/mlflow/releases.py; our readers must read what that release's
// MlflowClient reads, and the fresh stores must hold what the committed fixtures (test/fixtures/mlflow/releases)
// hold, so the unit tier keeps testing what the releases really write.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { type SqlJsStatic } from 'sql.js';
import { root } from '../harness/paths';
import { loadSqlJs } from '../../src/core/formats/mlflow/sqlite';
import { type ExpectedStore } from '../unit/formats/mlflow/oracle';
import { checkRelease, readJson, withoutIds, type ReleaseInfo } from '../unit/formats/mlflow/releases';

const run = promisify(execFile);
const script = path.join(root, 'test', 'interop', 'mlflow', 'releases.py');
const fixtures = path.join(root, 'test', 'fixtures', 'mlflow', 'releases');
const quietEnv = {
  ...process.env,
  MLFLOW_DISABLE_TELEMETRY: 'true',
  DO_NOT_TRACK: '1',
  PYTHONWARNINGS: 'ignore',
  PYTHONDONTWRITEBYTECODE: '1',
};

/** The interpreters to run: one per pinned release (MLOPS_MLFLOW_PYTHONS), and the main environment's mlflow. */
function pythons(): [string, string][] {
  const main = process.env.MLOPS_PYTHON;
  const releases = process.env.MLOPS_MLFLOW_PYTHONS;
  if (!main || !releases)
    throw new Error(
      'MLOPS_PYTHON and MLOPS_MLFLOW_PYTHONS are not set: run `npm run test:interop`, which creates the environments.',
    );
  return [...Object.entries(JSON.parse(releases) as Record<string, string>), ['main', main]];
}

describe('MLflow interop: stores written by several releases', function () {
  this.timeout(300_000);
  let tmp: string;
  let sqlJs: SqlJsStatic;
  const written = new Map<string, string>();

  before(async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-releases-'));
    sqlJs = await loadSqlJs();
    // One release at a time: each starts a Python process that imports mlflow.
    for (const [name, python] of pythons()) {
      const out = path.join(tmp, name);
      await run(python, [script, out], { env: quietEnv, maxBuffer: 16 * 1024 * 1024 });
      written.set(readJson<ReleaseInfo>(path.join(out, 'release.json')).mlflow, out);
    }
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('covers three major versions, each with a committed fixture', () => {
    const versions = [...written.keys()].sort();
    assert.deepEqual(
      versions.map((v) => v.split('.')[0]),
      ['1', '2', '3'],
    );
    assert.deepEqual(versions, fs.readdirSync(fixtures).sort(), 'one committed fixture per release');
  });

  it('our readers read what each release’s MlflowClient reads (runs, latest values, histories, registry)', async () => {
    for (const [version, out] of written) {
      // The database under a name other than mlflow.db: it is recognised by its tables.
      const database = path.join(out, `tracking-${version}.sqlite`);
      fs.copyFileSync(path.join(out, 'mlflow.db'), database);
      const points = await checkRelease(out, database, sqlJs);
      assert.ok(points > 100, `mlflow ${version}: compared ${points} points`);
    }
  });

  it('each release writes what its committed fixture holds', () => {
    for (const [version, out] of written) {
      const committed = path.join(fixtures, version);
      assert.deepEqual(
        readJson<ReleaseInfo>(path.join(out, 'release.json')),
        {
          ...readJson<ReleaseInfo>(path.join(committed, 'release.json')),
          copied: readJson<ReleaseInfo>(path.join(out, 'release.json')).copied,
        },
        `mlflow ${version}: features`,
      );
      for (const backend of ['file', 'sqlite'])
        assert.deepEqual(
          withoutIds(readJson<ExpectedStore>(path.join(out, `expected-${backend}.json`))),
          withoutIds(readJson<ExpectedStore>(path.join(committed, `expected-${backend}.json`))),
          `mlflow ${version}: ${backend} store`,
        );
    }
  });
});
