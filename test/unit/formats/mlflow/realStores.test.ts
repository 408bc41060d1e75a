// MLflow stores as users have them on day one, without mlops.yaml: written by three MLflow releases with
// test/interop/mlflow/realStores.py (committed under test/fixtures/mlflow/real/<version>), and read through what
// users see: the runs table's rows, the merged registry, and the file-store listing of runs copied by hand. Every
// expected value is what the script logged (expected.json), which the release's own client read back.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { type SqlJsStatic } from 'sql.js';
import { root } from '../../../harness/paths';
import { listRuns, readMetricHistory } from '../../../../src/core/formats/mlflow/fileStore';
import { loadSqlJs, openMlflowDatabase } from '../../../../src/core/formats/mlflow/sqlite';
import { discoverSources } from '../../../../src/core/metrics/sources/discover';
import { readRegistry } from '../../../../src/core/registry/read';
import { collectRows } from '../../../../src/core/runs/collect';
import { paramValue } from '../../../../src/core/runs/rows';
import { readMlflowRegistry } from '../../../../src/core/workspace/mlflowRegistry';

interface LoggedRun {
  id: string;
  experiment: string;
  experiment_id: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  note: string | null;
  parent: string | null;
  status: string;
  start_time: number;
  end_time: number | null;
  deleted: boolean;
  latest: Record<string, [number, number, number]>;
  history: Record<string, [number, number, number][]>;
}

interface LoggedRegistry {
  name: string;
  description: string;
  tags: Record<string, string>;
  stages: boolean;
  aliases: boolean;
  versions: { version: string; run: string; description: string; stage: string; aliases: string[] }[];
}

interface Expected {
  mlflow: string;
  sqlite: { runs: Record<string, LoggedRun>; registry: LoggedRegistry };
  copied: {
    runs: Record<string, LoggedRun>;
    registry: LoggedRegistry | null;
    changes: {
      experiment_without_meta: string;
      moved_run: { name: string; from: string; into: string };
      truncated_metric: { run: string; key: string };
      trash: string[];
    };
  };
}

const realDir = path.join(root, 'test', 'fixtures', 'mlflow', 'real');
const releases = fs.readdirSync(realDir).sort();

function expectedOf(version: string): Expected {
  return JSON.parse(fs.readFileSync(path.join(realDir, version, 'expected.json'), 'utf8')) as Expected;
}

function databaseOf(version: string): Buffer {
  return gunzipSync(fs.readFileSync(path.join(realDir, version, 'mlruns.db.gz')));
}

/** The run names the runs table lists: not deleted, in experiments not deleted. */
function liveNames(runs: Record<string, LoggedRun>): string[] {
  return Object.keys(runs)
    .filter((name) => !runs[name].deleted)
    .sort();
}

const STATUS: Record<string, string> = { FINISHED: 'finished', FAILED: 'failed', RUNNING: 'running' };

describe('MLflow stores as users have them (three releases, no mlops.yaml)', function () {
  this.timeout(60_000);
  let sqlJs: SqlJsStatic;
  let tmp: string;
  before(async () => {
    sqlJs = await loadSqlJs();
  });
  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-real-'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('has a fixture from each of three major releases', () => {
    assert.deepEqual(
      releases.map((v) => v.split('.')[0]),
      ['1', '2', '3'],
    );
    for (const version of releases) assert.equal(expectedOf(version).mlflow, version);
  });

  for (const version of releases) {
    it(`mlflow ${version}: an SQLite store named mlruns.db is in the runs table with its params, metrics, notes and nested runs`, async () => {
      const expected = expectedOf(version);
      const runs = expected.sqlite.runs;
      fs.writeFileSync(path.join(tmp, 'mlruns.db'), databaseOf(version));
      // Another SQLite database beside it is not an MLflow store: never listed.
      const other = new sqlJs.Database();
      other.run('CREATE TABLE runs (x); CREATE TABLE experiments (x);');
      fs.writeFileSync(path.join(tmp, 'cache.db'), other.export());
      other.close();

      const { rows, sources } = await collectRows(tmp, {
        trusted: false,
        context: { sqlJs: () => Promise.resolve(sqlJs) },
      });
      assert.deepEqual(
        sources.map((s) => [s.kind, s.where, s.problems]),
        [['mlflow-sqlite', 'mlruns.db', []]],
      );
      assert.deepEqual(rows.map((r) => r.name).sort(), liveNames(runs), 'deleted runs and experiments left out');
      for (const row of rows) {
        const want = runs[row.name];
        assert.equal(row.runId, want.id);
        assert.equal(row.experiment, want.experiment, row.name);
        assert.equal(row.status, STATUS[want.status], row.name);
        assert.equal(row.startTime, want.start_time, row.name);
        assert.equal(row.durationMs, want.end_time === null ? undefined : want.end_time - want.start_time);
        assert.deepEqual(
          row.params,
          Object.fromEntries(Object.entries(want.params).map(([k, v]) => [k, paramValue(v)])),
          row.name,
        );
        assert.deepEqual(
          Object.fromEntries(Object.entries(row.metrics).map(([k, m]) => [k, [m.step, m.latest]])),
          Object.fromEntries(Object.entries(want.latest).map(([k, [step, value]]) => [k, [step, value]])),
          row.name,
        );
        assert.deepEqual(row.tags, ['team=growth'], row.name);
        assert.equal(row.annotation.note, want.note ?? undefined, row.name);
        assert.equal(row.annotation.noteSource, want.note === null ? undefined : 'mlflow', row.name);
      }
      assert.equal(rows.find((r) => r.name === 'sweep')?.params.comment, '', 'an empty param is an empty text');

      // Nested runs keep their parent; the full history is what was logged.
      const listed = sources[0].runs;
      for (const run of listed) {
        const parent = runs[run.label].parent;
        assert.equal(run.tags['mlflow.parentRunId'], parent === null ? undefined : runs[parent].id, run.label);
      }
      const db = await openMlflowDatabase(path.join(tmp, 'mlruns.db'), { sqlJs });
      try {
        const all = db.listRuns({ includeDeleted: true, fullHistory: true }).runs;
        assert.deepEqual(all.map((r) => r.label).sort(), Object.keys(runs).sort());
        for (const run of all) {
          const want = runs[run.label];
          assert.equal(run.lifecycleStage, want.deleted ? 'deleted' : 'active', run.label);
          for (const series of run.metrics)
            assert.deepEqual(
              series.points.map((p) => [p.step, p.value, p.timestamp]),
              want.history[series.key],
              `${run.label} ${series.key}`,
            );
        }
      } finally {
        db.close();
      }
    });

    it(`mlflow ${version}: the registry of mlruns.db has its stages, aliases, descriptions and runs`, async () => {
      const expected = expectedOf(version);
      const logged = expected.sqlite.registry;
      fs.writeFileSync(path.join(tmp, 'mlruns.db'), databaseOf(version));
      const registry = await readRegistry(tmp, { git: false, sqlite: { sqlJs } });
      assert.deepEqual(registry.problems, []);
      assert.deepEqual(
        registry.models.map((m) => m.name),
        [logged.name],
      );
      const model = registry.models[0];
      assert.equal(model.description, logged.description);
      const stageOf = (stage: string): string | undefined => (stage === 'None' ? undefined : stage.toLowerCase());
      const wantStages: Record<string, string[]> = {};
      for (const v of logged.versions) {
        const stage = stageOf(v.stage);
        if (stage) (wantStages[stage] ??= []).push(v.version);
      }
      assert.deepEqual(model.stages, wantStages);
      assert.equal(logged.stages, true, 'every release has stages');
      assert.deepEqual(
        [...model.versions]
          .sort((a, b) => Number(a.version) - Number(b.version))
          .map((v) => [v.version, v.stages, v.aliases, v.runId, v.message]),
        logged.versions.map((v) => [
          v.version,
          stageOf(v.stage) ? [stageOf(v.stage)] : [],
          v.aliases,
          expected.sqlite.runs[v.run].id,
          v.description,
        ]),
      );
      assert.equal(
        model.versions.some((v) => v.aliases.length > 0),
        Number(version.split('.')[0]) >= 2,
        'aliases from MLflow 2.3 on',
      );
    });

    it(`mlflow ${version}: a committed .env naming the store (sqlite:///...) is enough to find it`, async () => {
      const elsewhere = path.join(tmp, 'shared', 'tracking.store');
      fs.mkdirSync(path.dirname(elsewhere));
      fs.writeFileSync(elsewhere, databaseOf(version));
      const workspace = path.join(tmp, 'project');
      fs.mkdirSync(workspace);
      const envText = fs.readFileSync(path.join(realDir, version, '.env'), 'utf8');
      assert.match(envText, /^MLFLOW_TRACKING_URI=sqlite:\/\/\/mlruns\.db$/m, 'as the script wrote it');
      fs.writeFileSync(
        path.join(workspace, '.env'),
        envText.replace('sqlite:///mlruns.db', `"sqlite:///../shared/tracking.store"  # shared store`),
      );
      const discovered = await discoverSources(workspace);
      assert.deepEqual(discovered.located.get('mlflow-sqlite'), [elsewhere]);
      const { rows } = await collectRows(workspace, {
        trusted: false,
        context: { sqlJs: () => Promise.resolve(sqlJs) },
      });
      assert.deepEqual(rows.map((r) => r.name).sort(), liveNames(expectedOf(version).sqlite.runs));

      // A server named in .env is not contacted (a cloned project does not choose where a token goes): said once.
      fs.writeFileSync(path.join(workspace, '.env'), 'export MLFLOW_TRACKING_URI=http://tracking.example:5000\n');
      const withServer = await discoverSources(workspace);
      assert.equal(withServer.server, undefined);
      assert.equal(withServer.problems.length, 1);
      assert.match(withServer.problems[0].message, /names the tracking server tracking\.example:5000/);
      // A setting, flag or variable wins over .env.
      const fromFlag = await discoverSources(workspace, { trackingUri: `sqlite:///${elsewhere}` });
      assert.deepEqual([fromFlag.located.get('mlflow-sqlite'), fromFlag.problems], [[elsewhere], []]);
    });

    it(`mlflow ${version}: runs copied by hand (no experiment meta.yaml, wrong folder, .trash, a cut metric line, foreign artifact paths)`, async () => {
      const expected = expectedOf(version);
      const { runs, changes } = expected.copied;
      const store = path.join(realDir, version, 'copied', 'mlruns');
      const listing = await listRuns(store);
      assert.deepEqual(listing.runs.map((r) => r.label).sort(), liveNames(runs));
      const moved = listing.runs.find((r) => r.label === changes.moved_run.name)!;
      const churn = runs.sweep.experiment;
      // Listed where it is, and the problem says MLflow ignores it and what to do.
      assert.deepEqual([moved.experimentId, moved.experiment], [changes.moved_run.into, churn]);
      assert.equal(listing.problems.length, 1);
      const problem = listing.problems[0];
      assert.equal(problem.location, path.join(store, changes.moved_run.into, moved.id, 'meta.yaml'));
      assert.match(problem.message, /experiment_id is \S+ but it is in the folder of experiment/);
      assert.ok(problem.message.includes(`set experiment_id: '${changes.moved_run.into}'`), problem.message);
      assert.ok(problem.message.includes('MLflow ignores it'), problem.message);

      for (const run of listing.runs) {
        const want = runs[run.label];
        assert.equal(run.id, want.id);
        const experimentName =
          run.label === changes.moved_run.name
            ? churn
            : want.experiment_id === changes.experiment_without_meta
              ? changes.experiment_without_meta // No meta.yaml: named by its folder.
              : want.experiment;
        assert.equal(run.experiment, experimentName, run.label);
        assert.deepEqual(run.params, want.params, run.label);
        assert.equal(run.tags['mlflow.note.content'], want.note ?? undefined, run.label);
        assert.equal(run.status, STATUS[want.status], run.label);
        // The artifact paths point at the machine that wrote the runs; nothing here depends on them.
        assert.ok(run.artifactUri && !run.artifactUri.includes(realDir), run.artifactUri);
        const cut = changes.truncated_metric;
        const latest = Object.fromEntries(run.metrics.map((m) => [m.key, [m.points[0].step, m.points[0].value]]));
        const wantLatest = Object.fromEntries(
          Object.entries(want.latest).map(([k, [step, value]]) => [k, [step, value]]),
        );
        if (run.label === cut.run) {
          // The cut last line is left out: the latest value is the line before it.
          const [step, value] = want.history[cut.key].at(-2)!;
          wantLatest[cut.key] = [step, value];
          assert.deepEqual(
            (await readMetricHistory(store, run.id, cut.key)).points.map((p) => [p.step, p.value, p.timestamp]),
            want.history[cut.key].slice(0, -1),
          );
        }
        assert.deepEqual(latest, wantLatest, run.label);
      }
      assert.equal(listing.runs.find((r) => r.label === 'sweep')?.params.comment, '', 'an empty params file');

      // Deleted: the run deleted in place and the experiment in .trash.
      const all = await listRuns(store, { includeDeleted: true });
      const deleted = all.runs.filter((r) => r.lifecycleStage === 'deleted').map((r) => [r.label, r.experiment]);
      assert.deepEqual(
        deleted.sort(),
        Object.keys(runs)
          .filter((n) => runs[n].deleted)
          .sort()
          .map((n) => [n, runs[n].experiment]),
      );
      assert.deepEqual(changes.trash, [runs['abandoned-run'].experiment_id]);

      // The file store's registry, where the release has one.
      const registry = await readMlflowRegistry(store);
      assert.deepEqual(registry.problems, []);
      assert.deepEqual(
        registry.versions.map((v) => [v.version, v.stage, v.aliases, v.runId]),
        (expected.copied.registry?.versions ?? []).map((v) => [
          v.version,
          v.stage === 'None' ? undefined : v.stage.toLowerCase(),
          v.aliases,
          runs[v.run].id,
        ]),
      );
    });
  }

  it('names the schema revision of a database it cannot read, and what to do', async () => {
    const version = releases[releases.length - 1];
    const db = new sqlJs.Database(databaseOf(version));
    const [[revision]] = db.exec('SELECT version_num FROM alembic_version')[0].values;
    // As a release that renamed a column this reader needs might write it.
    db.run('ALTER TABLE runs RENAME COLUMN run_uuid TO run_key');
    const file = path.join(tmp, 'future.db');
    fs.writeFileSync(file, db.export());
    db.close();
    await assert.rejects(openMlflowDatabase(file, { sqlJs }), (err: Error) => {
      assert.ok(err.message.includes(`table 'runs' has no column 'run_uuid' (schema revision ${String(revision)})`));
      assert.ok(err.message.includes('mlflow server --backend-store-uri sqlite:///future.db'), err.message);
      assert.ok(err.message.includes('mlflow db upgrade sqlite:///future.db'), err.message);
      return true;
    });
    // The runs table lists the source with that message, and the other sources still read.
    fs.cpSync(path.join(realDir, version, 'copied', 'mlruns'), path.join(tmp, 'mlruns'), { recursive: true });
    const { rows, sources } = await collectRows(tmp, {
      trusted: false,
      context: { sqlJs: () => Promise.resolve(sqlJs) },
    });
    assert.deepEqual(
      sources.map((s) => [s.kind, s.runs.length, s.problems.length]),
      [
        ['mlflow-file', rows.length, 1],
        ['mlflow-sqlite', 0, 1],
      ],
    );
    assert.match(sources[1].problems[0].message, /schema revision \w+/);
  });

  it('the runs table says what is wrong with a copied store, and keeps the other runs', async () => {
    const version = releases[releases.length - 1];
    const expected = expectedOf(version);
    fs.cpSync(path.join(realDir, version, 'copied', 'mlruns'), path.join(tmp, 'mlruns'), { recursive: true });
    const { rows, sources } = await collectRows(tmp, { trusted: false });
    assert.deepEqual(rows.map((r) => r.name).sort(), liveNames(expected.copied.runs));
    assert.deepEqual(
      sources.map((s) => [s.kind, s.problems.length]),
      [['mlflow-file', 1]],
    );
    assert.match(sources[0].problems[0].message, /MLflow ignores it/);
    // The same run copied a second time, into its own experiment's folder as well: listed once, from there.
    const { moved_run: moved } = expected.copied.changes;
    const id = expected.copied.runs[moved.name].id;
    fs.cpSync(path.join(tmp, 'mlruns', moved.into, id), path.join(tmp, 'mlruns', moved.from, id), { recursive: true });
    const listing = await listRuns(path.join(tmp, 'mlruns'));
    assert.deepEqual(
      listing.runs.filter((r) => r.id === id).map((r) => r.experimentId),
      [moved.from],
    );
    assert.deepEqual(
      listing.problems.map((p) => p.location),
      [path.join(tmp, 'mlruns', moved.into, id)],
    );
    assert.match(listing.problems[0].message, /is also in the folder of experiment .* delete one copy/);
    assert.equal((await readMetricHistory(path.join(tmp, 'mlruns'), id, 'loss')).points.length, 6);
  });
});
