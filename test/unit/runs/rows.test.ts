import assert from 'node:assert/strict';
import path from 'node:path';
import type { Run } from '../../../src/core/metrics/model';
import { paramValue, runKey, runsToRows, sourceLocationOf } from '../../../src/core/runs/rows';

const root = path.resolve('/ws');

const gitRun: Run = {
  id: 'a'.repeat(40),
  source: { kind: 'git', location: root },
  label: 'aaaaaaa v1.0',
  revision: 'a'.repeat(40),
  revisionInfo: {
    sha: 'a'.repeat(40),
    shortSha: 'aaaaaaa',
    subject: 'train',
    author: 'Ana Ruiz',
    date: 1_700_000_000_000,
    tags: ['fraud-classifier@v1'],
    refs: ['main', 'fraud-classifier@v1', 'refs/exps/ab/cdef/exp-1'],
    parents: [],
  },
  experiment: 'exp-1',
  time: 1_700_000_000_000,
  params: { lr: '0.001', epochs: '10', model: 'resnet', decay: '1e-4', flag: 'True', empty: '', weird: 'nan' },
  tags: {},
  status: 'finished',
  metrics: [
    {
      key: 'loss',
      baseKey: 'loss',
      points: [
        { step: 0, value: 0.9 },
        { step: 2, value: 0.3 },
        { step: 1, value: 0.2 },
      ],
    },
    {
      key: 'f1',
      baseKey: 'f1',
      points: [
        { step: 0, value: NaN },
        { step: 1, value: 0.8 },
      ],
      file: 'a.json',
    },
    { key: 'f1', baseKey: 'f1', points: [{ step: 0, value: 0.7 }], file: 'b.json' },
    { key: 'empty', baseKey: 'empty', points: [] },
  ],
};

const mlflowRun: Run = {
  id: '3f2a',
  source: { kind: 'mlflow-file', location: path.join(root, 'mlruns') },
  label: 'tuned',
  revision: '3f2a',
  experiment: 'fraud',
  time: 1000,
  endTime: 61_000,
  params: {},
  tags: { 'mlflow.user': 'bo', 'mlflow.source.git.commit': 'b'.repeat(40), team: 'risk', release: '' },
  status: 'failed',
  metrics: [{ key: 'auc', baseKey: 'auc', points: [{ step: 5, value: 0.9 }] }],
};

describe('runs rows', () => {
  it('turns a git run into a row: typed params, latest/min/max, tags, branches, author', () => {
    const [r] = runsToRows([gitRun], { root, sourceLabel: 'Git history ws' });
    assert.ok(r);
    assert.equal(r.key, `git:.:${'a'.repeat(40)}`);
    assert.equal(r.commit, 'a'.repeat(40));
    assert.deepEqual(r.tags, ['fraud-classifier@v1']);
    assert.deepEqual(r.branches, ['main']);
    assert.equal(r.author, 'Ana Ruiz');
    assert.equal(r.experiment, 'exp-1');
    assert.equal(r.startTime, 1_700_000_000_000);
    assert.equal(r.durationMs, undefined);
    assert.equal(r.sourceLabel, 'Git history ws');
    assert.deepEqual(r.params, {
      lr: 0.001,
      epochs: 10,
      model: 'resnet',
      decay: 0.0001,
      flag: 'True',
      empty: '',
      weird: NaN,
    });
    assert.deepEqual(r.metrics.loss, { latest: 0.3, min: 0.2, max: 0.9, step: 2 });
    assert.deepEqual(r.metrics['a.json:f1'], { latest: 0.8, min: 0.8, max: 0.8, step: 1 });
    assert.deepEqual(r.metrics['b.json:f1'], { latest: 0.7, min: 0.7, max: 0.7, step: 0 });
    assert.equal('empty' in r.metrics, false);
    assert.deepEqual(r.annotation, { labels: [] });
  });

  it('turns an MLflow run into a row: duration, author and commit from tags, user tags', () => {
    const [r] = runsToRows([mlflowRun], { root, annotate: (key) => ({ labels: [], note: key }) });
    assert.ok(r);
    assert.equal(r.key, 'mlflow-file:mlruns:3f2a');
    assert.equal(r.durationMs, 60_000);
    assert.equal(r.author, 'bo');
    assert.equal(r.commit, 'b'.repeat(40));
    assert.deepEqual(r.tags, ['team=risk', 'release']);
    assert.equal(r.status, 'failed');
    assert.equal(r.sourceLabel, 'mlflow-file mlruns');
    assert.equal(r.annotation.note, 'mlflow-file:mlruns:3f2a');
  });

  it('keys are stable and locations never carry credentials', () => {
    assert.equal(runKey('dvc', '.', 'workspace'), 'file:.:workspace');
    assert.equal(
      sourceLocationOf('https://user:secret@mlflow.example.com/api/?token=x', root),
      'https://mlflow.example.com/api',
    );
    assert.equal(sourceLocationOf(path.join(root, 'a', 'mlflow.db'), root), 'a/mlflow.db');
    assert.equal(sourceLocationOf(root, root), '.');
    assert.deepEqual(runsToRows([mlflowRun], { root })[0]?.key, runsToRows([mlflowRun], { root })[0]?.key);
  });

  it('types param values', () => {
    assert.equal(paramValue('0.5'), 0.5);
    assert.equal(paramValue(' 3 '), 3);
    assert.equal(paramValue('-inf'), -Infinity);
    assert.equal(paramValue('1.0.0'), '1.0.0');
    assert.equal(paramValue(''), '');
    assert.equal(paramValue('0x10'), '0x10');
  });
});
