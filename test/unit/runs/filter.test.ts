import assert from 'node:assert/strict';
import {
  compileFilter,
  describeFilterError,
  FilterError,
  filterRows,
  parseFilter,
} from '../../../src/core/runs/filter';
import type { RunRow } from '../../../src/core/runs/model';
import { row } from './rowFixtures';

const rows: RunRow[] = [
  row({
    name: 'baseline',
    params: { lr: 0.1, optimizer: 'sgd', 'model name': 'resnet 50' },
    metrics: { f1: 0.71, 'val/loss': { latest: 0.5, min: 0.4, max: 0.9 } },
    tags: ['fraud-classifier@v1'],
    status: 'finished',
    commit: 'a1b2c3d',
    experiment: 'fraud',
    author: 'Ada Lovelace',
    startTime: Date.parse('2024-05-01T10:00:00Z'),
    durationMs: 90_000,
  }),
  row({
    name: 'tuned',
    params: { lr: 0.001, optimizer: 'adam' },
    metrics: { f1: 0.86, 'val/loss': { latest: 0.3, min: 0.25, max: 0.8 } },
    tags: ['fraud-classifier@v2', 'release'],
    labels: ['Candidate'],
    note: 'Best so far; ship it',
    branches: ['main'],
    experiment: 'fraud',
    startTime: Date.parse('2024-06-01T10:00:00Z'),
    durationMs: 3_600_000,
  }),
  row({
    name: 'diverged',
    params: { lr: 0.5, optimizer: 'adam' },
    metrics: { f1: NaN, 'val/loss': Infinity },
    status: 'failed',
    sourceKind: 'git',
    commit: 'ffee001',
  }),
  row({ name: 'empty', params: { optimizer: 'sgd' }, sourceKind: 'tensorboard' }),
];

const names = (expr: string): string[] => filterRows(rows, expr).map((r) => r.name);

function fails(expr: string, offset: number, length: number, message: RegExp): void {
  let error: unknown;
  try {
    compileFilter(expr);
  } catch (err) {
    error = err;
  }
  assert.ok(error instanceof FilterError, `${expr}: expected a FilterError, got ${String(error)}`);
  assert.equal(error.offset, offset, `${expr}: offset`);
  assert.equal(error.length, length, `${expr}: length`);
  assert.match(error.message, message);
}

describe('runs filter language', () => {
  it('matches everything when empty', () => {
    assert.deepEqual(names(''), ['baseline', 'tuned', 'diverged', 'empty']);
    assert.deepEqual(names('   '), ['baseline', 'tuned', 'diverged', 'empty']);
    assert.deepEqual(parseFilter(''), { kind: 'all' });
  });

  it('compares numbers with every operator', () => {
    assert.deepEqual(names('metrics.f1 > 0.8'), ['tuned']);
    assert.deepEqual(names('metrics.f1 >= 0.71'), ['baseline', 'tuned']);
    assert.deepEqual(names('metrics.f1 < 0.8'), ['baseline']);
    assert.deepEqual(names('metrics.f1 <= 0.86'), ['baseline', 'tuned']);
    assert.deepEqual(names('metrics.f1 = 0.86'), ['tuned']);
    assert.deepEqual(names('metrics.f1 == 0.86'), ['tuned']);
    assert.deepEqual(names('metrics.f1 != 0.86'), ['baseline']);
    assert.deepEqual(names('params.lr<0.01'), ['tuned']);
    assert.deepEqual(names('params.lr >= 1e-3'), ['baseline', 'tuned', 'diverged']);
  });

  it('combines with and, or, not, implicit and and parentheses', () => {
    assert.deepEqual(names('metrics.f1 > 0.8 and params.lr < 0.01'), ['tuned']);
    assert.deepEqual(names('metrics.f1 > 0.8 AND params.lr > 0.01'), []);
    assert.deepEqual(names('metrics.f1 > 0.8 or status:failed'), ['tuned', 'diverged']);
    assert.deepEqual(names('not params.optimizer = adam'), ['baseline', 'empty']);
    assert.deepEqual(names('params.optimizer = adam params.lr > 0.1'), ['diverged']);
    assert.deepEqual(names('(status:failed or metrics.f1 > 0.8) and not label:candidate'), ['diverged']);
    // and binds tighter than or
    assert.deepEqual(names('status:failed or params.optimizer = sgd and metrics.f1 > 0.5'), ['baseline', 'diverged']);
    assert.deepEqual(names('not not status:failed'), ['diverged']);
  });

  it('compares texts exactly, orders them by code unit, and ~ is contains or a glob', () => {
    assert.deepEqual(names('params.optimizer = sgd'), ['baseline', 'empty']);
    assert.deepEqual(names('params.optimizer = SGD'), []);
    assert.deepEqual(names('params.optimizer != sgd'), ['tuned', 'diverged']);
    assert.deepEqual(names('params.optimizer > b'), ['baseline', 'empty']);
    assert.deepEqual(names('params.optimizer ~ DA'), ['tuned', 'diverged']);
    assert.deepEqual(names('params.optimizer ~ "s*d"'), ['baseline', 'empty']);
    assert.deepEqual(names('name ~ t*ed'), ['tuned']);
    assert.deepEqual(names('metrics.f1 ~ 0.8'), ['tuned']);
  });

  it('reads quoted names, dotted keys and .min/.max', () => {
    assert.deepEqual(names('metrics."val/loss" < 0.4'), ['tuned']);
    assert.deepEqual(names('metrics.val/loss < 0.4'), ['tuned']);
    assert.deepEqual(names('metrics."val/loss".min < 0.3'), ['tuned']);
    assert.deepEqual(names('metrics."val/loss".max >= 0.9'), ['baseline', 'diverged']);
    assert.deepEqual(names("params.'model name' = 'resnet 50'"), ['baseline']);
    assert.deepEqual(names('params."model name" ~ resnet'), ['baseline']);
    // a bare name is a metric, else a param
    assert.deepEqual(names('f1 > 0.8'), ['tuned']);
    assert.deepEqual(names('lr = 0.5'), ['diverged']);
  });

  it('never matches a missing value, whatever the operator', () => {
    for (const op of ['=', '!=', '<', '<=', '>', '>=', '~'])
      assert.ok(!names(`metrics.f1 ${op} 0.5`).includes('empty'), op);
    assert.deepEqual(names('not metrics.f1 > 0'), ['diverged', 'empty']);
    assert.deepEqual(names('metrics.nothing != 1'), []);
  });

  it('matches NaN only with = nan and != (anything but nan)', () => {
    assert.deepEqual(names('metrics.f1 = nan'), ['diverged']);
    assert.deepEqual(names('metrics.f1 = NaN'), ['diverged']);
    assert.deepEqual(names('metrics.f1 != nan'), ['baseline', 'tuned']);
    assert.deepEqual(names('metrics.f1 != 0.86'), ['baseline']);
    for (const op of ['<', '<=', '>', '>=']) {
      assert.deepEqual(names(`metrics.f1 ${op} nan`), [], `${op} nan`);
      assert.ok(!names(`metrics.f1 ${op} 0.5`).includes('diverged'), `${op} 0.5`);
    }
    assert.deepEqual(names('metrics.val/loss = inf'), ['diverged']);
    assert.deepEqual(names('metrics.val/loss > 1e308'), ['diverged']);
    assert.deepEqual(names('metrics.val/loss < -inf'), []);
  });

  it('never orders a number against a text; they differ', () => {
    assert.deepEqual(names('params.optimizer < 5'), []);
    assert.deepEqual(names('params.lr = adam'), []);
    assert.deepEqual(names('params.lr != adam'), ['baseline', 'tuned', 'diverged']);
  });

  it('has qualifiers for tags, labels, source, status and more', () => {
    assert.deepEqual(names('tag:fraud-classifier@*'), ['baseline', 'tuned']);
    assert.deepEqual(names('tag:fraud-classifier@v2'), ['tuned']);
    assert.deepEqual(names('tag:fraud-classifier'), []);
    assert.deepEqual(names('label:candidate'), ['tuned']);
    assert.deepEqual(names('source:mlflow'), ['baseline', 'tuned']);
    assert.deepEqual(names('source:git'), ['diverged']);
    assert.deepEqual(names('source:tensorboard'), ['empty']);
    assert.deepEqual(names('status:failed'), ['diverged']);
    assert.deepEqual(names('status:FINISHED'), ['baseline', 'tuned', 'empty']);
    assert.deepEqual(names('experiment:fraud'), ['baseline', 'tuned']);
    assert.deepEqual(names('branch:main'), ['tuned']);
    assert.deepEqual(names('author:lovelace'), ['baseline']);
    assert.deepEqual(names('commit:ffee'), ['diverged']);
    assert.deepEqual(names('note:ship'), ['tuned']);
    assert.deepEqual(names('has:metrics.f1'), ['baseline', 'tuned', 'diverged']);
    assert.deepEqual(names('has:params.lr'), ['baseline', 'tuned', 'diverged']);
    assert.deepEqual(names('tag:"fraud-classifier@v1"'), ['baseline']);
  });

  it('searches text in name, commit, experiment and note', () => {
    assert.deepEqual(names('tune'), ['tuned']);
    assert.deepEqual(names('A1B2'), ['baseline']);
    assert.deepEqual(names('fraud'), ['baseline', 'tuned']);
    assert.deepEqual(names('"so far"'), ['tuned']);
    assert.deepEqual(names('fraud tuned'), ['tuned']);
    assert.deepEqual(names('d*ged'), ['diverged']);
  });

  it('compares durations and start times with units and dates', () => {
    assert.deepEqual(names('duration > 5m'), ['tuned']);
    assert.deepEqual(names('duration <= 90s'), ['baseline']);
    assert.deepEqual(names('duration < 100'), ['baseline']);
    assert.deepEqual(names('duration >= 1h'), ['tuned']);
    assert.deepEqual(names('start >= 2024-05-15'), ['tuned']);
    assert.deepEqual(names('start < 2024-05-01T12:00Z'), ['baseline']);
    assert.deepEqual(names('start <= 2024-05-01T10:00'), ['baseline'], 'UTC without an offset');
    assert.deepEqual(names('start < 2024-05-01T10:00'), []);
    assert.deepEqual(names('start < 2024-05-01T13:00+02:00'), ['baseline']);
  });

  it('reports errors with their offset, length and column', () => {
    fails('metrics.f1 > ', 11, 1, /^expected a value after '>' at column 12$/);
    fails('metrics.f1 >= and x', 11, 2, /expected a value after '>='/);
    fails('params.lr < 0.01 and', 17, 3, /expected a condition after 'and' at column 18/);
    fails('or x', 0, 2, /expected a condition before 'or' at column 1/);
    fails('a and and b', 2, 3, /expected a condition after 'and'/);
    fails('metrics.f1 > 0.8 or', 17, 2, /expected a condition after 'or'/);
    fails('(metrics.f1 > 0.8', 17, 1, /expected '\)' to close the '\(' at column 1/);
    fails('metrics.f1 > 0.8)', 16, 1, /unexpected '\)' at column 17/);
    fails('tags:x', 0, 4, /unknown qualifier 'tags'/);
    fails('metrics."val/loss > 1', 8, 13, /unterminated string: the " at column 9 is never closed/);
    fails('> 3', 0, 1, /expected a column name before '>'/);
    fails('not', 0, 3, /expected a condition after 'not'/);
    fails('()', 0, 2, /expected a condition inside/);
    fails('duration > soon', 0, 8, /'soon' is not a duration/);
    fails('start > yesterday', 0, 5, /'yesterday' is not a date/);
    fails('tag: x', 3, 1, /expected a value after 'tag:'/);
    fails('metrics.f1 > > 2', 13, 1, /expected a value, not '>'/);
  });

  it('draws a caret under the error', () => {
    let error: FilterError | undefined;
    try {
      compileFilter('metrics.f1 > ');
    } catch (err) {
      error = err as FilterError;
    }
    assert.ok(error);
    assert.equal(
      describeFilterError('metrics.f1 > ', error),
      "metrics.f1 > \n           ^\nexpected a value after '>' at column 12",
    );
  });

  it('filters 10,000 rows x 500 columns well under 100 ms', () => {
    // 100 distinct value sets of 250 metrics and 250 params, shared by 10,000 rows (building is not measured).
    const sets = Array.from({ length: 100 }, (_, i) => {
      const metrics: Record<string, number> = {};
      const params: Record<string, number | string> = {};
      for (let c = 0; c < 250; c++) {
        metrics[`m${c}`] = ((i * 31 + c) % 1000) / 1000;
        params[`p${c}`] = c % 2 ? (i % 100) / 1000 : `opt${i % 7}`;
      }
      return row({ name: 'template', metrics, params });
    });
    const many: RunRow[] = [];
    for (let i = 0; i < 10_000; i++) {
      const template = sets[i % sets.length];
      if (!template) throw new Error('no template');
      many.push({ ...template, key: `k${i}`, name: `run-${i}` });
    }
    const predicate = compileFilter('metrics.m10 > 0.8 and params.p1 < 0.01 or not tag:x* and run-99');
    const started = performance.now();
    let kept = 0;
    for (const r of many) if (predicate(r)) kept++;
    const elapsed = performance.now() - started;
    assert.ok(kept > 0 && kept < many.length, `kept ${kept}`);
    assert.ok(elapsed < 100, `took ${elapsed.toFixed(1)} ms`);
  });
});
