// The lineage graph: the DVC pipeline's stages, deps, outs, params and metrics, plus mlops.yaml's model and dataset
// links, laid out left to right without overlaps; a stage dvc.lock does not know, or whose dep changed, needs a rerun.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readLineage } from '../../../src/core/registry/lineage';

const md5 = (text: string) => createHash('md5').update(text).digest('hex');

describe('lineage graph', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lineage-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function write(files: Record<string, string>) {
    for (const [p, c] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      fs.writeFileSync(path.join(dir, p), c);
    }
  }

  it('links stages to their files and models to their datasets, laid out left to right', async () => {
    write({
      'data/raw.csv': 'a\n1\n',
      'train.py': 'print(1)\n',
      'params.yaml': 'lr: 0.1\n',
      'dvc.yaml':
        'stages:\n  prepare:\n    cmd: cp data/raw.csv data/clean.csv\n    deps: [data/raw.csv]\n    outs: [data/clean.csv]\n  train:\n    cmd: python train.py\n    deps: [data/clean.csv, train.py]\n    params: [lr]\n    outs: [model.pkl]\n    metrics: [metrics.json]\n',
      'dvc.lock': `schema: '2.0'\nstages:\n  prepare:\n    cmd: cp data/raw.csv data/clean.csv\n    deps:\n    - path: data/raw.csv\n      md5: ${md5('a\n1\n')}\n    outs:\n    - path: data/clean.csv\n      md5: ${md5('a\n1\n')}\n`,
      'data/clean.csv': 'a\n1\n',
    });
    const graph = await readLineage(dir, {
      datasets: [{ name: 'raw', path: 'data/raw.csv' }],
      models: [{ name: '<img src=x>', path: 'model.pkl', datasets: ['raw'], metrics: ['metrics.json'], tags: [] }],
      metrics: [],
    } as unknown as Parameters<typeof readLineage>[1]);
    const byId = new Map(graph.nodes.map((n) => [n.id, n]));
    assert.deepEqual(graph.nodes.map((n) => [n.id, n.kind]).sort(), [
      ['file:data/clean.csv', 'data'],
      ['file:data/raw.csv', 'data'],
      ['file:metrics.json', 'metrics'],
      ['file:model.pkl', 'model'],
      ['file:params.yaml', 'params'],
      ['file:train.py', 'code'],
      ['stage:prepare', 'stage'],
      ['stage:train', 'stage'],
    ]);
    const edges = graph.edges.map((e) => `${e.from} -> ${e.to}`).sort();
    assert.deepEqual(edges, [
      'file:data/clean.csv -> stage:train',
      'file:data/raw.csv -> file:model.pkl',
      'file:data/raw.csv -> stage:prepare',
      'file:model.pkl -> file:metrics.json',
      'file:params.yaml -> stage:train',
      'file:train.py -> stage:train',
      'stage:prepare -> file:data/clean.csv',
      'stage:train -> file:metrics.json',
      'stage:train -> file:model.pkl',
    ]);
    assert.equal(byId.get('file:model.pkl')!.label, '<img src=x> (model.pkl)');
    assert.deepEqual(byId.get('stage:prepare')!.changes, []);
    assert.deepEqual(byId.get('stage:train')!.changes, ['not in dvc.lock (never run)']);
    assert.equal(byId.get('stage:train')!.file, 'dvc.yaml');
    // Left to right: every edge goes from a node to one further right; no two boxes overlap.
    for (const e of graph.edges) assert.ok(byId.get(e.from)!.x < byId.get(e.to)!.x, `${e.from} left of ${e.to}`);
    for (const a of graph.nodes)
      for (const b of graph.nodes)
        if (a !== b)
          assert.ok(
            a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y,
            `${a.id} and ${b.id} overlap`,
          );
    assert.ok(graph.width > 0 && graph.height > 0);
  });

  it('marks a stage whose recorded dependency hash differs from the workspace', async () => {
    write({
      'data/raw.csv': 'a\n2\n',
      'dvc.yaml':
        'stages:\n  prepare:\n    cmd: cp data/raw.csv out.csv\n    deps: [data/raw.csv]\n    outs: [out.csv]\n',
      'dvc.lock': `schema: '2.0'\nstages:\n  prepare:\n    cmd: cp data/raw.csv out.csv\n    deps:\n    - path: data/raw.csv\n      md5: ${md5('a\n1\n')}\n    outs:\n    - path: out.csv\n      md5: ${md5('a\n1\n')}\n`,
    });
    const stage = (await readLineage(dir)).nodes.find((n) => n.id === 'stage:prepare')!;
    assert.deepEqual(stage.changes, ['modified: data/raw.csv', 'deleted: out.csv']);
  });

  it('is empty without a pipeline or configuration', async () => {
    const graph = await readLineage(dir);
    assert.deepEqual([graph.nodes, graph.edges, graph.problems], [[], [], []]);
  });
});
