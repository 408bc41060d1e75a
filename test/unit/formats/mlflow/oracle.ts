// Compares one of our MLflow readers with what mlflow's own client returned for the same store (the expected JSON
// written by test/interop/mlflow/generate.py). Used on the committed fixtures and on freshly generated stores.
import assert from 'node:assert/strict';
import { type MetricSeries } from '../../../../src/core/metrics/model';
import {
  type MlflowExperiment,
  type MlflowRegisteredModel,
  type MlflowRunListing,
  type MlflowRunQuery,
} from '../../../../src/core/formats/mlflow/entities';

type Float = number | 'NaN' | 'Infinity' | '-Infinity';

export interface ExpectedRun {
  id: string;
  experiment_id: string;
  name: string;
  status: string;
  start_time: number;
  end_time: number | null;
  lifecycle_stage: string;
  params: Record<string, string>;
  tags: Record<string, string>;
  latest: Record<string, [number, Float, number]>;
  history: Record<string, [number, Float, number][]>;
}

export interface ExpectedStore {
  experiments: { id: string; name: string; lifecycle_stage: string; tags: Record<string, string> }[];
  runs: ExpectedRun[];
  registered_models: {
    name: string;
    description: string | null;
    tags: Record<string, string>;
    aliases: Record<string, string>;
    versions: {
      version: string;
      run_id: string;
      source: string;
      stage: string;
      status: string;
      description: string | null;
      tags: Record<string, string>;
    }[];
  }[];
}

/** What a reader offers, whatever the backend. */
export interface MlflowSource {
  experiments(includeDeleted: boolean): Promise<MlflowExperiment[]>;
  runs(query: MlflowRunQuery): Promise<MlflowRunListing>;
  history(runId: string, key: string): Promise<MetricSeries>;
  models(): Promise<MlflowRegisteredModel[]>;
}

export interface OracleOptions {
  /**
   * MLflow's SQL stores write +/-Infinity as +/-1.7976931348623157e308 and give that back; our readers return
   * +/-Infinity, so the expected extremes are read as infinities.
   */
  sqlInfinity: boolean;
}

export function decodeFloat(value: Float, options: OracleOptions): number {
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  if (options.sqlInfinity && Math.abs(value) === Number.MAX_VALUE) return value > 0 ? Infinity : -Infinity;
  return value;
}

const statusNames: Record<string, string> = {
  RUNNING: 'running',
  SCHEDULED: 'scheduled',
  FINISHED: 'finished',
  FAILED: 'failed',
  KILLED: 'killed',
};

function isActive(run: ExpectedRun, expected: ExpectedStore): boolean {
  const experiment = expected.experiments.find((e) => e.id === run.experiment_id);
  return run.lifecycle_stage === 'active' && experiment?.lifecycle_stage !== 'deleted';
}

/** Asserts that `source` reads exactly what mlflow read. Returns the number of metric points compared. */
export async function compareWithMlflow(
  source: MlflowSource,
  expected: ExpectedStore,
  options: OracleOptions,
): Promise<number> {
  let points = 0;
  // Experiments: all, then active only.
  const all = await source.experiments(true);
  assert.deepEqual(
    all
      .map((e) => ({ id: e.id, name: e.name, lifecycle_stage: e.lifecycleStage, tags: e.tags }))
      .sort((a, b) => (a.id < b.id ? -1 : 1)),
    [...expected.experiments].sort((a, b) => (a.id < b.id ? -1 : 1)),
    'experiments',
  );
  const active = await source.experiments(false);
  assert.deepEqual(
    active.map((e) => e.id).sort(),
    expected.experiments
      .filter((e) => e.lifecycle_stage === 'active')
      .map((e) => e.id)
      .sort(),
    'active experiments',
  );

  // Runs with latest values, deleted included.
  const listing = await source.runs({ includeDeleted: true });
  assert.deepEqual(
    listing.problems.map((p) => p.message),
    [],
    'no problems reading the store',
  );
  assert.deepEqual(listing.runs.map((r) => r.id).sort(), expected.runs.map((r) => r.id).sort(), 'run ids');
  for (const want of expected.runs) {
    const run = listing.runs.find((r) => r.id === want.id)!;
    const where = `run ${want.name} (${want.id})`;
    assert.equal(run.experimentId, want.experiment_id, `${where}: experiment id`);
    assert.equal(
      run.experiment,
      expected.experiments.find((e) => e.id === want.experiment_id)?.name,
      `${where}: experiment name`,
    );
    assert.equal(run.label, want.name, `${where}: label`);
    assert.equal(run.status, statusNames[want.status], `${where}: status`);
    assert.equal(run.time, want.start_time, `${where}: start time`);
    assert.equal(run.endTime ?? null, want.end_time, `${where}: end time`);
    assert.equal(run.lifecycleStage, want.lifecycle_stage, `${where}: lifecycle stage`);
    assert.deepEqual(run.params, want.params, `${where}: params`);
    assert.deepEqual(run.tags, want.tags, `${where}: tags`);
    assert.equal(run.fullHistory, false);
    const latest: Record<string, [number, number, number]> = {};
    for (const m of run.metrics) {
      assert.equal(m.points.length, 1, `${where}: ${m.key} has one latest point`);
      latest[m.key] = [m.points[0].step, m.points[0].value, m.points[0].timestamp!];
    }
    const wantLatest = Object.fromEntries(
      Object.entries(want.latest).map(([k, [step, value, timestamp]]) => [
        k,
        [step, decodeFloat(value, options), timestamp],
      ]),
    );
    assert.deepEqual(latest, wantLatest, `${where}: latest values`);

    // Full history of every metric, one by one.
    for (const [key, history] of Object.entries(want.history)) {
      const series = await source.history(want.id, key);
      assert.equal(series.key, key);
      const got = series.points.map((p) => [p.step, p.value, p.timestamp]);
      const wanted = history.map(([step, value, timestamp]) => [step, decodeFloat(value, options), timestamp]);
      assert.deepEqual(got, wanted, `${where}: history of ${key}`);
      points += got.length;
    }
  }

  // Default listing: deleted runs and runs of deleted experiments left out.
  const visible = await source.runs({});
  assert.deepEqual(
    visible.runs.map((r) => r.id).sort(),
    expected.runs
      .filter((r) => isActive(r, expected))
      .map((r) => r.id)
      .sort(),
    'active runs',
  );

  // Full histories in one listing.
  const full = await source.runs({ includeDeleted: true, fullHistory: true });
  for (const want of expected.runs) {
    const run = full.runs.find((r) => r.id === want.id)!;
    assert.equal(run.fullHistory, true);
    const got = Object.fromEntries(
      run.metrics.map((m) => [m.key, m.points.map((p) => [p.step, p.value, p.timestamp])]),
    );
    const wanted = Object.fromEntries(
      Object.entries(want.history).map(([k, h]) => [
        k,
        h.map(([step, value, timestamp]) => [step, decodeFloat(value, options), timestamp]),
      ]),
    );
    assert.deepEqual(got, wanted, `run ${want.name}: full histories`);
  }

  // Model registry.
  const models = await source.models();
  assert.deepEqual(
    models.map((m) => ({
      name: m.name,
      description: m.description ?? null,
      tags: m.tags,
      aliases: m.aliases,
      versions: m.versions.map((v) => ({
        version: v.version,
        run_id: v.runId,
        source: v.source,
        stage: v.stage,
        status: v.status,
        description: v.description ?? null,
        tags: v.tags,
      })),
    })),
    expected.registered_models,
    'registered models',
  );
  return points;
}
