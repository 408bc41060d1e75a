// Interop with the real TensorBoard writers and reader: event files written by tensorboardX (simple_value) and by
// TensorBoard's EventFileWriter with TF2-style scalar tensors, read back by TensorBoard's EventAccumulator; our
// reader must read exactly the same scalars, and the hyperparameters TensorBoard's HParams plugin reads.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { root } from '../harness/paths';
import { compareWithTensorBoard, type ExpectedLogs } from '../unit/formats/tensorboard/oracle';

const run = promisify(execFile);

describe('TensorBoard interop (real tensorboard 2.21, tensorboardX 2.6)', function () {
  this.timeout(120_000);
  let tmp: string;

  before(async () => {
    const python = process.env.MLOPS_PYTHON;
    if (!python)
      throw new Error(
        'MLOPS_PYTHON is not set: run `npm run test:interop`, or set it to the interop virtual environment (.cache/venv/bin/python).',
      );
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tensorboard-interop-'));
    await run(python, [path.join(root, 'test', 'interop', 'tensorboard', 'generate.py'), tmp], {
      env: { ...process.env, PYTHONWARNINGS: 'ignore' },
    });
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads the same scalars as EventAccumulator, run by run and tag by tag', async () => {
    const expected = JSON.parse(fs.readFileSync(path.join(tmp, 'expected.json'), 'utf8')) as ExpectedLogs;
    assert.deepEqual(Object.keys(expected.runs).sort(), ['tbx', 'tbx/compare/a', 'tbx/compare/b', 'tf2']);
    const hparams = expected.hparamsLogs!;
    assert.deepEqual(Object.keys(hparams.runs).sort(), [
      'hparam_tuning',
      'hparam_tuning/run-0',
      'hparam_tuning/run-1',
      'hparam_tuning/run-2',
      'tbx-hparams',
      'tbx-hparams/trial',
    ]);
    // HParams as TensorBoard's plugin reads them: Keras-style trials and tensorboardX's add_hparams.
    assert.deepEqual(Object.keys(hparams.hparams).sort(), [
      'hparam_tuning/run-0',
      'hparam_tuning/run-1',
      'hparam_tuning/run-2',
      'tbx-hparams/trial',
    ]);
    assert.deepEqual(hparams.definitionOnly, ['hparam_tuning']);
    assert.ok((await compareWithTensorBoard(path.join(tmp, 'hparams'), hparams)) > 0);
    const points = await compareWithTensorBoard(path.join(tmp, 'logs'), expected);
    assert.ok(points > 1000, `compared ${points} points`);
  });
});
