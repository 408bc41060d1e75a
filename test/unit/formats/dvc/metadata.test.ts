import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseDvcMetadata } from '../../../../src/core/formats/dvc/metadata';
import { createOfflineGitHelper } from '../../../../src/core/checks/defaults/git';
import { root } from '../../../harness/paths';

const project = path.join(root, 'test', 'fixtures', 'workspace', 'project');
const read = (file: string): string => fs.readFileSync(path.join(project, file), 'utf8');

describe('DVC metadata (outs, artifacts, metrics) from the DVC reader', () => {
  it('reads the files the real dvc wrote: .dvc outs with hashes, lock outs, dvc.yaml outs, metrics and artifacts', () => {
    assert.deepEqual(parseDvcMetadata('data/images.dvc', read('data/images.dvc')).outs, [
      {
        path: 'data/images',
        declaredIn: 'data/images.dvc',
        cache: true,
        md5: 'd75c06275503693d58d6bbc909d277da.dir',
        isDirectory: true,
        size: 274,
        nfiles: 6,
      },
    ]);
    const lock = parseDvcMetadata('dvc.lock', read('dvc.lock'));
    assert.deepEqual(
      lock.outs.map((o) => [o.path, o.stage, o.md5, o.size, o.isDirectory]),
      [
        ['metrics/eval.yaml', 'train', '7bb182789de304d07d01932ca9a1f176', 8, false],
        ['models/out.pkl', 'train', 'fe9428428ba62d55940b33f349ced459', 21, false],
      ],
    );
    const yaml = parseDvcMetadata('dvc.yaml', read('dvc.yaml'));
    assert.deepEqual(yaml.problems, []);
    assert.deepEqual(yaml.outs, [{ path: 'models/out.pkl', declaredIn: 'dvc.yaml', stage: 'train', cache: true }]);
    assert.deepEqual(yaml.metricsAndPlots, ['metrics/eval.yaml', 'plots/curve.csv']);
    assert.deepEqual(
      yaml.artifacts.map((a) => [a.name, a.path, a.type, a.description, a.labels, a.folder]),
      [
        ['classifier', 'models/model.pt', 'model', 'A small classifier', ['tabular', 'demo'], ''],
        ['training-images', 'data/images', 'dataset', 'Labelled images', [], ''],
      ],
    );
  });

  it('joins paths with the folder and wdir, leaves templated stages to dvc.lock, and keeps cache: false', () => {
    const facts = parseDvcMetadata(
      'sub/dvc.yaml',
      [
        'stages:',
        '  prepare:',
        '    wdir: work',
        '    cmd: python prepare.py',
        '    outs:',
        '      - ../data/clean.csv:',
        '          cache: false',
        '      - features/',
        '  train:',
        '    foreach: [a, b]',
        '    do:',
        '      cmd: python train.py ${item}',
        '      outs:',
        "        - 'models/${item}.pkl'",
        'artifacts:',
        '  m: { path: models/a.pkl, type: model }',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      facts.outs.map((o) => [o.path, o.stage, o.cache]),
      [
        ['sub/data/clean.csv', 'prepare', false],
        ['sub/work/features', 'prepare', true],
      ],
    );
    assert.deepEqual(
      facts.artifacts.map((a) => [a.name, a.path, a.folder]),
      [['m', 'sub/models/a.pkl', 'sub']],
    );
  });

  it('turns a syntax error or a wrong shape into a problem with its position, and reads nothing from that file', () => {
    const broken = parseDvcMetadata('dvc.yaml', 'stages:\n  train: [a\n');
    assert.deepEqual(broken.outs, []);
    assert.equal(broken.problems.length, 1);
    assert.match(
      broken.problems[0].message,
      /^dvc\.yaml:3:1: .+ \(DVC entries in this file are skipped until it is fixed\)$/,
    );
    assert.deepEqual([broken.problems[0].line, broken.problems[0].column], [2, 0]);
    const list = parseDvcMetadata('data/x.dvc', '- a\n- b\n');
    assert.match(list.problems[0].message, /^data\/x\.dvc: a \.dvc file must be a mapping/);
    assert.deepEqual(parseDvcMetadata('dvc.lock', '').outs, []);
  });

  it('gives the checks the same answer: outs cached by DVC are DVC-tracked, metrics and cache: false outs are not', async () => {
    const helper = createOfflineGitHelper(project);
    const tracked = (p: string): Promise<boolean> => helper.isDvcTracked(p);
    assert.equal(await tracked('models/out.pkl'), true);
    assert.equal(await tracked('data/raw.csv'), true, 'through data/raw.csv.dvc');
    assert.equal(await tracked('data/images/cat.png'), true, 'inside an out folder');
    assert.equal(await tracked('metrics/eval.yaml'), false, 'a metrics file, cache: false in dvc.yaml');
    assert.equal(await tracked('models/model.pt'), false);
  });
});
