import assert from 'node:assert/strict';
import { availableKeys, defaultKeys, prepareChart } from '../../../src/core/chart/prepare';
import { applyRange, orderVersions, stepPoints, versionLabel } from '../../../src/core/chart/series';
import { ChartError, type MetricDefinition } from '../../../src/core/chart/types';
import type { Run } from '../../../src/core/metrics/model';
import { HISTORY_START, series, stepRuns, versionRuns } from './sampleRuns';

const definitions: MetricDefinition[] = [
  { key: 'f1', label: 'F1 score', goal: 'maximize', threshold: 0.75 },
  { key: 'loss', goal: 'minimize', threshold: 0.2 },
];

describe('chart series across versions', () => {
  it('builds one series per (key, split) with one point per revision, oldest first, dated', () => {
    const runs = versionRuns(40).reverse(); // a reader may list newest first
    const payload = prepareChart(runs, { view: 'versions', keys: ['f1', 'precision', 'recall'] }, definitions);
    assert.equal(payload.axis, 'date');
    assert.equal(payload.versions.length, 40);
    assert.deepEqual(payload.series.map((s) => s.key).sort(), [
      'test.f1',
      'test.precision',
      'test.recall',
      'train.f1',
      'train.precision',
      'train.recall',
      'validation.f1',
      'validation.precision',
      'validation.recall',
    ]);
    const testF1 = payload.series.find((s) => s.key === 'test.f1')!;
    assert.equal(testF1.xs.length, 40);
    assert.equal(testF1.xs[0], HISTORY_START);
    assert.ok(testF1.xs.every((x, i) => i === 0 || x > testF1.xs[i - 1]));
    assert.deepEqual(
      testF1.versions,
      Array.from({ length: 40 }, (_, i) => i),
    );
    assert.equal(payload.versions[7].tags[0], 'v0.1');
    assert.equal(payload.versions[7].label, `${versionRuns(40)[7].id.slice(0, 7)} v0.1 · Retrain model (8)`);
    assert.equal(new Set(payload.versions.map((v) => v.shortSha)).size, 40, 'distinct short shas');
    assert.equal(testF1.split, 'test');
    assert.equal(testF1.goal, 'maximize');
    assert.equal(payload.thresholds.length, 1);
    assert.equal(payload.thresholds[0].label, 'F1 score ≥ 0.75');
    assert.equal(testF1.threshold, 0);
    assert.equal(payload.series.find((s) => s.key === 'test.recall')!.threshold, undefined);
    // Breaches: exactly the points below 0.75.
    assert.deepEqual(
      testF1.breaches,
      testF1.ys.flatMap((y, i) => (y < 0.75 ? [i] : [])),
    );
    assert.ok(testF1.breaches.length > 0 && testF1.breaches.length < 40);
    assert.deepEqual(payload.availableSplits, ['train', 'validation', 'test']);
    assert.deepEqual(payload.availableKeys, ['f1', 'precision', 'recall']);
  });

  it('filters splits, sources and revision ranges', () => {
    const runs = [...versionRuns(20), ...versionRuns(5, { location: 'other/eval.json' })];
    const all = prepareChart(runs, { view: 'versions', keys: ['f1'], splits: ['test'] }, []);
    assert.equal(all.series.length, 2, 'one series per source');
    assert.ok(all.series[0].label.includes(' — '), 'labels name the source when there are several');
    const one = prepareChart(
      runs,
      { view: 'versions', keys: ['f1'], splits: ['test'], sources: ['git:metrics/eval.json'] },
      [],
    );
    assert.equal(one.series.length, 1);
    assert.equal(one.series[0].label, 'test.f1');
    const last = prepareChart(
      versionRuns(20),
      { view: 'versions', keys: ['f1'], splits: ['test'], range: { kind: 'last', count: 5 } },
      [],
    );
    assert.equal(last.versions.length, 5);
    assert.equal(last.versions[0].sha, versionRuns(20)[15].id);
    const since = prepareChart(
      versionRuns(20),
      { view: 'versions', keys: ['f1'], splits: ['test'], range: { kind: 'sinceTag', tag: 'v0.2' } },
      [],
    );
    assert.equal(since.versions.length, 5, 'v0.2 is the 16th of 20');
    assert.deepEqual(since.versions[0].tags, ['v0.2']);
  });

  it('keeps series of different files of one run apart and names the file', () => {
    const runs = versionRuns(3);
    for (const run of runs) {
      for (const s of run.metrics) s.file = 'metrics/eval.json';
      run.metrics.push({
        key: 'test.f1',
        baseKey: 'f1',
        split: 'test',
        file: 'dvclive/metrics.json',
        points: [{ step: 0, value: 0.5 }],
      });
    }
    const payload = prepareChart(runs, { view: 'versions', keys: ['f1'], splits: ['test'] }, []);
    assert.deepEqual(
      payload.series.map((s) => [s.label, s.file, s.ys.length]),
      [
        ['test.f1 — metrics/eval.json', 'metrics/eval.json', 3],
        ['test.f1 — dvclive/metrics.json', 'dvclive/metrics.json', 3],
      ],
    );
    assert.notEqual(payload.series[0].id, payload.series[1].id);
    assert.deepEqual(payload.series[1].ys, [0.5, 0.5, 0.5]);
  });

  it('follows a branch through parents', () => {
    const runs = versionRuns(6);
    // A side branch off the 3rd commit that main does not contain.
    const side: Run = structuredClone(runs[5]);
    side.id = 'f'.repeat(40);
    side.revisionInfo = {
      ...side.revisionInfo!,
      sha: side.id,
      shortSha: 'fffffff',
      refs: ['refs/heads/feature'],
      parents: [runs[2].id],
      date: runs[5].revisionInfo!.date + 1,
    };
    const ordered = orderVersions([...runs, side]);
    assert.deepEqual(
      applyRange(ordered, { kind: 'branch', name: 'main' }).map((r) => r.id),
      runs.map((r) => r.id),
    );
    assert.deepEqual(
      applyRange(ordered, { kind: 'branch', name: 'feature' }).map((r) => r.id),
      [runs[0].id, runs[1].id, runs[2].id, side.id],
    );
    assert.throws(
      () => applyRange(ordered, { kind: 'branch', name: 'nope' }),
      (e: unknown) => e instanceof ChartError && e.code === 'unknown-branch' && /"nope"/.test(e.message),
    );
    assert.throws(() => applyRange(ordered, { kind: 'sinceTag', tag: 'v9' }), /No loaded revision has the tag "v9"/);
    assert.throws(() => applyRange(ordered, { kind: 'last', count: 0 }), /at least 1/);
  });

  it('falls back to revision order when a revision has no date, and skips non-finite values', () => {
    const runs = versionRuns(4);
    runs[1].revisionInfo!.date = Number.NaN;
    runs[2].metrics[0].points[0].value = Number.NaN;
    const payload = prepareChart(runs, { view: 'versions', keys: ['train.f1'] }, [], {});
    assert.equal(payload.axis, 'order');
    const s = payload.series[0];
    assert.equal(s.rawCount, 4);
    assert.equal(s.nonFinite, 1);
    assert.deepEqual(s.xs, [0, 1, 3]);
    const ordered = prepareChart(versionRuns(4), { view: 'versions', keys: ['f1'], axis: 'order' }, []);
    assert.deepEqual(ordered.series[0].xs, [0, 1, 2, 3]);
  });

  it('uses defined metrics as default keys, else the first keys', () => {
    const runs = versionRuns(3);
    assert.deepEqual(defaultKeys(runs, definitions), ['f1']);
    assert.deepEqual(defaultKeys(runs, []), ['f1', 'precision', 'recall']);
    assert.deepEqual(prepareChart(runs, { view: 'versions', keys: [] }, definitions).query.keys, ['f1']);
    assert.deepEqual(availableKeys([]), []);
  });

  it('labels a version with short sha, tags and subject', () => {
    assert.equal(
      versionLabel({ shortSha: 'abc1234', tags: ['v1', 'prod'], subject: 'Tune' }),
      'abc1234 v1 prod · Tune',
    );
    assert.equal(versionLabel({ shortSha: 'abc1234', tags: [], subject: '' }), 'abc1234');
  });
});

describe('chart series across steps', () => {
  it('builds one curve per run and key, decimated to the budget share, with run facts', () => {
    const runs = stepRuns(10, 20_000);
    const payload = prepareChart(runs, { view: 'steps', keys: ['loss'] }, definitions, { totalBudget: 10_000 });
    assert.equal(payload.series.length, 10);
    assert.equal(payload.runs.length, 10);
    assert.equal(payload.budgetPerSeries, 1000);
    for (const s of payload.series) {
      assert.ok(s.xs.length <= 1000 && s.xs.length > 500, `${s.label}: ${s.xs.length} points`);
      assert.equal(s.xs[0], 0);
      assert.equal(s.xs[s.xs.length - 1], 19_999);
      assert.equal(s.rawCount, 20_000);
      assert.equal(s.goal, 'minimize');
    }
    assert.equal(payload.rawPoints, 200_000);
    assert.equal(
      payload.plottedPoints,
      payload.series.reduce((n, s) => n + s.xs.length, 0),
    );
    assert.equal(payload.series[3].label, 'run 4');
    assert.equal(payload.runs[payload.series[3].run!].id, 'run-003');
    assert.deepEqual(payload.runs[0].params, [
      ['lr', '0.001'],
      ['batch_size', '32'],
      ['optimizer', 'sgd'],
    ]);
    const both = prepareChart(stepRuns(2, 10), { view: 'steps', keys: ['loss', 'accuracy'] }, []);
    assert.deepEqual(
      both.series.map((s) => s.label),
      ['run 1 · train/loss', 'run 1 · val/accuracy', 'run 2 · train/loss', 'run 2 · val/accuracy'],
    );
  });

  it('keeps the budget bounds per series and marks a run that ends on the wrong side of a minimize goal', () => {
    const payload = prepareChart(stepRuns(40, 50), { view: 'steps', keys: ['loss'] }, definitions);
    let breaching = 0;
    for (const s of payload.series) {
      assert.equal(s.xs.length, 50);
      const last = s.ys.length - 1;
      assert.deepEqual(s.breaches, s.ys[last] > 0.2 ? [last] : [], 'only where the run ends is judged');
      breaching += s.breaches.length;
    }
    assert.ok(breaching > 0 && breaching < 40, `some runs end above the threshold (${breaching})`);
  });

  it('orders points by step (stable) and leaves out non-finite values', () => {
    const points = stepPoints(
      series('loss', [
        [2, 0.3],
        [0, 0.5],
        [1, Number.NaN],
        [2, 0.25],
        [1, Infinity],
        [3, 0.2],
      ]),
    );
    assert.deepEqual(points.xs, [0, 2, 2, 3]);
    assert.deepEqual(points.ys, [0.5, 0.3, 0.25, 0.2]);
    assert.equal(points.nonFinite, 2);
  });

  it('rejects an unknown view and a budget below the minimum', () => {
    assert.throws(() => prepareChart([], { view: 'nope' as 'steps', keys: [] }, []), /Unknown chart view "nope"/);
    assert.throws(() => prepareChart([], { view: 'steps', keys: [] }, [], { totalBudget: 2 }), ChartError);
    const empty = prepareChart([], { view: 'steps', keys: ['loss'] }, []);
    assert.equal(empty.series.length, 0);
  });
});
