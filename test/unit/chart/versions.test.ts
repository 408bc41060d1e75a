import assert from 'node:assert/strict';
import { chartPanels } from '../../../src/core/chart/panels';
import { defaultKeys, isCounterKey, keyCoverage, prepareChart } from '../../../src/core/chart/prepare';
import {
  isExperimentRun,
  MIN_DATE_SPAN_MS,
  plotSource,
  sourceLabel,
  withExperiments,
} from '../../../src/core/chart/series';
import type { Run } from '../../../src/core/metrics/model';
import { experimentRun as experiment, HISTORY_START, series, versionRuns } from './sampleRuns';

const DAY = 86_400_000;

/** `count` tracker runs (no revision), `gap` ms apart, each with `loss`, `accuracy` and the counter `epoch`. */
function trackerRuns(count: number, gap: number): Run[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${i}`.padStart(32, 'a'),
    source: { kind: 'mlflow-file' as const, location: '/home/ana/demo/mlruns' },
    label: `run-${i + 1}`,
    experiment: 'Default',
    time: HISTORY_START + i * gap,
    params: {},
    tags: {},
    status: 'finished' as const,
    metrics: [series('loss', [[9, 1 / (i + 2)]]), series('accuracy', [[9, 0.5 + i / 100]]), series('epoch', [[9, 9]])],
  }));
}

describe('chart across versions: DVC experiments', () => {
  const history = versionRuns(5);
  const head = history[4];
  const exps = [
    experiment(head, 'lean-trees', 0.71, 1),
    experiment(head, 'deep-trees', 0.79, 2),
    experiment(head, 'fast-lr', 0.74, 3),
    experiment(history[1], 'early-stop', 0.6, 5),
  ];

  it('plots each experiment as its own named point, right after its baseline commit', () => {
    const payload = prepareChart([...history, ...exps], { view: 'versions', keys: ['test.f1'] }, []);
    assert.deepEqual(
      payload.versions.map((v) => v.experiment ?? v.shortSha),
      [
        history[0].id.slice(0, 7),
        history[1].id.slice(0, 7),
        'early-stop',
        history[2].id.slice(0, 7),
        history[3].id.slice(0, 7),
        history[4].id.slice(0, 7),
        'lean-trees',
        'deep-trees',
        'fast-lr',
      ],
    );
    const v = payload.versions;
    assert.equal(v[2].baseline, 1, 'early-stop ran on the 2nd commit');
    assert.deepEqual([v[6].baseline, v[7].baseline, v[8].baseline], [5, 5, 5]);
    assert.equal(v[6].label, `lean-trees · experiment on ${head.id.slice(0, 7)}`);
    assert.equal(v[5].experiment, undefined);
    assert.equal(v[5].baseline, undefined);
    const f1 = payload.series[0];
    assert.equal(payload.series.length, 1, 'experiments are points of the metric, not another metric');
    assert.deepEqual(f1.versions, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual(f1.ys.slice(6), [0.71, 0.79, 0.74]);
    // Dated axis: an experiment sits after its baseline and before the next commit (at most half the gap).
    assert.equal(payload.axis, 'date');
    assert.ok(v[2].x > v[1].x && v[2].x <= v[1].x + DAY / 2, 'early-stop between its baseline and the next commit');
    assert.ok(v[6].x > v[5].x && v[6].x < v[7].x && v[7].x < v[8].x && v[8].x <= v[5].x + DAY / 2);
    assert.deepEqual(
      f1.xs,
      v.map((x) => x.x),
    );
    assert.equal(payload.detachedExperiments, 0);
  });

  it('places experiments between revisions on the order axis and leaves out those whose baseline is not plotted', () => {
    const payload = prepareChart(
      [...exps, ...history],
      { view: 'versions', keys: ['f1'], splits: ['test'], axis: 'order', range: { kind: 'last', count: 2 } },
      [],
    );
    assert.equal(payload.axis, 'order');
    assert.deepEqual(
      payload.versions.map((v) => [v.experiment ?? v.shortSha, v.x]),
      [
        [history[3].id.slice(0, 7), 0],
        [history[4].id.slice(0, 7), 1],
        ['lean-trees', 1 + 1 / 6],
        ['deep-trees', 1 + 2 / 6],
        ['fast-lr', 1.5],
      ],
    );
    assert.equal(payload.detachedExperiments, 1, 'early-stop ran on a commit outside the last 2');
  });

  it('gives experiments on the newest commit room to be seen on a long axis', () => {
    const long = versionRuns(40);
    const newest = long[39];
    const payload = prepareChart(
      [...long, experiment(newest, 'a', 0.8, 1), experiment(newest, 'b', 0.81, 2)],
      { view: 'versions', keys: ['test.f1'] },
      [],
    );
    const span = 39 * DAY;
    const [head, a, b] = payload.versions.slice(39).map((v) => v.x);
    assert.ok(
      a - head >= span * 0.015 && b - head >= span * 0.03 - 1,
      `${(a - head) / DAY} and ${(b - head) / DAY} days`,
    );
    assert.ok(b - head <= span * 0.03 + 1, 'half of 6% of the axis');
  });

  it('keeps experiments apart from the branch line in a branch range', () => {
    const payload = prepareChart(
      [...history, ...exps],
      { view: 'versions', keys: ['f1'], range: { kind: 'branch', name: 'main' } },
      [],
    );
    assert.equal(payload.versions.filter((v) => v.experiment).length, 4);
    assert.equal(payload.versions.filter((v) => !v.experiment).length, 5);
  });
});

describe('chart across versions: the x axis', () => {
  it('falls back to revision order when the commits share one day, and says why', () => {
    const runs = versionRuns(7);
    runs.forEach((run, i) => (run.revisionInfo!.date = HISTORY_START + i * 20 * 60_000));
    const payload = prepareChart(runs, { view: 'versions', keys: ['f1'], splits: ['test'] }, []);
    assert.equal(payload.axis, 'order');
    assert.equal(payload.xTitle, 'Revision (oldest to newest)');
    assert.equal(payload.axisNote, 'The revisions were committed within 2 hours: plotted in revision order.');
    assert.deepEqual(payload.series[0].xs, [0, 1, 2, 3, 4, 5, 6]);
    assert.deepEqual(
      payload.versions.map((v) => v.x),
      [0, 1, 2, 3, 4, 5, 6],
    );
  });

  it('keeps the date axis when the commits spread over days', () => {
    const runs = versionRuns(4); // one a day: three days apart end to end
    const payload = prepareChart(runs, { view: 'versions', keys: ['f1'], splits: ['test'] }, []);
    assert.equal(3 * DAY >= MIN_DATE_SPAN_MS, true);
    assert.equal(payload.axis, 'date');
    assert.equal(payload.xTitle, 'Commit date');
    assert.equal(payload.axisNote, undefined);
    const two = prepareChart(versionRuns(3), { view: 'versions', keys: ['f1'], splits: ['test'] }, []);
    assert.equal(two.axis, 'order', 'two days is not a readable date axis');
    const asked = prepareChart(versionRuns(7), { view: 'versions', keys: ['f1'], axis: 'order' }, []);
    assert.equal(asked.axisNote, undefined, 'no note when the user asked for revision order');
  });

  it('plots tracker runs by start time, or in run order, named by the run', () => {
    const spread = prepareChart(trackerRuns(4, DAY), { view: 'versions', keys: ['loss'] }, []);
    assert.equal(spread.axis, 'date');
    assert.equal(spread.xTitle, 'Run start time');
    assert.deepEqual(
      spread.versions.map((v) => [v.kind, v.label, v.x]),
      [0, 1, 2, 3].map((i) => ['run', `run-${i + 1} · Default`, HISTORY_START + i * DAY]),
    );
    const burst = prepareChart(trackerRuns(5, 90_000), { view: 'versions', keys: ['loss'] }, []);
    assert.equal(burst.axis, 'order');
    assert.equal(burst.xTitle, 'Run (oldest to newest)');
    assert.equal(burst.axisNote, 'The runs started within 6 minutes: plotted in run order.');
    assert.deepEqual(
      burst.versions.map((v) => v.subject),
      ['run-1', 'run-2', 'run-3', 'run-4', 'run-5'],
    );
    assert.equal(prepareChart(trackerRuns(2, DAY), { view: 'steps', keys: ['loss'] }, []).xTitle, 'Step');
  });
});

describe('chart default metrics', () => {
  it('recognises counters and never ticks them by default', () => {
    for (const key of ['step', 'epoch', 'Epoch', 'train/epoch', 'iteration', 'global_step', 'iter', '_step'])
      assert.equal(isCounterKey(key), true, key);
    for (const key of ['loss', 'accuracy', 'steps_per_second_loss', 'epochal', 'f1', 'test.recall'])
      assert.equal(isCounterKey(key), false, key);
    const runs = trackerRuns(3, DAY);
    const payload = prepareChart(runs, { view: 'versions', keys: [] }, []);
    assert.deepEqual(payload.query.keys, ['accuracy', 'loss']);
    assert.deepEqual(payload.availableKeys, ['accuracy', 'epoch', 'loss']);
    assert.deepEqual(payload.counterKeys, ['epoch']);
    const onlyCounters: Run[] = runs.map((r) => ({ ...r, metrics: r.metrics.filter((m) => m.key === 'epoch') }));
    assert.deepEqual(defaultKeys(onlyCounters, []), ['epoch'], 'a counter when there is nothing else');
  });

  it('picks the metrics most runs have, not the first names', () => {
    const runs = trackerRuns(4, DAY);
    runs[0].metrics.push(series('aaa_debug', [[0, 1]]), series('abc_once', [[0, 2]]));
    runs[1].metrics.push(series('aaa_debug', [[0, 1]]));
    for (const run of runs) run.metrics.push(series('zeta_usd', [[0, 1e6]]));
    assert.deepEqual(keyCoverage(runs).slice(0, 4), [
      { key: 'accuracy', runs: 4 },
      { key: 'epoch', runs: 4 },
      { key: 'loss', runs: 4 },
      { key: 'zeta_usd', runs: 4 },
    ]);
    assert.deepEqual(defaultKeys(runs, []), ['accuracy', 'loss', 'zeta_usd']);
    assert.deepEqual(defaultKeys(runs, [], 4), ['accuracy', 'loss', 'zeta_usd', 'aaa_debug']);
    assert.deepEqual(defaultKeys(runs, [{ key: 'abc_once' }]), ['abc_once'], 'defined metrics still come first');
  });
});

describe('chart small multiples', () => {
  it('groups series into one panel per metric, splits and sources together', () => {
    const payload = prepareChart(
      [...versionRuns(4), ...versionRuns(4, { location: 'other/eval.json' })],
      { view: 'versions', keys: ['f1', 'recall'] },
      [{ key: 'recall', unit: '%' }],
    );
    const panels = chartPanels(payload.series);
    assert.deepEqual(
      panels.map((p) => [p.key, p.title, p.series.length]),
      [
        ['f1', 'f1', 6],
        ['recall', 'recall (%)', 6],
      ],
    );
    assert.deepEqual(
      panels.flatMap((p) => p.series).sort((a, b) => a - b),
      payload.series.map((_, i) => i),
    );
  });
});

describe('chart source labels', () => {
  it('names the folder and what the source is, never the absolute path', () => {
    const folder = { name: 'demo', path: '/home/ana/demo' };
    assert.equal(sourceLabel({ kind: 'git', location: '/home/ana/demo' }, folder), 'demo · git history');
    assert.equal(
      sourceLabel({ kind: 'mlflow-file', location: '/home/ana/demo/mlruns' }, folder),
      'demo · MLflow (mlruns)',
    );
    assert.equal(
      sourceLabel({ kind: 'mlflow-sqlite', location: '/home/ana/demo/db/mlflow.db' }, folder),
      'demo · MLflow (db/mlflow.db)',
    );
    assert.equal(sourceLabel({ kind: 'dvc', location: '/home/ana/demo' }, folder), 'demo · DVC workspace');
    assert.equal(
      sourceLabel(
        { kind: 'tensorboard', location: 'C:\\work\\demo\\runs\\logs' },
        { name: 'demo', path: 'C:\\work\\demo' },
      ),
      'demo · TensorBoard (runs/logs)',
    );
    assert.equal(sourceLabel({ kind: 'git', location: '/srv/repos/fraud' }), 'fraud · git history');
    assert.equal(sourceLabel({ kind: 'mlflow-file', location: '/srv/repos/fraud/mlruns' }), 'fraud · MLflow (mlruns)');
    assert.equal(
      sourceLabel({ kind: 'mlflow-rest', location: 'https://user:pw@mlflow.example.com:5000/' }),
      'MLflow server (mlflow.example.com:5000)',
    );
    assert.equal(plotSource({ kind: 'git', location: '/home/ana/demo' }, folder).label, 'demo · git history');
  });
});

describe('chart runs of the versions view', () => {
  it('adds the DVC experiments of the plotted git sources once, and no others', () => {
    const history = versionRuns(3, { location: '/home/ana/demo' });
    const exp = experiment(history[2], 'fast-lr', 0.8, 1);
    const id = 'git:/home/ana/demo';
    const sources = [
      { id, kind: 'git' as const, runs: [exp, ...history] },
      {
        id: 'git:/elsewhere',
        kind: 'git' as const,
        runs: [{ ...exp, id: 'other', source: { kind: 'git' as const, location: '/elsewhere' } }],
      },
    ];
    const runs = withExperiments(history, sources);
    assert.deepEqual(
      runs.map((r) => r.id),
      [...history.map((r) => r.id), exp.id],
      'the experiment of the plotted history; not the one of an unplotted source',
    );
    assert.equal(withExperiments(runs, sources).length, 4, 'no duplicates when the runs already hold it');
    assert.equal(withExperiments(history, sources, ['git:/elsewhere']).length, 3, 'only the chosen sources');
    assert.equal(isExperimentRun(exp), true);
    assert.equal(isExperimentRun(history[0]), false);
    assert.equal(isExperimentRun(trackerRuns(1, DAY)[0]), false, 'an MLflow experiment name is not a DVC experiment');
  });
});
