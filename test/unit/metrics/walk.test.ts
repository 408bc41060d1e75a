// The CLI's directory walk skips the one-file-per-key folders of MLflow file-store runs (thousands of files where no
// source's marker can be) and still finds every marker, including TensorBoard logs among a run's artifacts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { walkingFinder } from '../../../src/core/metrics/sources/discover';

describe('metrics sources: the directory walk', () => {
  it('leaves out MLflow runs’ metrics, params and tags folders only', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-walk-'));
    try {
      const files = [
        'mlruns/1/meta.yaml',
        'mlruns/1/abc/meta.yaml',
        'mlruns/1/abc/metrics/val/loss',
        'mlruns/1/abc/params/lr',
        'mlruns/1/abc/tags/mlflow.runName',
        'mlruns/1/abc/artifacts/tb/events.out.tfevents.1.host',
        'metrics/loss.json',
        'logs/params/events.out.tfevents.2.host',
      ];
      for (const f of files) {
        fs.mkdirSync(path.join(root, path.dirname(f)), { recursive: true });
        fs.writeFileSync(path.join(root, f), '');
      }
      const find = walkingFinder(root);
      const rel = (list: string[]) => list.map((f) => path.relative(root, f).split(path.sep).join('/'));
      assert.deepEqual(rel(await find('**/*', 100)), [
        'logs/params/events.out.tfevents.2.host',
        'metrics/loss.json',
        'mlruns/1/abc/artifacts/tb/events.out.tfevents.1.host',
        'mlruns/1/abc/meta.yaml',
        'mlruns/1/meta.yaml',
      ]);
      assert.deepEqual(rel(await find('**/mlruns/*/meta.yaml', 10)), ['mlruns/1/meta.yaml']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
