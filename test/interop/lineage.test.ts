// The lineage graph's "needs rerun" marks against the real `dvc status` (pinned in the interop environment): after
// `dvc repro` nothing needs a rerun; a changed dependency, a changed param and a changed script each mark exactly the
// stages `dvc status` names.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readLineage } from '../../src/core/registry/lineage';
import { dvcTool, interopPython, runTool } from '../helpers/pythonTools';

const run = runTool;
const dvc = dvcTool;

/** The stages `dvc status` says changed. */
function dvcChanged(dir: string): string[] {
  const status = JSON.parse(dvc(dir, ['status', '--json'])) as Record<string, unknown>;
  return Object.keys(status)
    .map((k) => k.replace(/^dvc\.yaml:/, ''))
    .sort();
}

async function ourChanged(dir: string): Promise<string[]> {
  const graph = await readLineage(dir);
  return graph.nodes
    .filter((n) => n.kind === 'stage' && (n.changes?.length ?? 0) > 0)
    .map((n) => n.label)
    .sort();
}

describe('lineage: needs rerun, as dvc status reports it', function () {
  this.timeout(120_000);
  let dir: string;
  before(function () {
    interopPython();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-interop-lineage-'));
    run(dir, 'git', ['init', '-q', '-b', 'main']);
    dvc(dir, ['init', '-q']);
    const files: Record<string, string> = {
      'data/raw.csv': 'a,b\n1,2\n3,4\n',
      'params.yaml': 'prepare:\n  n: 2\ntrain:\n  lr: 0.1\n',
      'prep.sh': 'cp data/raw.csv data/clean.csv\n',
      'train.sh': 'cat data/clean.csv > model.pkl; echo \'{"f1": 0.8}\' > metrics.json\n',
      'dvc.yaml': [
        'stages:',
        '  prepare:',
        '    cmd: sh prep.sh',
        '    deps: [data/raw.csv, prep.sh]',
        '    params: [prepare.n]',
        '    outs: [data/clean.csv]',
        '  train:',
        '    cmd: sh train.sh',
        '    deps: [data/clean.csv, train.sh]',
        '    params: [train.lr]',
        '    outs: [model.pkl]',
        '    metrics:',
        '      - metrics.json:',
        '          cache: false',
        '',
      ].join('\n'),
    };
    for (const [p, c] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, p)), { recursive: true });
      fs.writeFileSync(path.join(dir, p), c);
    }
    dvc(dir, ['repro', '-q']);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('marks nothing after dvc repro, as dvc status', async () => {
    assert.deepEqual(dvcChanged(dir), []);
    assert.deepEqual(await ourChanged(dir), []);
  });

  it('marks the stage whose dependency changed', async () => {
    fs.writeFileSync(path.join(dir, 'data/raw.csv'), 'a,b\n1,2\n3,4\n5,6\n');
    assert.deepEqual(dvcChanged(dir), ['prepare']);
    assert.deepEqual(await ourChanged(dir), ['prepare']);
    const prepare = (await readLineage(dir)).nodes.find((n) => n.label === 'prepare')!;
    assert.deepEqual(prepare.changes, ['modified: data/raw.csv']);
  });

  it('marks the stages whose param or script changed', async () => {
    fs.writeFileSync(path.join(dir, 'params.yaml'), 'prepare:\n  n: 2\ntrain:\n  lr: 0.2\n');
    fs.appendFileSync(path.join(dir, 'train.sh'), '# tuned\n');
    assert.deepEqual(dvcChanged(dir), ['prepare', 'train']);
    assert.deepEqual(await ourChanged(dir), ['prepare', 'train']);
    const train = (await readLineage(dir)).nodes.find((n) => n.label === 'train')!;
    assert.deepEqual(train.changes, ['modified: train.sh', 'param changed: params.yaml:train.lr']);
  });

  it('marks nothing again after the next dvc repro', async () => {
    dvc(dir, ['repro', '-q']);
    assert.deepEqual(dvcChanged(dir), []);
    assert.deepEqual(await ourChanged(dir), []);
  });
});
