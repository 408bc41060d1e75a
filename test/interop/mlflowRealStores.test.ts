// Interop: test/interop/mlflow/realStores.py run with each pinned MLflow release (1.x, 2.x, 3.x) writes what its
// committed fixture (test/fixtures/mlflow/real/<version>) holds, so the unit tier keeps reading what the releases
// really write. Run ids and file-store experiment ids are random: they are compared by the run and experiment names.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { root } from '../harness/paths';

const run = promisify(execFile);
const script = path.join(root, 'test', 'interop', 'mlflow', 'realStores.py');
const fixtures = path.join(root, 'test', 'fixtures', 'mlflow', 'real');
const quietEnv = {
  ...process.env,
  MLFLOW_DISABLE_TELEMETRY: 'true',
  DO_NOT_TRACK: '1',
  PYTHONWARNINGS: 'ignore',
  PYTHONDONTWRITEBYTECODE: '1',
};

interface Written {
  mlflow: string;
  sqlite: { runs: Record<string, { id: string; experiment_id: string }> };
  copied: { runs: Record<string, { id: string; experiment_id: string }> };
}

function pythons(): [string, string][] {
  const main = process.env.MLOPS_PYTHON;
  const releases = process.env.MLOPS_MLFLOW_PYTHONS;
  if (!main || !releases)
    throw new Error(
      'MLOPS_PYTHON and MLOPS_MLFLOW_PYTHONS are not set: run `npm run test:interop`, which creates the environments.',
    );
  return [...Object.entries(JSON.parse(releases) as Record<string, string>), ['main', main]];
}

/** A text with every run id and experiment id of `written` replaced by the run's or experiment's name. */
function withNames(text: string, written: Written): string {
  for (const store of [written.sqlite, written.copied])
    for (const [name, r] of Object.entries(store.runs)) text = text.split(r.id).join(`<run ${name}>`);
  for (const r of Object.values(written.copied.runs))
    text = text
      .split(`"${r.experiment_id}"`)
      .join('"<experiment>"')
      .split(`/${r.experiment_id}/`)
      .join('/<experiment>/');
  return text;
}

/** The files of a folder (empty folders are not committed), relative, with ids as names. */
function files(dir: string, written: Written): string[] {
  const out: string[] = [];
  const walk = (at: string): void => {
    for (const e of fs.readdirSync(at, { withFileTypes: true })) {
      const p = path.join(at, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(path.relative(dir, p).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out.map((f) => withNames(`/${f}/`, written)).sort();
}

describe('MLflow interop: stores as users have them, written by several releases', function () {
  this.timeout(300_000);
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-real-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('each release writes what its committed fixture holds', async () => {
    const versions: string[] = [];
    for (const [name, python] of pythons()) {
      const out = path.join(tmp, name);
      await run(python, [script, out], { env: quietEnv, maxBuffer: 16 * 1024 * 1024 });
      const fresh = JSON.parse(fs.readFileSync(path.join(out, 'expected.json'), 'utf8')) as Written;
      const committed = path.join(fixtures, fresh.mlflow);
      const kept = JSON.parse(fs.readFileSync(path.join(committed, 'expected.json'), 'utf8')) as Written;
      versions.push(fresh.mlflow);
      assert.equal(
        withNames(fs.readFileSync(path.join(out, 'expected.json'), 'utf8'), fresh).replace(/<experiment>/g, '<e>'),
        withNames(fs.readFileSync(path.join(committed, 'expected.json'), 'utf8'), kept).replace(/<experiment>/g, '<e>'),
        `mlflow ${fresh.mlflow}: what was logged`,
      );
      assert.deepEqual(
        files(path.join(out, 'copied'), fresh),
        files(path.join(committed, 'copied'), kept),
        `mlflow ${fresh.mlflow}: the copied store's files`,
      );
      assert.equal(
        fs.readFileSync(path.join(out, '.env'), 'utf8'),
        fs.readFileSync(path.join(committed, '.env'), 'utf8'),
      );
    }
    assert.deepEqual(versions.sort(), fs.readdirSync(fixtures).sort(), 'one committed fixture per release');
  });
});
