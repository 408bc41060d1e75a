import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type SqlJsStatic } from 'sql.js';
import { root } from '../../../harness/paths';
import { hasRuns, listRuns } from '../../../../src/core/formats/mlflow/fileStore';
import {
  isMlflowSqliteStore,
  loadSqlJs,
  MlflowDatabase,
  readSqliteTableNames,
} from '../../../../src/core/formats/mlflow/sqlite';
import { readMlflowRegistry } from '../../../../src/core/workspace/mlflowRegistry';
import { describeMlflowStore, mayBeMlflowSqliteStore } from '../../../../src/core/workspace/mlflowStores';
import { compareWithMlflow, type ExpectedStore } from './oracle';
import { checkRelease, readJson, type ReleaseInfo } from './releases';

const releasesDir = path.join(root, 'test', 'fixtures', 'mlflow', 'releases');
const releases = fs.readdirSync(releasesDir).sort();
/** Each release's database is given a different name: a store is recognised by its tables, not its name. */
const names = ['store', 'tracking.sqlite', 'mlflow.db', 'runs.sqlite3'];

function database(version: string): Buffer {
  return gunzipSync(fs.readFileSync(path.join(releasesDir, version, 'mlflow.db.gz')));
}

describe('MLflow stores written by several MLflow releases', function () {
  this.timeout(60_000);
  let sqlJs: SqlJsStatic;
  let tmp: string;
  before(async () => {
    sqlJs = await loadSqlJs();
  });
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-releases-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('has fixtures from three major versions', () => {
    assert.deepEqual(
      releases.map((r) => r.split('.')[0]),
      ['1', '2', '3'],
    );
    for (const version of releases)
      assert.equal(readJson<ReleaseInfo>(path.join(releasesDir, version, 'release.json')).mlflow, version);
  });

  releases.forEach((version, i) => {
    it(`mlflow ${version}: file store, database (named ${names[i]}), registry and copied runs read as MlflowClient reads them`, async () => {
      const file = path.join(tmp, names[i]);
      fs.writeFileSync(file, database(version));
      const points = await checkRelease(path.join(releasesDir, version), file, sqlJs);
      assert.ok(points > 100, `compared ${points} points`);
    });
  });

  it('reads databases older than latest_metrics, step, is_nan, experiment tags and the registry', async () => {
    const version = releases[0];
    const expected = readJson<ExpectedStore>(path.join(releasesDir, version, 'expected-sqlite.json'));
    const downgrade = (sql: string): MlflowDatabase => {
      const db = new sqlJs.Database(database(version));
      db.run(sql);
      const bytes = db.export();
      db.close();
      return MlflowDatabase.fromBytes(bytes, 'old.db', sqlJs);
    };
    // As MLflow 1.x before `latest_metrics` (1.7): latest values come from the histories, as MLflow chose them.
    const noLatest =
      downgrade(`DROP TABLE latest_metrics; DROP TABLE model_version_tags; DROP TABLE registered_model_tags;
      DROP TABLE model_versions; DROP TABLE registered_models;
      ALTER TABLE experiments DROP COLUMN creation_time; ALTER TABLE experiments DROP COLUMN last_update_time;`);
    await compareWithMlflow(
      {
        experiments: (includeDeleted) => Promise.resolve(noLatest.listExperiments({ includeDeleted })),
        runs: (query) => Promise.resolve(noLatest.listRuns(query)),
        history: (runId, key) => Promise.resolve(noLatest.readMetricHistory(runId, key)),
        models: () => Promise.resolve(noLatest.listRegisteredModels()),
      },
      { ...expected, registered_models: [] },
      { sqlInfinity: true },
    );
    assert.equal(noLatest.countRuns(), 3);
    noLatest.close();

    // As the first MLflow database schema (1.0): no step, no is_nan (NaN stored as NULL), no experiment tags, no
    // run names (the mlflow.runName tag names them).
    const initial = downgrade(`DROP TABLE latest_metrics; DROP TABLE experiment_tags;
      CREATE TABLE metrics_old AS SELECT key, CASE WHEN is_nan THEN NULL ELSE value END AS value, timestamp, run_uuid FROM metrics;
      DROP TABLE metrics; ALTER TABLE metrics_old RENAME TO metrics; ALTER TABLE runs DROP COLUMN name;`);
    const { runs, problems } = initial.listRuns({ includeDeleted: true });
    assert.deepEqual(problems, []);
    assert.deepEqual(runs.map((r) => r.label).sort(), expected.runs.map((r) => r.name).sort());
    const trainB = runs.find((r) => r.label === 'train-b')!;
    // Without steps, the latest value is the last logged (by timestamp): grad_norm, a NaN logged last.
    const latest = Object.fromEntries(trainB.metrics.map((m) => [m.key, m.points[0].value]));
    assert.deepEqual(Object.keys(latest), ['grad_norm', 'loss', 'val/accuracy']);
    assert.ok(Number.isNaN(latest.grad_norm));
    const want = expected.runs.find((r) => r.name === 'train-b')!;
    assert.equal(latest.loss, want.latest.loss[1]);
    assert.deepEqual(
      initial.readMetricHistory(trainB.id, 'loss').points.map((p) => [p.step, p.value, p.timestamp]),
      want.history.loss.map(([, value, timestamp]) => [0, value, timestamp]),
    );
    assert.deepEqual(
      initial.listRegisteredModels().map((m) => [m.name, m.versions.map((v) => v.stage)]),
      [
        ['churn-model', ['Archived', 'Production', 'Staging']],
        ['empty-model', []],
      ],
    );
    initial.close();
  });

  it('recognises an MLflow SQLite store by its tables, whatever its name, reading only its header and schema', async () => {
    const mlflowDb = path.join(tmp, 'no-extension');
    fs.writeFileSync(mlflowDb, database(releases[releases.length - 1]));
    assert.equal(await isMlflowSqliteStore(mlflowDb), true);
    const tables = await readSqliteTableNames(mlflowDb);
    assert.ok(tables && tables.size > 40 && tables.has('registered_model_aliases'), 'a schema spanning several pages');

    const make = (file: string, sql: string, pragma = ''): string => {
      const db = new sqlJs.Database();
      if (pragma) db.run(pragma);
      db.run(sql);
      fs.writeFileSync(path.join(tmp, file), db.export());
      db.close();
      return path.join(tmp, file);
    };
    const mlflowTables =
      'CREATE TABLE experiments (x); CREATE TABLE runs (x); CREATE TABLE metrics (x); CREATE TABLE alembic_version (x);';
    assert.equal(await isMlflowSqliteStore(make('utf16.db', mlflowTables, "PRAGMA encoding = 'UTF-16le';")), true);
    assert.equal(await isMlflowSqliteStore(make('utf16be.db', mlflowTables, "PRAGMA encoding = 'UTF-16be';")), true);
    assert.equal(
      await isMlflowSqliteStore(make('other.sqlite', 'CREATE TABLE experiments (x); CREATE TABLE runs (x);')),
      false,
      'an SQLite database without MLflow tables',
    );
    assert.equal(
      await isMlflowSqliteStore(
        make('view.db', `${mlflowTables.replace('CREATE TABLE metrics (x);', 'CREATE VIEW metrics AS SELECT 1;')}`),
      ),
      false,
      'a view is not a table',
    );
    // Many tables: the schema b-tree has interior pages.
    const many = Array.from({ length: 400 }, (_, n) => `CREATE TABLE t${n} (a, b, c);`).join(' ');
    assert.equal(await isMlflowSqliteStore(make('many.db', `${many} ${mlflowTables}`)), true);

    // Not SQLite, or damaged: false, never an error. A 2 GiB sparse file that is not SQLite is answered from 100 bytes.
    const big = path.join(tmp, 'big.db');
    fs.writeFileSync(big, 'not sqlite');
    fs.truncateSync(big, 2 * 1024 ** 3);
    const started = Date.now();
    assert.equal(await isMlflowSqliteStore(big), false);
    assert.ok(Date.now() - started < 1000, 'not read whole');
    const truncated = path.join(tmp, 'truncated.db');
    fs.writeFileSync(truncated, fs.readFileSync(mlflowDb).subarray(0, 150));
    fs.writeFileSync(path.join(tmp, 'empty.db'), '');
    const garbage = Buffer.from(fs.readFileSync(mlflowDb).subarray(0, 8192));
    garbage.fill(0xff, 100, 8192);
    fs.writeFileSync(path.join(tmp, 'garbage.db'), garbage);
    for (const name of ['truncated.db', 'empty.db', 'garbage.db', 'missing.db', '.'])
      assert.equal(await isMlflowSqliteStore(path.join(tmp, name)), false, name);

    assert.deepEqual(
      ['mlflow.db', 'tracking.sqlite', 'a.SQLITE3', 'store', 'x.db3', 'model.pkl', 'notes.txt', '.hidden'].map(
        mayBeMlflowSqliteStore,
      ),
      [true, true, true, true, true, false, false, false],
    );
  });

  it('tells empty stores apart: no runs, no registered models', async () => {
    const version = releases[releases.length - 1];
    // A store with only the Default experiment, as `mlflow ui` leaves beside the real one.
    const empty = path.join(tmp, 'empty', 'mlruns');
    fs.cpSync(path.join(releasesDir, version, 'mlruns', '0'), path.join(empty, '0'), { recursive: true });
    assert.deepEqual(await describeMlflowStore(empty), {
      location: empty,
      backend: 'file',
      runs: 0,
      experiments: 1,
      registeredModels: 0,
      empty: true,
    });
    assert.equal(await hasRuns(empty), false);
    assert.equal(await hasRuns(path.join(releasesDir, version, 'mlruns')), true);
    // Only deleted runs: empty as well.
    const deleted = path.join(tmp, 'deleted', 'mlruns');
    fs.cpSync(path.join(releasesDir, version, 'mlruns'), deleted, { recursive: true });
    fs.rmSync(path.join(deleted, 'models'), { recursive: true });
    for (const run of (await listRuns(deleted)).runs) {
      const meta = path.join(deleted, run.experimentId, run.id, 'meta.yaml');
      fs.writeFileSync(
        meta,
        fs.readFileSync(meta, 'utf8').replace('lifecycle_stage: active', 'lifecycle_stage: deleted'),
      );
    }
    assert.equal((await describeMlflowStore(deleted))?.empty, true);

    const db = new sqlJs.Database(database(version));
    db.run(
      'DELETE FROM runs; DELETE FROM model_versions; DELETE FROM registered_model_aliases; DELETE FROM registered_models;',
    );
    const file = path.join(tmp, 'empty.db');
    fs.writeFileSync(file, db.export());
    db.close();
    const summary = await describeMlflowStore(file, { sqlJs });
    assert.deepEqual(summary && [summary.backend, summary.runs, summary.registeredModels, summary.empty], [
      'sqlite',
      0,
      0,
      true,
    ]);
    assert.equal(await describeMlflowStore(path.join(tmp, 'nothing-here')), undefined);
    fs.writeFileSync(path.join(tmp, 'notes.db'), 'text');
    assert.equal(await describeMlflowStore(path.join(tmp, 'notes.db')), undefined);
    fs.mkdirSync(path.join(tmp, 'plain'));
    assert.equal(await describeMlflowStore(path.join(tmp, 'plain')), undefined);
  });

  it('never takes a run’s metrics, params, tags or artifacts folder for a run', async () => {
    const version = releases[releases.length - 1];
    const { copied } = readJson<ReleaseInfo>(path.join(releasesDir, version, 'release.json'));
    // The copied run, its meta.yaml gone as well: one problem naming the run folder, never its content folders.
    const store = path.join(tmp, 'mlruns');
    fs.cpSync(path.join(releasesDir, version, 'copied', 'without-experiment-meta'), store, { recursive: true });
    const runDir = path.join(store, copied.experiment_id, copied.run_id);
    fs.mkdirSync(path.join(runDir, 'artifacts', 'model'), { recursive: true });
    let listing = await listRuns(store);
    assert.deepEqual(
      listing.runs.map((r) => r.id),
      [copied.run_id],
    );
    assert.deepEqual(listing.problems, []);
    const second = path.join(store, copied.experiment_id, 'f'.repeat(32));
    fs.cpSync(runDir, second, { recursive: true });
    fs.rmSync(path.join(second, 'meta.yaml'));
    listing = await listRuns(store);
    assert.deepEqual(
      listing.runs.map((r) => r.id),
      [copied.run_id],
    );
    assert.deepEqual(
      listing.problems.map((p) => p.location),
      [second],
      'the run folder without meta.yaml, not its metrics/params/tags folders',
    );
    const registry = await readMlflowRegistry(store);
    assert.deepEqual(registry, { versions: [], problems: [] });
  });
});
