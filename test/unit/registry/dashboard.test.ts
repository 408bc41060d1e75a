// What the Model Dashboard shows, built on a real git repository: the stage board, the versions table with deltas
// judged by goal and what changed, the comparison with the workspace (with CSV row counts), the model card at a
// version's commit, the reproducibility record of a registration, and the panel's message checks.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commit, git, initRepo } from '../git/historyRepos';
import { keyMetrics, orderStages, readModelCard, stageBoard, versionRows } from '../../../src/core/registry/dashboard';
import { versionDetails, type DetailsContext } from '../../../src/core/registry/details';
import { readRegistry } from '../../../src/core/registry/read';
import {
  addRowCounts,
  csvRows,
  diffWithWorkspace,
  gitBlobId,
  WORKSPACE_VERSION,
} from '../../../src/core/registry/workspace';
import {
  parseRecordMessage,
  recordMessage,
  reproducibilityRecord,
  RECORD_MARKER,
} from '../../../src/core/registry/record';
import { versionDiffToMarkdown } from '../../../src/core/registry/diff';
import { parseModelDashboardMessage } from '../../../src/protocol/modelDashboard';
import { MODEL_CARD_FILES } from '../../../src/core/checks/builtin/requiredFiles';

const CONFIG =
  'version: 1\ndatasets:\n  - name: train\n    path: data/train.csv\nmetrics:\n  - key: f1\n    goal: maximize\n  - key: loss\n    goal: minimize\n';

describe('model dashboard data', function () {
  this.timeout(20_000);
  let dir: string;
  let context: DetailsContext;
  const goals = { f1: 'maximize', loss: 'minimize' } as const;

  beforeEach(() => {
    dir = initRepo(fs.mkdtempSync(path.join(os.tmpdir(), 'dashboard-')));
    context = {
      root: dir,
      followed: { metrics: ['metrics.json'], params: [{ path: 'params.yaml' }], plots: [], live: [] },
      datasets: [{ name: 'train', path: 'data/train.csv' }],
    };
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function threeVersions(): string[] {
    const c1 = commit(dir, 'v1', {
      'mlops.yaml': CONFIG,
      'metrics.json': '{"f1": 0.8, "loss": 0.5, "auc": 0.9}',
      'params.yaml': 'lr: 0.1\n',
      'data/train.csv': 'a,b\n1,2\n3,4\n',
      'requirements.txt': 'numpy==1.26.0\n',
      'models/m/model_card.md': '# m\nCard at v1\n',
    });
    const c2 = commit(dir, 'v2', {
      'metrics.json': '{"f1": 0.85, "loss": 0.6, "auc": 0.9}',
      'data/train.csv': 'a,b\n1,2\n3,4\n5,6\n',
    });
    const c3 = commit(dir, 'v3', {
      'metrics.json': '{"f1": 0.82, "loss": 0.4, "auc": 0.91}',
      'requirements.txt': 'numpy==1.26.4\n',
      'models/m/model_card.md': '# m\nCard at v3\n',
    });
    git(dir, ['tag', '-a', '-m', 'r1', 'm@v1.0.0', c1]);
    git(dir, ['tag', '-a', '-m', 'r2', 'm@v1.1.0', c2]);
    git(dir, ['tag', '-a', '-m', 'r3', 'm@v1.2.0', c3]);
    git(dir, ['tag', '-a', '-m', 's', 'm#production#1', c2]);
    git(dir, ['tag', '-a', '-m', 's', 'm#staging#2', c3]);
    git(dir, ['tag', '-a', '-m', 's', 'm#dev#3', c3]);
    git(dir, ['tag', '-a', '-m', 'o', 'old@v0.0.1', c1]);
    git(dir, ['tag', '-a', '-m', 'o', 'old#production#1', c1]);
    git(dir, ['tag', '-a', '-m', 'o', 'old@deprecated', c1]);
    return [c1, c2, c3];
  }

  it('puts stages in release order, one column each, with the version each live model holds', async () => {
    threeVersions();
    const registry = await readRegistry(dir);
    assert.deepEqual(orderStages(['production', 'zeta', 'dev', 'staging']), ['dev', 'staging', 'production', 'zeta']);
    assert.deepEqual(stageBoard(registry), [
      { stage: 'dev', cells: [{ model: 'm', version: 'v1.2.0' }] },
      { stage: 'staging', cells: [{ model: 'm', version: 'v1.2.0' }] },
      // The deprecated model's production version is left off the board.
      { stage: 'production', cells: [{ model: 'm', version: 'v1.1.0' }] },
    ]);
  });

  it('builds the versions table: key metrics by goal, deltas judged by goal, datasets and environment changed', async () => {
    const [c1, , c3] = threeVersions();
    const model = (await readRegistry(dir)).models.find((m) => m.name === 'm')!;
    const details = await Promise.all(model.versions.map((v) => versionDetails(v, context)));
    const keys = keyMetrics(details, goals);
    assert.deepEqual(keys, ['f1', 'loss', 'auc']);
    const rows = versionRows(model.versions, details, goals, keys, dir);
    assert.deepEqual(
      rows.map((r) => r.version),
      ['v1.2.0', 'v1.1.0', 'v1.0.0'],
    );
    const [v3, v2, v1] = rows;
    assert.equal(v3.commit, c3);
    assert.deepEqual(v3.stages.sort(), ['dev', 'staging']);
    const cell = (row: typeof v3, key: string) => row.metrics!.find((c) => c.key === key)!;
    assert.equal(cell(v3, 'f1').value, 0.82);
    assert.ok(Math.abs(cell(v3, 'f1').delta! - -0.03) < 1e-9);
    assert.equal(cell(v3, 'f1').improvement, false);
    assert.ok(Math.abs(cell(v3, 'loss').delta! - -0.2) < 1e-9);
    assert.equal(cell(v3, 'loss').improvement, true, 'a lower loss is better');
    assert.equal(cell(v2, 'f1').improvement, true);
    assert.equal(cell(v2, 'loss').improvement, false);
    assert.deepEqual(v2.datasetsChanged, ['train']);
    assert.deepEqual(v2.environmentChanged, []);
    assert.deepEqual(v3.datasetsChanged, []);
    assert.deepEqual(v3.environmentChanged, ['requirements.txt']);
    // The oldest version has nothing to compare with: values, no deltas, no change lists.
    assert.equal(cell(v1, 'f1').value, 0.8);
    assert.equal(cell(v1, 'f1').delta, undefined);
    assert.equal(v1.datasetsChanged, undefined);
    assert.equal(v1.commit, c1);
  });

  it('compares a version with the workspace, with the CSV rows on each side', async () => {
    threeVersions();
    fs.writeFileSync(path.join(dir, 'metrics.json'), '{"f1": 0.9, "loss": 0.3, "auc": 0.95}');
    fs.writeFileSync(path.join(dir, 'data/train.csv'), 'a,b\n1,2\n3,4\n5,6\n7,8\n9,10');
    const model = (await readRegistry(dir)).models.find((m) => m.name === 'm')!;
    const v2 = model.versions.find((v) => v.version === 'v1.1.0')!;
    const d = await diffWithWorkspace(v2, context, goals);
    assert.equal(d.b.version, WORKSPACE_VERSION);
    const f1 = d.metrics.entries.find((e) => e.key === 'f1')!;
    assert.deepEqual([f1.old, f1.new, f1.improvement], [0.85, 0.9, true]);
    assert.deepEqual(
      d.commits.map((c) => c.subject),
      ['v3'],
    );
    assert.equal(d.datasets.length, 1);
    assert.equal(d.datasets[0].path, 'data/train.csv');
    assert.equal(d.datasets[0].new, gitBlobId(fs.readFileSync(path.join(dir, 'data/train.csv'))));
    await addRowCounts(d, dir);
    assert.deepEqual(d.datasets[0].rows, { old: 3, new: 5 });
    assert.match(versionDiffToMarkdown(d), /\| 3 → 5 \(\+2\) \|/);
    assert.deepEqual(
      d.environment.map((e) => [e.path, e.pinsAdded, e.pinsRemoved]),
      [['requirements.txt', ['numpy==1.26.4'], ['numpy==1.26.0']]],
    );
  });

  it('hashes like git and counts CSV rows', () => {
    const content = Buffer.from('a,b\n1,2\n');
    fs.writeFileSync(path.join(dir, 'x.csv'), content);
    assert.equal(gitBlobId(content), git(dir, ['hash-object', 'x.csv']).trim());
    assert.equal(csvRows(Buffer.from('h\n1\n2\n')), 2);
    assert.equal(csvRows(Buffer.from('h\n1\n2')), 2);
    assert.equal(csvRows(Buffer.from('h')), 0);
    assert.equal(csvRows(Buffer.alloc(0)), 0);
    // Rows are counted by the dataset reader: a quoted newline stays inside its row.
    assert.equal(csvRows(Buffer.from('id,text\n1,"two\nlines"\n2,one\n')), 2);
    assert.equal(csvRows(Buffer.from('a\tb\n1\t"x\ny"\n'), true), 1);
  });

  it('reads the model card at the version’s commit, and in the workspace without one', async () => {
    const [c1, , c3] = threeVersions();
    assert.deepEqual(await readModelCard(dir, 'models/m/model.pkl', c1, MODEL_CARD_FILES), {
      path: 'models/m/model_card.md',
      text: '# m\nCard at v1\n',
    });
    assert.equal((await readModelCard(dir, 'models/m/model.pkl', c3, MODEL_CARD_FILES))?.text, '# m\nCard at v3\n');
    assert.equal(await readModelCard(dir, 'other/model.pkl', c3, MODEL_CARD_FILES), undefined);
    assert.equal(
      (await readModelCard(dir, 'models/m/model.pkl', undefined, MODEL_CARD_FILES))?.text,
      '# m\nCard at v3\n',
    );
  });

  it('writes a reproducibility record that reads back exactly, after GTO’s first line', async () => {
    const [, c2] = threeVersions();
    const model = (await readRegistry(dir)).models.find((m) => m.name === 'm')!;
    const details = await versionDetails(model.versions.find((v) => v.version === 'v1.1.0')!, context);
    const record = reproducibilityRecord(details, c2);
    assert.equal(record.commit, c2);
    assert.deepEqual(record.metrics, { f1: 0.85, loss: 0.6, auc: 0.9 });
    assert.equal(Object.keys(record.params).length, 1);
    assert.match(Object.keys(record.params)[0], /lr$/);
    assert.equal(record.data['data/train.csv'], git(dir, ['rev-parse', `${c2}:data/train.csv`]).trim());
    assert.match(record.environment, /^[0-9a-f]{64}$/);
    assert.deepEqual(record.environmentFiles, ['requirements.txt']);
    const message = recordMessage('Registering artifact m version v1.1.0', record);
    assert.equal(message.split('\n')[0], 'Registering artifact m version v1.1.0');
    assert.equal(message.split('\n')[2], RECORD_MARKER);
    assert.deepEqual(parseRecordMessage(message), record);
    assert.equal(parseRecordMessage('Registering artifact m version v1'), undefined);
    assert.equal(parseRecordMessage(`x\n\n${RECORD_MARKER}\n{not json`), undefined);
    // The same environment files give the same digest.
    const v1 = await versionDetails(model.versions.find((v) => v.version === 'v1.0.0')!, context);
    assert.equal(reproducibilityRecord(v1, 'x').environment, record.environment);
  });

  it('accepts only well-formed panel messages', () => {
    assert.deepEqual(parseModelDashboardMessage({ type: 'selectModel', model: 'm' }), {
      type: 'selectModel',
      model: 'm',
    });
    assert.deepEqual(parseModelDashboardMessage({ type: 'compare', model: 'm', a: 'v1', b: 'workspace' }), {
      type: 'compare',
      model: 'm',
      a: 'v1',
      b: 'workspace',
    });
    assert.equal(parseModelDashboardMessage({ type: 'compare', model: 'm', a: 'v1', b: 'v1' }), undefined);
    assert.equal(parseModelDashboardMessage({ type: 'selectModel', model: 3 }), undefined);
    assert.equal(parseModelDashboardMessage({ type: 'selectModel', model: '' }), undefined);
    assert.equal(parseModelDashboardMessage({ type: 'action', action: 'push', model: 'm' }), undefined);
    assert.deepEqual(parseModelDashboardMessage({ type: 'action', action: 'assign', model: 'm', version: 'v1' }), {
      type: 'action',
      action: 'assign',
      model: 'm',
      version: 'v1',
    });
    assert.deepEqual(
      parseModelDashboardMessage({ type: 'serverAction', action: 'setAlias', model: 'm', version: '3', x: 1 }),
      { type: 'serverAction', action: 'setAlias', model: 'm', version: '3' },
    );
    assert.deepEqual(
      parseModelDashboardMessage({
        type: 'serverAction',
        action: 'transitionStage',
        model: 'm',
        version: '3',
        stage: 'Production',
      }),
      { type: 'serverAction', action: 'transitionStage', model: 'm', version: '3', stage: 'Production' },
    );
    assert.deepEqual(
      parseModelDashboardMessage({
        type: 'serverAction',
        action: 'removeAlias',
        model: 'm',
        version: '3',
        alias: '<b>x</b>',
      }),
      { type: 'serverAction', action: 'removeAlias', model: 'm', version: '3', alias: '<b>x</b>' },
    );
    // Removing needs the alias; the version is required; only the three server actions.
    assert.equal(
      parseModelDashboardMessage({ type: 'serverAction', action: 'removeAlias', model: 'm', version: '3' }),
      undefined,
    );
    assert.equal(parseModelDashboardMessage({ type: 'serverAction', action: 'setAlias', model: 'm' }), undefined);
    assert.equal(
      parseModelDashboardMessage({ type: 'serverAction', action: 'deleteModel', model: 'm', version: '3' }),
      undefined,
    );
    assert.equal(
      parseModelDashboardMessage({ type: 'serverAction', action: 'setAlias', model: 'm', version: '3', alias: 7 }),
      undefined,
    );
    assert.equal(parseModelDashboardMessage({ type: 'openFile', file: 'a\0b' }), undefined);
    assert.equal(parseModelDashboardMessage('ready'), undefined);
    assert.equal(parseModelDashboardMessage({ type: 'evil' }), undefined);
  });
});
