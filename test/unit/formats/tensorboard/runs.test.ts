import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { root } from '../../../harness/paths';
import { MetricsError } from '../../../../src/core/metrics/model';
import {
  compareRunIds,
  findEventRuns,
  readEventRun,
  runFromEvents,
} from '../../../../src/core/formats/tensorboard/runs';
import { EventFileReader } from '../../../../src/core/formats/tensorboard/events';
import { compareWithTensorBoard, type ExpectedLogs } from './oracle';
import { event, eventFile } from './write';
import { tensorboardSource } from '../../../../src/core/metrics/sources/tensorboard';

const fixture = path.join(root, 'test', 'fixtures', 'tensorboard');
const logs = path.join(fixture, 'logs');
const expected = JSON.parse(fs.readFileSync(path.join(fixture, 'expected.json'), 'utf8')) as ExpectedLogs;

describe('TensorBoard runs', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tbruns-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('finds one run per folder with event files, files in name order', async () => {
    const runs = await findEventRuns(logs);
    assert.deepEqual(
      runs.map((r) => r.id),
      ['tbx', 'tbx/compare/a', 'tbx/compare/b', 'tf2'],
    );
    const tf2 = runs.find((r) => r.id === 'tf2')!;
    assert.equal(tf2.directory, path.join(logs, 'tf2'));
    assert.equal(tf2.files.length, 2);
    assert.deepEqual(tf2.files, [...tf2.files].sort());
    assert.ok(tf2.files[1].endsWith('.resumed'));
    assert.deepEqual(
      (await findEventRuns(logs, { maxDepth: 1 })).map((r) => r.id),
      ['tbx', 'tf2'],
    );
    assert.deepEqual(
      (await findEventRuns(path.join(logs, 'tf2'))).map((r) => r.id),
      ['.'],
    );
  });

  it('lists run folders in natural order, as TensorBoard does (version_2 before version_10)', async () => {
    const names = ['version_10', 'version_2', 'version_1', 'Version_3', 'run-b', 'run-a9', 'run-a10', 'v1.10', 'v1.9'];
    for (const name of names) {
      fs.mkdirSync(path.join(tmp, name));
      fs.writeFileSync(path.join(tmp, name, 'events.out.tfevents.1.host'), '');
    }
    assert.deepEqual(
      (await findEventRuns(tmp)).map((r) => r.id),
      ['run-a9', 'run-a10', 'run-b', 'v1.9', 'v1.10', 'version_1', 'version_2', 'Version_3', 'version_10'],
    );
    assert.equal(compareRunIds('a', 'A') !== 0, true, 'distinct names never compare equal');
    assert.equal(Math.sign(compareRunIds('a', 'A')), -Math.sign(compareRunIds('A', 'a')));
  });

  it('reads HParams sessions as params and leaves out a folder holding only the experiment definition', async () => {
    const hparamsLogs = path.join(fixture, 'hparams');
    // Every folder as TensorBoard's HParams plugin and EventAccumulator read it.
    assert.ok((await compareWithTensorBoard(hparamsLogs, expected.hparamsLogs!)) > 0);
    const folders = await findEventRuns(hparamsLogs);
    const read = async (id: string) => readEventRun(folders.find((r) => r.id === id)!);
    const keras = await read('hparam_tuning/run-2');
    assert.deepEqual(keras.run.params, {
      optimizer: 'adam <b>&amp;',
      num_units: '16',
      dropout: '0.00001',
      batch_norm: 'true',
    });
    assert.deepEqual(
      keras.run.metrics.map((m) => [m.key, m.points.length]),
      [['accuracy', 1]],
    );
    assert.equal(keras.definitionOnly, false);
    assert.equal((await read('hparam_tuning')).definitionOnly, true);
    const torch = await read('tbx-hparams/trial');
    assert.deepEqual(torch.run.params, { lr: '0.01', batch_size: '64', optimizer: 'adamw', amsgrad: 'false' });
    assert.equal(torch.definitionOnly, false);
    // Through the metrics source (what the Runs table, the CLI and the Experiments view list): no definition run.
    const listed = await tensorboardSource.read(hparamsLogs, {
      root: hparamsLogs,
      followed: { metrics: [], params: [], plots: [], live: [] },
    });
    const ids = listed.runs.map((r) => r.id);
    assert.ok(!ids.includes('hparam_tuning') && ids.includes('hparam_tuning/run-0'), ids.join());
    assert.equal(listed.runs.find((r) => r.id === 'hparam_tuning/run-1')?.params.optimizer, 'sgd');
  });

  it('merges the files of a run per tag, with splits recognised from tags', async () => {
    const tf2 = (await findEventRuns(logs)).find((r) => r.id === 'tf2')!;
    const { run, truncated, offsets } = await readEventRun(tf2);
    assert.deepEqual(truncated, []);
    assert.deepEqual(
      Object.values(offsets),
      tf2.files.map((f) => fs.statSync(f).size),
    );
    const loss = run.metrics.find((m) => m.key === 'loss')!;
    assert.equal(loss.points.length, expected.runs.tf2.loss.length);
    assert.deepEqual(loss.points.slice(-1)[0], { step: 1002, value: -Infinity, timestamp: 1700000502000 });
    assert.equal(run.label, 'tf2');
    assert.equal(run.status, 'unknown');
    assert.equal(run.time, 1700000000000);
    const tbx = (await readEventRun((await findEventRuns(logs)).find((r) => r.id === 'tbx')!)).run;
    const train = tbx.metrics.find((m) => m.key === 'train/loss')!;
    assert.deepEqual([train.split, train.baseKey], ['train', 'loss']);
    const val = tbx.metrics.find((m) => m.key === 'val/acc')!;
    assert.deepEqual([val.split, val.baseKey], ['validation', 'acc']);
  });

  it('reports a run file still being written and builds the run from what was read', async () => {
    const dir = path.join(tmp, 'live');
    fs.mkdirSync(dir);
    const bytes = eventFile([
      event({ wallTime: 2, step: 1, values: [{ tag: 'loss', simple: 0.5 }] }),
      event({ wallTime: 3, step: 2, values: [{ tag: 'loss', simple: 0.25 }] }),
    ]);
    fs.writeFileSync(path.join(dir, 'events.out.tfevents.1.host'), bytes.subarray(0, bytes.length - 3));
    const [folder] = await findEventRuns(tmp);
    const { run, truncated } = await readEventRun(folder);
    assert.equal(truncated.length, 1);
    assert.deepEqual(run.metrics[0].points, [{ step: 1, value: 0.5, timestamp: 2000 }]);
    // The adapter tails with one reader per file and rebuilds the run from every read so far.
    const reader = new EventFileReader(folder.files[0]);
    const first = await reader.readFrom();
    fs.writeFileSync(folder.files[0], bytes);
    const second = await reader.readFrom();
    assert.deepEqual(
      runFromEvents(folder, [first, second]).metrics[0].points.map((p) => p.value),
      [0.5, 0.25],
    );
  });

  it('skips dependency and VCS folders and does not follow symbolic links', async () => {
    for (const name of ['node_modules/pkg', '.git/x', 'run1', 'deep/a/b']) {
      fs.mkdirSync(path.join(tmp, name), { recursive: true });
      fs.writeFileSync(path.join(tmp, name, 'events.out.tfevents.1.h'), eventFile([]));
    }
    fs.symlinkSync(tmp, path.join(tmp, 'run1', 'loop'));
    fs.writeFileSync(path.join(tmp, 'run1', 'not.an.event.file'), 'x');
    assert.deepEqual(
      (await findEventRuns(tmp)).map((r) => r.id),
      ['deep/a/b', 'run1'],
    );
  });

  it('gives a clear error for a missing log folder or a file', async () => {
    await assert.rejects(
      findEventRuns(path.join(tmp, 'missing')),
      (err: unknown) => err instanceof MetricsError && /does not exist or cannot be read \(ENOENT\)/.test(err.message),
    );
    fs.writeFileSync(path.join(tmp, 'file'), 'x');
    await assert.rejects(findEventRuns(path.join(tmp, 'file')), /not a folder/);
    assert.deepEqual(await findEventRuns(tmp), []);
  });
});
