import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  combineFiles,
  declaredFiles,
  parseDvcLock,
  parseDvcYaml,
  readDvcLive,
  readDvcProjects,
  readDvcWorkspace,
} from '../../../../src/core/formats/dvc/project';
import { MetricsError } from '../../../../src/core/metrics/model';

function write(root: string, files: Record<string, string>): void {
  for (const [p, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
    fs.writeFileSync(path.join(root, p), content);
  }
}

describe('dvc.yaml', () => {
  it('reads stages with cmd, deps, params, outs, metrics, plots and wdir', () => {
    const project = parseDvcYaml(
      `stages:
  train:
    cmd: python train.py
    wdir: src
    deps: [train.py, ../data]
    params:
      - train
      - lr
      - ../custom.yaml: [a.b]
      - ../whole.json:
    outs:
      - ../models/m.pkl:
          cache: false
          persist: true
    metrics:
      - ../metrics/eval.json:
          cache: false
    plots:
      - ../plots/roc.csv
`,
      'dvc.yaml',
    );
    assert.deepEqual(project.stages, [
      {
        name: 'train',
        cmd: 'python train.py',
        wdir: 'src',
        deps: ['src/train.py', 'data'],
        params: [
          { path: 'src/params.yaml', keys: ['train', 'lr'] },
          { path: 'custom.yaml', keys: ['a.b'] },
          { path: 'whole.json' },
        ],
        outs: [{ path: 'models/m.pkl', cache: false, persist: true }],
        metrics: [{ path: 'metrics/eval.json', cache: false }],
        plots: [{ path: 'plots/roc.csv' }],
      },
    ]);
    assert.deepEqual(project.warnings, []);
  });

  it('expands foreach over lists and mappings, and matrix, with ${} from params.yaml and vars', () => {
    const project = parseDvcYaml(
      `vars:
  - sizes: {small: 10, large: 100}
  - config.yaml:seed
stages:
  fit:
    foreach: \${models}
    do:
      cmd: python fit.py --model \${item}
      metrics:
        - metrics/\${item}.json
  size:
    foreach: \${sizes}
    do:
      cmd: python size.py \${key} \${item} \${seed}
      outs:
        - out/\${key}.bin
  records:
    foreach:
      - {name: a, lr: 0.1}
      - {name: b, lr: 0.2}
    do:
      cmd: python r.py --lr \${item.lr}
      plots:
        - plots/\${item.name}.tsv
  grid:
    matrix:
      opt: [adam, sgd]
      depth: [2, 4]
    cmd: python grid.py \${item.opt} \${item.depth}
    metrics:
      - grid/\${item.opt}-\${item.depth}.json
  broken:
    cmd: python x.py \${nope.missing}
`,
      'dvc.yaml',
      {
        readVars: (file) =>
          file === 'params.yaml'
            ? { models: ['rf', 'gb'] }
            : file === 'config.yaml'
              ? { seed: 7, other: 1 }
              : undefined,
      },
    );
    assert.deepEqual(
      project.stages.map((s) => [s.name, s.cmd]),
      [
        ['fit@rf', 'python fit.py --model rf'],
        ['fit@gb', 'python fit.py --model gb'],
        ['size@small', 'python size.py small 10 7'],
        ['size@large', 'python size.py large 100 7'],
        ['records@0', 'python r.py --lr 0.1'],
        ['records@1', 'python r.py --lr 0.2'],
        ['grid@adam-2', 'python grid.py adam 2'],
        ['grid@adam-4', 'python grid.py adam 4'],
        ['grid@sgd-2', 'python grid.py sgd 2'],
        ['grid@sgd-4', 'python grid.py sgd 4'],
        ['broken', 'python x.py ${nope.missing}'],
      ],
    );
    assert.deepEqual(
      project.stages.flatMap((s) => s.metrics.map((m) => m.path)),
      [
        'metrics/rf.json',
        'metrics/gb.json',
        'grid/adam-2.json',
        'grid/adam-4.json',
        'grid/sgd-2.json',
        'grid/sgd-4.json',
      ],
    );
    assert.deepEqual(project.stages[5].plots, [{ path: 'plots/b.tsv' }]);
    assert.equal(project.warnings.length, 1);
    assert.match(project.warnings[0].message, /cannot resolve \$\{nope\.missing\}/);
  });

  it('reads top-level metrics, params, plots (paths and x/y files) and artifacts', () => {
    const project = parseDvcYaml(
      `metrics:
  - dvclive/metrics.json
params:
  - dvclive/params.yaml
plots:
  - dvclive/plots/metrics:
      x: step
  - roc:
      template: simple
      x: fpr
      y:
        eval/roc_train.json: tpr
        eval/roc_test.json: [tpr]
  - images/confusion.png
artifacts:
  classifier:
    path: models/classifier.pkl
    type: model
    desc: The model
    labels: [tabular, fraud]
    meta: {owner: ml}
  nopath:
    type: model
`,
      'sub/dvc.yaml',
      { folder: 'sub' },
    );
    assert.deepEqual(project.metrics, ['sub/dvclive/metrics.json']);
    assert.deepEqual(project.params, ['sub/dvclive/params.yaml']);
    assert.deepEqual(project.plots, [
      'sub/dvclive/plots/metrics',
      'sub/eval/roc_train.json',
      'sub/eval/roc_test.json',
      'sub/images/confusion.png',
    ]);
    assert.deepEqual(project.artifacts, [
      {
        name: 'classifier',
        path: 'sub/models/classifier.pkl',
        type: 'model',
        desc: 'The model',
        labels: ['tabular', 'fraud'],
        meta: { owner: 'ml' },
      },
    ]);
    assert.equal(project.warnings.length, 1);
  });

  it('gives the position of a YAML error and refuses a document that is not a mapping', () => {
    assert.throws(
      () => parseDvcYaml('stages:\n  train:\n    cmd: [a\n', 'dvc.yaml'),
      (err: unknown) =>
        err instanceof MetricsError && err.position?.line !== undefined && /^dvc\.yaml:\d+:\d+: /.test(err.message),
    );
    assert.throws(() => parseDvcYaml('- a\n', 'dvc.yaml'), /must be a mapping/);
    assert.deepEqual(parseDvcYaml('', 'dvc.yaml').stages, []);
  });
});

describe('dvc.lock', () => {
  it('reads schema 2.0 stages with deps, params and outs', () => {
    const lock = parseDvcLock(
      `schema: '2.0'
stages:
  train:
    cmd: python train.py
    deps:
    - path: data
      hash: md5
      md5: 0123abcd.dir
      size: 2048
      nfiles: 2
    params:
      params.yaml:
        train.lr: 0.001
        train.layers:
        - 64
        - 32
    outs:
    - path: model.pkl
      hash: md5
      md5: ffee
      size: 10
`,
      'dvc.lock',
    );
    assert.deepEqual(lock, {
      schema: '2.0',
      stages: {
        train: {
          cmd: 'python train.py',
          deps: [{ path: 'data', hash: 'md5', md5: '0123abcd.dir', size: 2048, nfiles: 2 }],
          params: { 'params.yaml': { 'train.lr': '0.001', 'train.layers': '[64, 32]' } },
          outs: [{ path: 'model.pkl', hash: 'md5', md5: 'ffee', size: 10 }],
        },
      },
    });
  });

  it('refuses a DVC 1 lock file with a hint', () => {
    assert.throws(() => parseDvcLock('train:\n  cmd: x\n', 'dvc.lock'), /schema 'none \(DVC 1\.x\)'.*dvc repro/);
  });
});

describe('DVC workspace and DVCLive', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-dvc-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('collects declared files like DVC: params.yaml whole, stage params by key, DVCLive folders', () => {
    write(root, {
      'params.yaml': 'train: {lr: 0.1}\nother: 1\n',
      'custom.yaml': 'a: {b: 1, c: 2}\n',
      'dvc.yaml':
        'stages:\n  s:\n    cmd: x\n    params:\n      - custom.yaml: [a.b]\n    metrics: [m/eval.json]\n    plots: [p/loss.csv]\nmetrics: [dvclive/metrics.json]\n',
      'dvclive/metrics.json': '{}',
      'dvclive/plots/metrics/loss.tsv': 'step\tloss\n',
    });
    const files = declaredFiles(root, readDvcProjects(root));
    assert.deepEqual(files, {
      metrics: ['m/eval.json', 'dvclive/metrics.json'],
      params: [{ path: 'params.yaml' }, { path: 'custom.yaml', keys: ['a.b'] }],
      plots: ['p/loss.csv'],
      dvclive: ['dvclive'],
    });
  });

  it('reads the workspace into one run: params, metrics, plots; a broken file is reported, the rest loads', async () => {
    write(root, {
      'params.yaml': 'train:\n  lr: 0.1\n  layers: [8, 8]\n',
      'custom.yaml': 'a: {b: 1, c: 2}\n',
      'dvc.yaml':
        'stages:\n  s:\n    cmd: x\n    params:\n      - custom.yaml: [a.b]\n    metrics: [m/eval.json, m/broken.json, m/not-yet.json]\n    plots: [p/loss.csv]\n',
      'm/eval.json': '{"test": {"f1": 0.8}, "model": "rf"}',
      'm/broken.json': '{"x": ',
      'p/loss.csv': 'step,loss\n0,0.9\n1,0.4\n',
    });
    const { run, errors } = await readDvcWorkspace(root);
    assert.equal(run.id, 'workspace');
    assert.equal(run.source.kind, 'dvc');
    assert.deepEqual(run.params, { 'train.lr': '0.1', 'train.layers': '[8, 8]', 'custom.yaml:a.b': '1' });
    assert.deepEqual(
      run.metrics.map((s) => [s.file, s.key, s.points.length]),
      [
        ['m/eval.json', 'test.f1', 1],
        ['p/loss.csv', 'loss', 2],
      ],
    );
    assert.deepEqual(run.textMetrics, [{ key: 'model', value: 'rf', file: 'm/eval.json' }]);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].location, path.join(root, 'm/broken.json'));
    assert.deepEqual(errors[0].position, { line: 1, column: 7, offset: 6 });
  });

  it('reads a DVCLive folder: summary values carry the per-step history of their plots', async () => {
    write(root, {
      'dvclive/metrics.json': '{"step": 2, "train": {"loss": 0.2}, "eval": {"acc": 0.75}, "lr": 0.01}',
      'dvclive/params.yaml': 'optimizer: adam\nepochs: 3\n',
      'dvclive/plots/metrics/train/loss.tsv':
        'timestamp\tstep\tloss\n1700000000000\t0\t0.9\n1700000001000\t1\t0.5\n1700000002000\t2\t0.2\n',
      'dvclive/plots/metrics/eval/acc.tsv': 'step\tacc\n0\t0.5\n1\t0.6\n2\t0.7\n',
      'dvclive/plots/metrics/only_plot.tsv': 'step\tonly_plot\n0\t1\n',
    });
    const { run, errors } = await readDvcLive(path.join(root, 'dvclive'));
    assert.deepEqual(errors, []);
    assert.equal(run.source.kind, 'dvclive');
    assert.deepEqual(run.params, { optimizer: 'adam', epochs: '3' });
    const byKey = new Map(run.metrics.map((s) => [s.key, s]));
    assert.deepEqual(byKey.get('train.loss')!.points, [
      { step: 0, value: 0.9, timestamp: 1700000000000 },
      { step: 1, value: 0.5, timestamp: 1700000001000 },
      { step: 2, value: 0.2, timestamp: 1700000002000 },
    ]);
    // The summary (0.75) differs from the last logged point (0.7): it is kept as the latest value.
    assert.deepEqual(byKey.get('eval.acc')!.points.slice(-2), [
      { step: 2, value: 0.7 },
      { step: 2, value: 0.75 },
    ]);
    assert.deepEqual(byKey.get('lr')!.points, [{ step: 2, value: 0.01 }]);
    assert.deepEqual(byKey.get('only_plot')!.points, [{ step: 0, value: 1 }]);
    assert.ok([...byKey.values()].every((s) => s.file === 'metrics.json'));
    await assert.rejects(readDvcLive(path.join(root, 'nope')), /not a DVCLive folder/);
  });

  it('combines the same file declared twice only once', () => {
    const content = Buffer.from('{"a": 1}');
    const combined = combineFiles([
      { path: 'm.json', role: 'metrics', content },
      { path: 'm.json', role: 'metrics', content },
    ]);
    assert.equal(combined.metrics.length, 1);
  });

  it('throws a positioned MetricsError for a malformed dvc.yaml', async () => {
    write(root, { 'dvc.yaml': 'stages:\n  a: [\n' });
    await assert.rejects(
      readDvcWorkspace(root),
      (err: unknown) => err instanceof MetricsError && err.position?.line === 3,
    );
  });
});
