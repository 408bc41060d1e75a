// mlflow.db's run listing reads params, tags and latest metrics without ORDER BY in SQL: the runs must be the same
// as the sorted queries give, keys in SQLite's own order, on the databases of three MLflow releases and the fixture.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type SqlJsStatic, type SqlValue } from 'sql.js';
import { root } from '../../../harness/paths';
import {
  compareBinary,
  LISTING_TABLES,
  loadSqlJs,
  MlflowDatabase,
  openMlflowDatabase,
  partialImage,
  readDatabaseListing,
} from '../../../../src/core/formats/mlflow/sqlite';

const fixtures = path.join(root, 'test', 'fixtures', 'mlflow');
const releasesDir = path.join(fixtures, 'releases');
const databases = [
  ...fs
    .readdirSync(releasesDir)
    .sort()
    .map((v) => path.join(releasesDir, v, 'mlflow.db.gz')),
  path.join(fixtures, 'mlflow.db.gz'),
];

function rowsOf(sqlJs: SqlJsStatic, bytes: Uint8Array, sql: string): SqlValue[][] {
  const db = new sqlJs.Database(bytes);
  try {
    return db.exec(sql)[0]?.values ?? [];
  } finally {
    db.close();
  }
}

describe('mlflow.db run listing', function () {
  this.timeout(60_000);
  let sqlJs: SqlJsStatic;
  before(async () => {
    sqlJs = await loadSqlJs();
  });

  it('orders text as SQLite BINARY does (code points), surrogate pairs after the rest of the BMP', () => {
    const keys = ['b', 'a', 'B', 'é', '\uE000', '😀', '\uFFFF', 'a/b', 'a.b', 'ab', 'a', '', 'Z', '\u00FF', '𐀀'];
    const values = keys.map((_, i) => `(?${i + 1})`).join(', ');
    const db = new sqlJs.Database();
    try {
      const sorted = (db.exec(`SELECT column1 FROM (VALUES ${values}) ORDER BY column1`, keys)[0]?.values ?? []).map(
        ([k]) => String(k),
      );
      assert.deepEqual([...keys].sort(compareBinary), sorted);
      assert.ok(sorted.indexOf('😀') > sorted.indexOf('\uFFFF'), 'an astral character sorts after U+FFFF');
    } finally {
      db.close();
    }
  });

  it('reads params and tags row by row when a value is a BLOB (SQLite JSON cannot hold it)', () => {
    const original = new sqlJs.Database(gunzipSync(fs.readFileSync(path.join(fixtures, 'mlflow.db.gz'))));
    let bytes: Uint8Array;
    let runId: string;
    let key: string;
    let tagKey: string;
    try {
      const [[id, name] = []] = original.exec('SELECT run_uuid, key FROM params ORDER BY run_uuid, key LIMIT 1')[0]
        ?.values ?? [[]];
      runId = String(id);
      key = String(name);
      original.run("UPDATE params SET value = X'626c6f62' WHERE run_uuid = ? AND key = ?", [runId, key]);
      const [[tag] = []] = original.exec('SELECT key FROM tags WHERE run_uuid = ? ORDER BY key LIMIT 1', [runId])[0]
        ?.values ?? [[]];
      tagKey = String(tag);
      original.run("UPDATE tags SET value = X'74616762' WHERE run_uuid = ? AND key = ?", [runId, tagKey]);
      bytes = original.export();
    } finally {
      original.close();
    }
    const db = MlflowDatabase.fromBytes(bytes, 'blob.db', sqlJs);
    try {
      const run = db.listRuns().runs.find((r) => r.id === runId);
      assert.equal(run?.params[key], 'blob');
      assert.equal(run?.tags[tagKey], 'tagb');
      assert.deepEqual(Object.keys(run?.params ?? {}), Object.keys(run?.params ?? {}).sort(compareBinary));
    } finally {
      db.close();
    }
  });

  for (const gz of databases) {
    const name = path.relative(fixtures, gz);
    it(`${name}: params, tags and latest metrics equal the sorted queries, keys in key order`, () => {
      const bytes = gunzipSync(fs.readFileSync(gz));
      const db = MlflowDatabase.fromBytes(bytes, name, sqlJs);
      let runs;
      try {
        runs = db.listRuns({ includeDeleted: true }).runs;
      } finally {
        db.close();
      }
      assert.ok(runs.length >= 2, `${name} has runs`);
      const expected = (table: string): Map<string, [string, string][]> => {
        const out = new Map<string, [string, string][]>();
        for (const [key, value, runId] of rowsOf(
          sqlJs,
          bytes,
          `SELECT key, value, run_uuid FROM ${table} ORDER BY key`,
        )) {
          const list = out.get(String(runId)) ?? [];
          list.push([String(key), value === null ? '' : String(value)]);
          out.set(String(runId), list);
        }
        return out;
      };
      const params = expected('params');
      const tags = expected('tags');
      let checked = 0;
      for (const run of runs) {
        // Object.entries keeps insertion order: the order of the keys is compared too.
        assert.deepEqual(Object.entries(run.params), params.get(run.id) ?? [], `${run.id} params`);
        assert.deepEqual(Object.entries(run.tags), tags.get(run.id) ?? [], `${run.id} tags`);
        checked += Object.keys(run.params).length + Object.keys(run.tags).length;
      }
      assert.ok(checked > 10, `compared ${checked} params and tags`);
      const hasLatest = rowsOf(sqlJs, bytes, "SELECT 1 FROM sqlite_master WHERE name = 'latest_metrics'").length > 0;
      if (hasLatest) {
        const latest = rowsOf(
          sqlJs,
          bytes,
          'SELECT run_uuid, key, value, step, is_nan FROM latest_metrics ORDER BY run_uuid, key',
        );
        const got = runs
          .flatMap((r) => r.metrics.map((m) => [r.id, m.key, m.points.length === 1 ? m.points[0]?.step : NaN] as const))
          .sort(([a, x], [b, y]) => compareBinary(a, b) || compareBinary(x, y));
        assert.deepEqual(
          got,
          latest
            .filter(([runId]) => runs.some((r) => r.id === String(runId)))
            .map(([runId, key, , step]) => [String(runId), String(key), Number(step)]),
        );
        for (const run of runs) {
          const keys = run.metrics.map((m) => m.key);
          assert.deepEqual(keys, [...keys].sort(), `${run.id} metrics in key order`);
        }
      }
    });
  }

  describe('read from the pages of the tables a listing needs', () => {
    let tmp: string;
    beforeEach(() => {
      tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-pages-'));
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    /** The listing (runs with deleted ones, experiments, count) of a database opened for listing and opened whole. */
    async function bothListings(file: string) {
      const out = [];
      for (const listing of [true, false]) {
        const db = await openMlflowDatabase(file, { sqlJs, listing });
        try {
          out.push({
            runs: db.listRuns({ includeDeleted: true }),
            live: db.listRuns(),
            experiments: db.listExperiments({ includeDeleted: true }),
            count: db.countRuns(),
          });
        } finally {
          db.close();
        }
      }
      return out;
    }

    /** Page `page` (1-based) of an image is all zeros. */
    function zeroPage(image: Uint8Array, page: number, pageSize: number): boolean {
      return image.subarray((page - 1) * pageSize, page * pageSize).every((b) => b === 0);
    }

    for (const gz of databases) {
      const name = path.relative(fixtures, gz);
      it(`${name}: lists exactly what the whole file gives, without the pages of the metric histories`, async () => {
        const file = path.join(tmp, 'mlflow.db');
        fs.writeFileSync(file, gunzipSync(fs.readFileSync(gz)));
        const [partial, whole] = await bothListings(file);
        assert.ok(whole.runs.runs.length >= 2);
        assert.deepEqual(partial, whole);
        const image = partialImage(file, LISTING_TABLES);
        const bytes = fs.readFileSync(file);
        const [[metricsRoot, pageSize] = []] = rowsOf(
          sqlJs,
          bytes,
          "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master WHERE name = 'metrics'",
        );
        const hasLatest = rowsOf(sqlJs, bytes, "SELECT 1 FROM sqlite_master WHERE name = 'latest_metrics'").length > 0;
        if (!hasLatest) {
          assert.equal(image, undefined, 'without latest_metrics the listing reads the metrics table: the whole file');
          return;
        }
        assert.ok(image, 'a partial image');
        assert.equal(image.length, bytes.length);
        assert.ok(zeroPage(image, Number(metricsRoot), Number(pageSize)), 'the metrics table is not read');
        assert.ok(!zeroPage(bytes, Number(metricsRoot), Number(pageSize)));
      });
    }

    it('follows the overflow pages of long params and tags, and the b-tree of a large store', async () => {
      const original = new sqlJs.Database(gunzipSync(fs.readFileSync(path.join(fixtures, 'mlflow.db.gz'))));
      let bytes: Uint8Array;
      const runId = String(original.exec('SELECT run_uuid FROM runs LIMIT 1')[0]?.values[0]?.[0]);
      try {
        // A note and a param longer than several pages, and enough rows for interior pages in every table.
        original.run("INSERT INTO tags (key, value, run_uuid) VALUES ('mlflow.note.content', ?, ?)", [
          'note '.repeat(5000),
          runId,
        ]);
        original.run("INSERT INTO params (key, value, run_uuid) VALUES ('long', ?, ?)", ['é'.repeat(9000), runId]);
        for (let i = 0; i < 3000; i++) {
          original.run('INSERT INTO params (key, value, run_uuid) VALUES (?, ?, ?)', [`p${i}`, `${i / 7}`, runId]);
          original.run(
            'INSERT INTO latest_metrics (key, value, timestamp, step, is_nan, run_uuid) VALUES (?, ?, ?, ?, 0, ?)',
            [`m${i}`, i / 3, i, i, runId],
          );
        }
        bytes = original.export();
      } finally {
        original.close();
      }
      const file = path.join(tmp, 'mlflow.db');
      fs.writeFileSync(file, bytes);
      assert.ok(partialImage(file, ['runs', 'params', 'tags', 'latest_metrics']), 'a partial image');
      const [partial, whole] = await bothListings(file);
      assert.deepEqual(partial, whole);
      const run = partial.runs.runs.find((r) => r.id === runId)!;
      assert.equal(run.tags['mlflow.note.content'], 'note '.repeat(5000));
      assert.equal(run.params.long, 'é'.repeat(9000));
      assert.equal(run.params.p2999, String(2999 / 7));
      assert.equal(run.metrics.find((m) => m.key === 'm2999')?.points[0]?.value, 999.6666666666666);
    });

    it('reads the whole file when the pages are not as expected, and lists the same', async () => {
      const bytes = Buffer.from(gunzipSync(fs.readFileSync(path.join(fixtures, 'mlflow.db.gz'))));
      const file = path.join(tmp, 'mlflow.db');
      fs.writeFileSync(file, bytes);
      const want = await readDatabaseListing(file, { sqlJs });
      // An index of params the listing does not use, broken: the walk of its pages stops, the file is read whole.
      const [[root, pageSize] = []] = rowsOf(
        sqlJs,
        bytes,
        "SELECT rootpage, (SELECT page_size FROM pragma_page_size) FROM sqlite_master WHERE name = 'index_params_run_uuid'",
      );
      bytes[(Number(root) - 1) * Number(pageSize)] = 0x42;
      fs.writeFileSync(file, bytes);
      assert.equal(partialImage(file, ['params']), undefined);
      assert.deepEqual(await readDatabaseListing(file, { sqlJs }), want);
      assert.equal(want.listing.runs.length, 4);
      // Not SQLite at all: no image, and the whole file's error.
      fs.writeFileSync(file, 'not a database');
      assert.equal(partialImage(file, ['params']), undefined);
      await assert.rejects(readDatabaseListing(file, { sqlJs }), /not an SQLite database/);
    });
  });
});
