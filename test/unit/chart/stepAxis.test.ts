// Across steps, the x axis is the logged step or a counter the runs log (epoch, iteration, ...): each point's x is
// the counter's value at the point's step; runs without the counter are named in the payload, never dropped silently.
import assert from 'node:assert/strict';
import { plotToCsv } from '../../../src/core/chart/export';
import { prepareChart, stepAxisChoices } from '../../../src/core/chart/prepare';
import { counterAtStep, pointsByCounter, stepPoints } from '../../../src/core/chart/series';
import type { MetricSeries, Run } from '../../../src/core/metrics/model';
import { HISTORY_START, series } from './sampleRuns';

function run(id: string, label: string, metrics: MetricSeries[]): Run {
  return {
    id,
    source: { kind: 'mlflow-file', location: 'mlruns' },
    label,
    experiment: 'Default',
    time: HISTORY_START,
    params: {},
    tags: {},
    status: 'finished',
    metrics,
  };
}

/** Ten steps of loss; two steps per epoch (epoch 1 at steps 0-1, ..., 5 at steps 8-9). */
const withEpochs = run('a', 'run-a', [
  series(
    'loss',
    Array.from({ length: 10 }, (_, s): [number, number] => [s, 1 / (s + 1)]),
  ),
  series(
    'epoch',
    Array.from({ length: 10 }, (_, s): [number, number] => [s, Math.floor(s / 2) + 1]),
  ),
]);
/** Logs loss but no epoch. */
const withoutEpochs = run('b', 'run-b', [
  series('loss', [
    [0, 0.9],
    [1, 0.8],
  ]),
]);
/** Logs epoch only at the end of each epoch (steps 4 and 9), loss at every step; an iteration counter too. */
const sparseEpochs = run('c', 'run-c', [
  series(
    'loss',
    Array.from({ length: 10 }, (_, s): [number, number] => [s, 2 / (s + 1)]),
  ),
  series('epoch', [
    [9, 2],
    [4, 1],
  ]),
  series(
    'iteration',
    Array.from({ length: 10 }, (_, s): [number, number] => [s, s * 100]),
  ),
]);

describe('chart across steps: the x axis', () => {
  it('plots against the logged step by default and offers the counters the runs log, with how many runs log each', () => {
    const payload = prepareChart([withEpochs, withoutEpochs, sparseEpochs], { view: 'steps', keys: ['loss'] }, []);
    assert.equal(payload.xTitle, 'Step');
    assert.equal(payload.query.xKey, undefined);
    assert.deepEqual(payload.xChoices, [
      { key: '', runs: 3 },
      { key: 'epoch', runs: 2 },
      { key: 'iteration', runs: 1 },
    ]);
    assert.deepEqual(payload.query.keys, ['loss'], 'counters are x-axis choices, not metrics');
    assert.deepEqual(payload.series[0].xs, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    assert.deepEqual(payload.runsWithoutX, []);
    // Counters are never among the default metrics.
    const defaults = prepareChart([withEpochs, sparseEpochs], { view: 'steps', keys: [] }, []);
    assert.deepEqual(defaults.query.keys, ['loss']);
    assert.deepEqual(defaults.counterKeys, ['epoch', 'iteration']);
  });

  it("takes each point's x from the counter's value at the same step, and names the runs without the counter", () => {
    const payload = prepareChart(
      [withEpochs, withoutEpochs, sparseEpochs],
      { view: 'steps', keys: ['loss'], xKey: 'epoch' },
      [],
    );
    assert.equal(payload.xTitle, 'epoch');
    assert.equal(payload.query.xKey, 'epoch');
    assert.equal(payload.axisNote, undefined);
    assert.deepEqual(payload.runsWithoutX, ['run-b'], 'reported, not dropped silently');
    assert.deepEqual(
      payload.runs.map((r) => r.label),
      ['run-a', 'run-c'],
    );
    const [a, c] = payload.series;
    assert.deepEqual(a.xs, [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    assert.deepEqual(
      a.ys,
      Array.from({ length: 10 }, (_, s) => 1 / (s + 1)),
      'the values stay with their steps',
    );
    // run-c logs epoch at steps 4 and 9 only: the loss at those steps, in epoch order; the other 8 are counted.
    assert.deepEqual(c.xs, [1, 2]);
    assert.deepEqual(c.ys, [2 / 5, 2 / 10]);
    assert.equal(payload.pointsWithoutX, 8);
    assert.equal(c.run, 1);
    // The CSV names its x column after the counter.
    assert.equal(
      plotToCsv(payload, payload.series).split(/\r?\n/)[0],
      'series,key,split,source,run,run id,epoch,value',
    );
  });

  it('falls back to the step, and says so, when no plotted run logs the counter asked for', () => {
    const payload = prepareChart([withoutEpochs], { view: 'steps', keys: ['loss'], xKey: 'epoch' }, []);
    assert.equal(payload.xTitle, 'Step');
    assert.equal(payload.query.xKey, undefined);
    assert.equal(payload.axisNote, 'No plotted run logs epoch: plotted against the step.');
    assert.deepEqual(payload.series[0].xs, [0, 1]);
    assert.deepEqual(payload.xChoices, [{ key: '', runs: 1 }]);
    // A metric that is not a counter is not an x axis either.
    const notCounter = prepareChart([withEpochs], { view: 'steps', keys: ['epoch'], xKey: 'loss' }, []);
    assert.equal(notCounter.xTitle, 'Step');
    assert.match(notCounter.axisNote ?? '', /No plotted run logs loss/);
  });

  it('reads a counter per step (its last finite value there) and orders points by it, stably', () => {
    const r = run('d', 'run-d', [
      series('train.epoch', [[0, 5]], 'train'),
      series('epoch', [
        [0, 1],
        [1, Number.NaN],
        [2, 3],
        [2, 2],
      ]),
    ]);
    const at = counterAtStep(r, 'epoch');
    assert.deepEqual(
      [...(at ?? new Map())],
      [
        [0, 1],
        [2, 2],
      ],
    );
    assert.equal(counterAtStep(r, 'iteration'), undefined);
    const byCounter = pointsByCounter(
      stepPoints(
        series('loss', [
          [0, 0.5],
          [1, 0.4],
          [2, 0.3],
        ]),
      ),
      new Map([
        [0, 2],
        [2, 1],
      ]),
    );
    assert.deepEqual(byCounter.xs, [1, 2]);
    assert.deepEqual(byCounter.ys, [0.3, 0.5]);
    assert.equal(byCounter.withoutX, 1);
    assert.deepEqual(stepAxisChoices([]), [{ key: '', runs: 0 }]);
  });
});
