// The CLI's directory walk skips the one-file-per-key folders of MLflow file-store runs (thousands of files where no
// source's marker can be) and still finds every marker, including TensorBoard logs among a run's artifacts.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listingCache } from '../../../src/core/listingCache';
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

  describe('with a listing cache', () => {
    let root = '';
    let cacheDir = '';
    const rel = (list: string[]) => list.map((f) => path.relative(root, f).split(path.sep).join('/'));
    const past = new Date(Date.now() - 60_000);
    /** Sets folders' modification time a minute back: settled, so the walk keeps their listings. */
    const settle = (...folders: string[]) => {
      for (const folder of folders) fs.utimesSync(path.join(root, folder), past, past);
    };
    beforeEach(() => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-walk-cache-'));
      cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-walk-cache-dir-'));
      for (const f of ['mlruns/1/meta.yaml', 'mlruns/1/abc/meta.yaml', 'logs/a/events.out.tfevents.1.host']) {
        fs.mkdirSync(path.join(root, path.dirname(f)), { recursive: true });
        fs.writeFileSync(path.join(root, f), '');
      }
    });
    afterEach(() => {
      fs.rmSync(root, { recursive: true, force: true });
      fs.rmSync(cacheDir, { recursive: true, force: true });
    });

    it('reuses a folder’s listing while its modification time is unchanged, and lists it again when it changes', async () => {
      settle('.', 'mlruns', 'mlruns/1', 'mlruns/1/abc', 'logs', 'logs/a');
      const cache = listingCache(cacheDir);
      const first = rel(await walkingFinder(root, { cache })('**/*', 100));
      assert.deepEqual(first, rel(await walkingFinder(root)('**/*', 100)));
      assert.deepEqual(first, ['logs/a/events.out.tfevents.1.host', 'mlruns/1/abc/meta.yaml', 'mlruns/1/meta.yaml']);
      // A file added with the folder's time put back: only a walk that reused the kept listing misses it.
      fs.writeFileSync(path.join(root, 'logs/a/events.out.tfevents.2.host'), '');
      settle('logs/a');
      assert.deepEqual(rel(await walkingFinder(root, { cache })('**/*.host', 100)), [
        'logs/a/events.out.tfevents.1.host',
      ]);
      // A folder whose modification time changed (an entry added or removed) is listed again.
      fs.writeFileSync(path.join(root, 'mlruns/1/abc/extra'), '');
      fs.rmSync(path.join(root, 'logs/a/events.out.tfevents.1.host'));
      assert.deepEqual(rel(await walkingFinder(root, { cache })('**/*', 100)), [
        'logs/a/events.out.tfevents.2.host',
        'mlruns/1/abc/extra',
        'mlruns/1/abc/meta.yaml',
        'mlruns/1/meta.yaml',
      ]);
    });

    it('does not keep a folder changed in the last seconds (it may change again within the same clock tick)', async () => {
      settle('.', 'mlruns', 'mlruns/1', 'mlruns/1/abc', 'logs');
      const cache = listingCache(cacheDir);
      const fresh = fs.statSync(path.join(root, 'logs/a')).mtime;
      await walkingFinder(root, { cache })('**/*', 100);
      fs.writeFileSync(path.join(root, 'logs/a/events.out.tfevents.2.host'), '');
      fs.utimesSync(path.join(root, 'logs/a'), fresh, fresh);
      assert.deepEqual(rel(await walkingFinder(root, { cache })('**/*.host', 100)), [
        'logs/a/events.out.tfevents.1.host',
        'logs/a/events.out.tfevents.2.host',
      ]);
    });
  });
});
