// Checks our MLflow readers on a store written by one MLflow release (test/interop/mlflow/releases.py): the committed
// copies under test/fixtures/mlflow/releases/<version>, and the fresh ones the interop tier writes with each release.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { type SqlJsStatic } from 'sql.js';
import {
  listRegisteredModels,
  listRuns,
  listExperiments,
  readMetricHistory,
} from '../../../../src/core/formats/mlflow/fileStore';
import { isMlflowSqliteStore, openMlflowDatabase } from '../../../../src/core/formats/mlflow/sqlite';
import { readMlflowRegistry, type RegisteredModelVersion } from '../../../../src/core/workspace/mlflowRegistry';
import { describeMlflowStore } from '../../../../src/core/workspace/mlflowStores';
import { compareWithMlflow, decodeFloat, type ExpectedStore } from './oracle';

export interface ReleaseInfo {
  mlflow: string;
  file: { registry: boolean; stages: boolean; aliases: boolean };
  sqlite: { registry: boolean; stages: boolean; aliases: boolean };
  copied: { experiment_id: string; run_id: string; name: string };
}

export function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
}

/**
 * An expected store with its random ids (run ids, their 8-character prefixes, file-store experiment ids) replaced
 * by names, so two stores a release wrote with the same script compare equal.
 */
export function withoutIds(expected: ExpectedStore): ExpectedStore {
  let text = JSON.stringify(expected);
  for (const run of expected.runs)
    text = text.split(run.id).join(`<run ${run.name}>`).split(run.id.slice(0, 8)).join(`<run ${run.name}>`);
  for (const e of expected.experiments)
    for (const field of ['id', 'experiment_id'])
      text = text.split(`"${field}":"${e.id}"`).join(`"${field}":"<experiment ${e.name}>"`);
  const store = JSON.parse(text) as ExpectedStore;
  // Listed by id, which is random: list by name instead.
  const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  return { ...store, experiments: [...store.experiments].sort(byName), runs: [...store.runs].sort(byName) };
}

/** A registry listing with run ids as run names, and what differs between two stores (where, when) left out. */
function registryShape(versions: RegisteredModelVersion[], runNames: Map<string, string>): unknown[] {
  return versions.map(
    ({
      folder: _folder,
      backend: _backend,
      created: _created,
      lastUpdated: _lastUpdated,
      source: _source,
      runId,
      description,
      versionDescription,
      ...rest
    }) => ({
      ...rest,
      run: runId && runNames.get(runId),
      description: description?.replace(/from \w{8}/, 'from <run>'),
      versionDescription: versionDescription?.replace(/from \w{8}/, 'from <run>'),
    }),
  );
}

/**
 * Reads the store of one release (`dir` from releases.py, `database` its mlflow.db under any name) with our readers
 * and compares with what that release's MlflowClient read. Returns the number of metric points compared.
 */
export async function checkRelease(dir: string, database: string, sqlJs: SqlJsStatic): Promise<number> {
  const release = readJson<ReleaseInfo>(path.join(dir, 'release.json'));
  const store = path.join(dir, 'mlruns');
  const expectedFile = readJson<ExpectedStore>(path.join(dir, 'expected-file.json'));
  const expectedSqlite = readJson<ExpectedStore>(path.join(dir, 'expected-sqlite.json'));
  const where = `mlflow ${release.mlflow}`;

  // The file store and the database, each against the release's own client.
  let points = await compareWithMlflow(
    {
      experiments: (includeDeleted) => listExperiments(store, { includeDeleted }),
      runs: (query) => listRuns(store, query),
      history: (runId, key) => readMetricHistory(store, runId, key),
      models: () => listRegisteredModels(store),
    },
    expectedFile,
    { sqlInfinity: false },
  );
  assert.equal(await isMlflowSqliteStore(database), true, `${where}: ${path.basename(database)} is an MLflow store`);
  const db = await openMlflowDatabase(database, { sqlJs });
  try {
    points += await compareWithMlflow(
      {
        experiments: (includeDeleted) => Promise.resolve(db.listExperiments({ includeDeleted })),
        runs: (query) => Promise.resolve(db.listRuns(query)),
        history: (runId, key) => Promise.resolve(db.readMetricHistory(runId, key)),
        models: () => Promise.resolve(db.listRegisteredModels()),
      },
      expectedSqlite,
      { sqlInfinity: true },
    );
  } finally {
    db.close();
  }

  // The registry in one shape from either backend: versions, stages, aliases, tags and the run each came from.
  const runNames = (expected: ExpectedStore) => new Map(expected.runs.map((r) => [r.id, r.name]));
  const fromDb = await readMlflowRegistry(database, { sqlJs });
  assert.deepEqual(fromDb.problems, []);
  const shape = registryShape(fromDb.versions, runNames(expectedSqlite));
  assert.deepEqual(
    shape
      .map((v) => v as { version: string; stage?: string; aliases: string[]; run: string })
      .map((v) => [v.version, v.stage, v.aliases, v.run]),
    [
      ['1', release.sqlite.stages ? 'archived' : undefined, [], 'train-a'],
      ['2', release.sqlite.stages ? 'production' : undefined, release.sqlite.aliases ? ['champion'] : [], 'train-b'],
      ['3', release.sqlite.stages ? 'staging' : undefined, release.sqlite.aliases ? ['challenger'] : [], 'train-b'],
    ],
    `${where}: registry of mlflow.db`,
  );
  assert.ok(fromDb.versions.every((v) => v.backend === 'sqlite' && v.folder === database));
  const fromFiles = await readMlflowRegistry(store);
  assert.deepEqual(fromFiles.problems, []);
  if (release.file.registry) {
    assert.deepEqual(registryShape(fromFiles.versions, runNames(expectedFile)), shape, `${where}: one shape`);
    assert.equal(fromFiles.versions[1]?.folder, path.join(store, 'models', 'churn-model', 'version-2'));
  } else assert.deepEqual(fromFiles.versions, [], `${where}: the file store of this release has no registry`);

  // Runs copied without their experiment's meta.yaml, or straight into a store folder.
  const { copied } = release;
  const want = expectedFile.runs.find((r) => r.id === copied.run_id)!;
  for (const [folder, experimentId] of [
    ['without-experiment-meta', copied.experiment_id],
    ['run-only', copied.experiment_id],
  ] as const) {
    const root = path.join(dir, 'copied', folder);
    const listing = await listRuns(root);
    assert.deepEqual(listing.problems, [], `${where}: ${folder}: no problems`);
    assert.deepEqual(
      listing.runs.map((r) => [r.id, r.experimentId, r.label, r.params, r.tags]),
      [[copied.run_id, experimentId, copied.name, want.params, want.tags]],
      `${where}: ${folder}: the copied run`,
    );
    const latest = Object.fromEntries(listing.runs[0].metrics.map((m) => [m.key, m.points[0].value]));
    assert.deepEqual(
      latest,
      Object.fromEntries(Object.entries(want.latest).map(([k, [, v]]) => [k, decodeFloat(v, { sqlInfinity: false })])),
    );
    const history = await readMetricHistory(root, copied.run_id, 'loss');
    assert.deepEqual(
      history.points.map((p) => [p.step, p.value, p.timestamp]),
      want.history.loss,
      `${where}: ${folder}: history`,
    );
    assert.deepEqual((await describeMlflowStore(root))?.runs, 1);
  }

  // What each store holds, for folding empty stores: 3 live runs (a deleted one is not counted).
  const fileSummary = await describeMlflowStore(store);
  assert.deepEqual(
    fileSummary && [fileSummary.backend, fileSummary.runs, fileSummary.registeredModels, fileSummary.empty],
    ['file', 3, release.file.registry ? 2 : 0, false],
  );
  const dbSummary = await describeMlflowStore(database, { sqlJs });
  assert.deepEqual(dbSummary && [dbSummary.backend, dbSummary.runs, dbSummary.registeredModels, dbSummary.empty], [
    'sqlite',
    3,
    2,
    false,
  ]);
  return points;
}
