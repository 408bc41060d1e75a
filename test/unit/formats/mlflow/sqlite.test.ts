import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { type SqlJsStatic } from 'sql.js';
import { root } from '../../../harness/paths';
import { MetricsError } from '../../../../src/core/metrics/model';
import {
  defaultWasmLocation,
  loadSqlJs,
  MlflowDatabase,
  openMlflowDatabase,
} from '../../../../src/core/formats/mlflow/sqlite';
import { compareWithMlflow, type ExpectedStore } from './oracle';
import { seededRandom } from '../../../helpers/prng';
import { mutate } from './fuzz';

const fixture = path.join(root, 'test', 'fixtures', 'mlflow');
const expected = JSON.parse(fs.readFileSync(path.join(fixture, 'expected-sqlite.json'), 'utf8')) as ExpectedStore;
const bytes = gunzipSync(fs.readFileSync(path.join(fixture, 'mlflow.db.gz')));

describe('MLflow SQLite (mlflow.db) reader', function () {
  this.timeout(20_000);
  let sqlJs: SqlJsStatic;
  let tmp: string;
  let file: string;
  before(async () => {
    sqlJs = await loadSqlJs();
  });
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-db-'));
    file = path.join(tmp, 'mlflow.db');
    fs.writeFileSync(file, bytes);
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads exactly what mlflow read from the same database (infinities come back as infinities)', async () => {
    const db = await openMlflowDatabase(file, { sqlJs });
    try {
      const points = await compareWithMlflow(
        {
          experiments: (includeDeleted) => Promise.resolve(db.listExperiments({ includeDeleted })),
          runs: (query) => Promise.resolve(db.listRuns(query)),
          history: (runId, key) => Promise.resolve(db.readMetricHistory(runId, key)),
          models: () => Promise.resolve(db.listRegisteredModels()),
        },
        expected,
        { sqlInfinity: true },
      );
      assert.ok(points > 350, `compared ${points} points`);
    } finally {
      db.close();
    }
  });

  it('never writes the file and reads runs, histories and the registry', async () => {
    const before = fs.statSync(file);
    const db = await openMlflowDatabase(file, { sqlJs });
    const run = db.listRuns().runs.find((r) => r.label === 'special-values')!;
    assert.equal(run.source.kind, 'mlflow-sqlite');
    assert.equal(run.status, 'failed');
    assert.deepEqual(
      db.readMetricHistory(run.id, 'weird').points.map((p) => p.value),
      // NaN is stored as is_nan; +/-inf as +/-DBL_MAX, given back as infinities (a real DBL_MAX reads as Infinity too).
      [NaN, Infinity, -Infinity, Infinity, 0, 5e-324, 0.1, -1e-300],
    );
    assert.equal(db.readRun(run.id).metrics.find((m) => m.key === 'final_score')!.points.length, 3);
    assert.throws(() => db.readRun('nope'), /no run nope/);
    assert.throws(() => db.readMetricHistory('nope', 'loss'), /no run nope/);
    assert.deepEqual(db.readMetricHistory(run.id, 'missing').points, []);
    db.close();
    const after = fs.statSync(file);
    assert.equal(after.mtimeMs, before.mtimeMs);
    assert.ok(fs.readFileSync(file).equals(bytes));
    assert.deepEqual(fs.readdirSync(tmp), ['mlflow.db'], 'no journal or lock file created');
  });

  it('finds the WebAssembly by default and through a given locateFile', async () => {
    assert.ok(fs.existsSync(defaultWasmLocation()), defaultWasmLocation());
    const wasm = path.join(root, 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm');
    const asked: string[] = [];
    const db = await openMlflowDatabase(file, {
      locateFile: (name) => {
        asked.push(name);
        return wasm;
      },
    });
    assert.equal(db.listExperiments().length, 3);
    db.close();
    assert.ok(asked.includes('sql-wasm.wasm'));
    await assert.rejects(
      loadSqlJs({ locateFile: () => path.join(tmp, 'missing.wasm') }),
      (err: unknown) => err instanceof MetricsError && err.message.includes('missing.wasm'),
    );
  });

  it('works from an esbuild bundle with sql-wasm.wasm beside it, as the extension ships it, without node_modules', async function () {
    this.timeout(60_000);
    const dist = path.join(tmp, 'dist');
    const entry = path.join(tmp, 'entry.ts');
    fs.writeFileSync(
      entry,
      `import { openMlflowDatabase } from ${JSON.stringify(path.join(root, 'src', 'core', 'formats', 'mlflow', 'sqlite'))};
      openMlflowDatabase(process.argv[2]).then(
        (db) => { console.log(JSON.stringify(db.listRuns().runs.map((r) => r.label).sort())); db.close(); },
        (err) => { console.error(err.message); process.exit(3); },
      );`,
    );
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'es2022',
      outfile: path.join(dist, 'extension.js'),
      logLevel: 'silent',
    });
    fs.copyFileSync(
      path.join(root, 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm'),
      path.join(dist, 'sql-wasm.wasm'),
    );
    const out = execFileSync(process.execPath, [path.join(dist, 'extension.js'), file], { cwd: tmp, encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), ['resnet-baseline', 'special-values', 'sweep-1', 'sweep-2']);
    fs.rmSync(path.join(dist, 'sql-wasm.wasm'));
    const missing = spawnSync(process.execPath, [path.join(dist, 'extension.js'), file], {
      cwd: tmp,
      encoding: 'utf8',
    });
    assert.equal(missing.status, 3);
    assert.match(
      missing.stderr,
      /sql-wasm\.wasm: SQLite's WebAssembly \(sql\.js\) is missing \(ENOENT\); reinstall the extension/,
    );
  });

  it('rejects a missing file, an empty file and a file that is not SQLite with a typed error', async () => {
    await assert.rejects(
      openMlflowDatabase(path.join(tmp, 'none.db'), { sqlJs }),
      (err: unknown) => err instanceof MetricsError && /ENOENT/.test(err.message),
    );
    fs.writeFileSync(path.join(tmp, 'empty.db'), '');
    await assert.rejects(openMlflowDatabase(path.join(tmp, 'empty.db'), { sqlJs }), /empty, not an MLflow database/);
    fs.writeFileSync(path.join(tmp, 'text.db'), 'experiment_id,name\n1,x\n'.repeat(20));
    await assert.rejects(
      openMlflowDatabase(path.join(tmp, 'text.db'), { sqlJs }),
      (err: unknown) =>
        err instanceof MetricsError && /not an SQLite database/.test(err.message) && err.position?.offset === 0,
    );
  });

  it('names the missing table or column of a database from another MLflow version', () => {
    const make = (sql: string): Uint8Array => {
      const db = new sqlJs.Database();
      db.run(sql);
      const out = db.export();
      db.close();
      return out;
    };
    const full = `CREATE TABLE experiments (experiment_id INTEGER, name TEXT, lifecycle_stage TEXT);
      CREATE TABLE runs (run_uuid TEXT, name TEXT, status TEXT, start_time INT, end_time INT, lifecycle_stage TEXT, experiment_id INT);
      CREATE TABLE metrics (key TEXT, value REAL, timestamp INT, step INT, is_nan INT, run_uuid TEXT);
      CREATE TABLE latest_metrics (key TEXT, value REAL, timestamp INT, step INT, is_nan INT, run_uuid TEXT);
      CREATE TABLE params (key TEXT, value TEXT, run_uuid TEXT);
      CREATE TABLE tags (key TEXT, value TEXT, run_uuid TEXT);`;
    const minimal = MlflowDatabase.fromBytes(make(full), 'min.db', sqlJs);
    assert.deepEqual(minimal.listRuns(), { runs: [], problems: [] });
    assert.deepEqual(minimal.listRegisteredModels(), [], 'no registry tables: no models');
    minimal.close();
    // A database from before `is_nan` (MLflow stored NaN as NULL) is read, not refused.
    const old = MlflowDatabase.fromBytes(
      make(
        `${full.replace(
          'step INT, is_nan INT, run_uuid TEXT);\n      CREATE TABLE latest',
          'step INT, run_uuid TEXT);\n      CREATE TABLE latest',
        )}
        INSERT INTO experiments VALUES (0, 'Default', 'active');
        INSERT INTO runs VALUES ('r1', 'old-run', 'FINISHED', 10, 20, 'active', 0);
        INSERT INTO metrics VALUES ('loss', NULL, 11, 0, 'r1'), ('loss', 0.5, 12, 1, 'r1');`,
      ),
      'old.db',
      sqlJs,
    );
    assert.deepEqual(
      old.readMetricHistory('r1', 'loss').points.map((p) => [p.step, p.value]),
      [
        [0, NaN],
        [1, 0.5],
      ],
    );
    old.close();
    assert.throws(
      () => MlflowDatabase.fromBytes(make('CREATE TABLE other (x INT);'), 'other.db', sqlJs),
      /other\.db: no table 'experiments'/,
    );
    const registry = MlflowDatabase.fromBytes(
      make(`${full} CREATE TABLE registered_models (name TEXT);`),
      'reg.db',
      sqlJs,
    );
    assert.throws(() => registry.listRegisteredModels(), /table 'registered_models' has no column 'description'/);
    registry.close();
  });

  it('reads a database caught in the middle of a write as its bytes are, or fails with a typed error', async () => {
    // Half the pages missing, and pages overwritten with zeros, as a copy taken during a write could be.
    const truncated = bytes.subarray(0, Math.floor(bytes.length / 2));
    const zeroed = Buffer.from(bytes);
    zeroed.fill(0, 40 * 4096, 60 * 4096);
    for (const [name, content] of [
      ['truncated.db', truncated],
      ['zeroed.db', zeroed],
    ] as const) {
      fs.writeFileSync(path.join(tmp, name), content);
      try {
        const db = await openMlflowDatabase(path.join(tmp, name), { sqlJs });
        try {
          db.listRuns({ fullHistory: true });
          db.listRegisteredModels();
        } finally {
          db.close();
        }
      } catch (err) {
        assert.ok(err instanceof MetricsError, String(err));
        assert.ok(err.message.includes(name), err.message);
      }
    }
  });

  it('warns when a -wal file holds changes the database file does not have yet', async () => {
    fs.writeFileSync(`${file}-wal`, Buffer.alloc(32, 1));
    const db = await openMlflowDatabase(file, { sqlJs });
    const { runs, problems } = db.listRuns();
    db.close();
    assert.equal(runs.length, 4);
    assert.equal(problems.length, 1);
    assert.match(problems[0].message, /mlflow\.db-wal: holds changes/);
  });

  it('survives 1,000 mutated databases: every failure is a MetricsError', function () {
    this.timeout(120_000);
    const next = seededRandom(11);
    let opened = 0;
    for (let i = 0; i < 1000; i++) {
      // Mutate inside the page area (keeping the header most of the time) so SQLite gets past its first check.
      const input = Buffer.from(bytes);
      const at = 100 + Math.floor(next() * (input.length - 200));
      const piece = mutate(input.subarray(at, at + 64), next);
      const mutated =
        next() < 0.1 ? mutate(input, next) : Buffer.concat([input.subarray(0, at), piece, input.subarray(at + 64)]);
      try {
        const db = MlflowDatabase.fromBytes(mutated, `fuzz-${i}.db`, sqlJs);
        opened++;
        try {
          db.listExperiments({ includeDeleted: true });
          db.listRuns({ includeDeleted: true, fullHistory: i % 2 === 0 });
          db.listRegisteredModels();
        } finally {
          db.close();
        }
      } catch (err) {
        assert.ok(err instanceof MetricsError, `input ${i}: ${String(err)}`);
      }
    }
    assert.ok(opened > 100, `${opened} mutated databases opened`);
  });
});
