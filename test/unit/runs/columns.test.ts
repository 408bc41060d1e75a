import assert from 'node:assert/strict';
import {
  bestValues,
  cellValue,
  columnsOf,
  differingColumns,
  goalOf,
  parseColumnId,
  RUN_COLUMNS,
} from '../../../src/core/runs/columns';
import { conventionalGoal } from '../../../src/core/metrics/goals';
import { row } from './rowFixtures';

const rows = [
  row({
    name: 'a',
    params: { lr: 0.1, opt: 'sgd', seed: 1 },
    metrics: { f1: 0.7, val_loss: { latest: 0.5, min: 0.4, max: 0.9 }, revenue: 100, steps: 10 },
  }),
  row({
    name: 'b',
    params: { lr: 0.01, opt: 'adam', seed: 1 },
    metrics: { f1: 0.9, val_loss: { latest: 0.3, min: 0.3, max: 0.8 }, revenue: 120, steps: 10 },
  }),
  row({
    name: 'c',
    params: { lr: 'auto', seed: 1 },
    metrics: { f1: 0.9, val_loss: NaN, revenue: Infinity, steps: 10 },
  }),
];

describe('runs columns', () => {
  it('lists run columns, then params, then metrics, with types, units and goals', () => {
    const columns = columnsOf(rows, {
      metricDefinitions: [
        { key: 'revenue', unit: 'USD', goal: 'maximize', label: 'Revenue' },
        { key: 'f1', goal: 'minimize' },
      ],
    });
    assert.deepEqual(
      columns.map((c) => c.id),
      [
        ...RUN_COLUMNS.map((c) => c.id),
        'params.lr',
        'params.opt',
        'params.seed',
        'metrics.f1',
        'metrics.revenue',
        'metrics.steps',
        'metrics.val_loss',
      ],
    );
    const byId = new Map(columns.map((c) => [c.id, c]));
    assert.equal(byId.get('params.lr')?.type, 'text', 'a param with a text value is text');
    assert.equal(byId.get('params.seed')?.type, 'number');
    assert.deepEqual(byId.get('metrics.revenue'), {
      id: 'metrics.revenue',
      group: 'metrics',
      label: 'Revenue',
      type: 'number',
      unit: 'USD',
      goal: 'maximize',
    });
    assert.equal(byId.get('metrics.f1')?.goal, 'minimize', 'mlops.yaml overrides the conventional goal');
    assert.equal(byId.get('metrics.val_loss')?.goal, 'minimize', 'conventional: loss');
    assert.equal(byId.get('metrics.steps')?.goal, undefined);
  });

  it('adds .min and .max columns on request', () => {
    const ids = columnsOf(rows, { minMax: ['val_loss'] })
      .filter((c) => c.group === 'metrics')
      .map((c) => c.id);
    assert.deepEqual(ids, [
      'metrics.f1',
      'metrics.revenue',
      'metrics.steps',
      'metrics.val_loss',
      'metrics.val_loss.min',
      'metrics.val_loss.max',
    ]);
    assert.equal(columnsOf(rows, { minMax: true }).filter((c) => c.id.endsWith('.max')).length, 4);
  });

  it('reads cells by column id', () => {
    const [a] = rows;
    assert.ok(a);
    assert.equal(cellValue(a, 'metrics.val_loss'), 0.5);
    assert.equal(cellValue(a, 'metrics.val_loss.min'), 0.4);
    assert.equal(cellValue(a, 'metrics.val_loss.max'), 0.9);
    assert.equal(cellValue(a, 'params.opt'), 'sgd');
    assert.equal(cellValue(a, 'params.missing'), null);
    assert.equal(cellValue(a, 'name'), 'a');
    assert.equal(cellValue(a, 'status'), 'finished');
    assert.equal(cellValue(a, 'author'), null);
    const dotted = row({ name: 'd', metrics: { 'loss.min': 7, loss: { latest: 3, min: 1, max: 5 } } });
    assert.equal(cellValue(dotted, 'metrics.loss.min'), 7, "a metric's own key wins over a variant");
    assert.equal(cellValue(dotted, 'metrics.loss.max'), 5);
    assert.deepEqual(parseColumnId('metrics.a.b'), { group: 'metrics', key: 'a.b' });
  });

  it('keeps only the columns that differ (and every run column)', () => {
    const columns = columnsOf(rows);
    const ids = differingColumns(columns, rows).map((c) => c.id);
    assert.deepEqual(ids, [
      ...RUN_COLUMNS.map((c) => c.id),
      'params.lr',
      'params.opt',
      'metrics.f1',
      'metrics.revenue',
      'metrics.val_loss',
    ]);
    // one row: nothing to compare
    assert.equal(differingColumns(columns, rows.slice(0, 1)).length, columns.length);
    // NaN equals NaN; missing differs from present
    const two = [row({ name: 'x', metrics: { m: NaN } }), row({ name: 'y', metrics: { m: NaN } }), row({ name: 'z' })];
    assert.deepEqual(
      differingColumns(columnsOf(two.slice(0, 2)), two.slice(0, 2)).filter((c) => c.group !== 'run'),
      [],
    );
    assert.deepEqual(
      differingColumns(columnsOf(two), two)
        .filter((c) => c.group !== 'run')
        .map((c) => c.id),
      ['metrics.m'],
    );
  });

  it('finds the best finite value of each metric with a goal, and the rows holding it', () => {
    const best = bestValues(columnsOf(rows, { minMax: true }), rows);
    assert.deepEqual(best['metrics.f1'], { value: 0.9, rowKeys: [rows[1]?.key, rows[2]?.key] });
    assert.deepEqual(best['metrics.val_loss'], { value: 0.3, rowKeys: [rows[1]?.key] });
    assert.deepEqual(best['metrics.val_loss.min'], { value: 0.3, rowKeys: [rows[1]?.key] });
    assert.equal(best['metrics.revenue'], undefined, 'no goal');
    assert.equal(best['metrics.steps'], undefined);
    const withGoal = bestValues(columnsOf(rows, { metricDefinitions: [{ key: 'revenue', goal: 'maximize' }] }), rows);
    assert.deepEqual(withGoal['metrics.revenue'], { value: 120, rowKeys: [rows[1]?.key] }, 'Infinity is not best');
  });

  it('knows conventional goals', () => {
    assert.equal(conventionalGoal('train/loss'), 'minimize');
    assert.equal(conventionalGoal('val_accuracy'), 'maximize');
    assert.equal(conventionalGoal('eval.roc_auc'), 'maximize');
    assert.equal(conventionalGoal('rmse'), 'minimize');
    assert.equal(conventionalGoal('f1_score'), 'maximize');
    assert.equal(conventionalGoal('epoch'), undefined);
    assert.equal(goalOf('test.f1', [{ key: 'f1', goal: 'minimize' }]), 'minimize');
  });
});
