// mlflow.db through the source definition with a listing cache: the whole listing is reused while the database and
// its -wal and -journal files are unchanged, and read again after any of them changes.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { listingCache, type ListingCache } from '../../../src/core/listingCache';
import { mlflowDatabaseSource } from '../../../src/core/metrics/sources/mlflowDatabase';
import type { SourceReadContext, SourceReadResult } from '../../../src/core/metrics/sources/types';

const FIXTURES = path.resolve(__dirname, '../../../../test/fixtures');

describe('mlflow.db source with a listing cache', () => {
  let tmp: string;
  let db: string;
  let cache: ListingCache;
  const context = (withCache: boolean): SourceReadContext => ({
    root: tmp,
    followed: { metrics: [], params: [], plots: [], live: [] },
    ...(withCache ? { cache } : {}),
  });
  const labels = (result: SourceReadResult) => result.runs.map((r) => r.label).sort();

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-db-cache-'));
    db = path.join(tmp, 'mlflow.db');
    fs.writeFileSync(db, zlib.gunzipSync(fs.readFileSync(path.join(FIXTURES, 'mlflow', 'mlflow.db.gz'))));
    const then = new Date(Date.now() - 60_000);
    fs.utimesSync(db, then, then);
    cache = listingCache(path.join(tmp, 'cache'));
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** Marks the cached runs' labels, so a read shows whether it came from the cache. */
  function markCached(): void {
    const key = `mlflow-sqlite:${path.resolve(db)}`;
    const value = cache.read(key) as { result: SourceReadResult };
    assert.ok(value.result.runs.length > 0, 'the first read filled the cache');
    for (const run of value.result.runs) run.label = `cached ${run.label}`;
    cache.write(key, value);
  }

  it('reuses the listing while the database is unchanged, and reads it again after a change', async () => {
    const uncached = await mlflowDatabaseSource.read(db, context(false));
    const first = await mlflowDatabaseSource.read(db, context(true));
    assert.deepEqual(labels(first), labels(uncached));
    assert.equal(JSON.stringify(first.runs), JSON.stringify(uncached.runs));
    markCached();
    const second = await mlflowDatabaseSource.read(db, context(true));
    assert.deepEqual(
      labels(second),
      labels(uncached).map((l) => `cached ${l}`),
    );
    // A -wal file appears (MLflow writing in WAL mode): read again.
    fs.writeFileSync(`${db}-wal`, '');
    assert.deepEqual(labels(await mlflowDatabaseSource.read(db, context(true))), labels(uncached));
    fs.rmSync(`${db}-wal`);
    const then = new Date(Date.now() - 60_000);
    fs.utimesSync(db, then, then);
    await mlflowDatabaseSource.read(db, context(true));
    markCached();
    // The database written (its modification time moves): read again, and not kept while it may still be written.
    fs.utimesSync(db, new Date(), new Date());
    assert.deepEqual(labels(await mlflowDatabaseSource.read(db, context(true))), labels(uncached));
  });

  it('reads as without a cache when the cached listing has the wrong shape', async () => {
    const uncached = await mlflowDatabaseSource.read(db, context(false));
    await mlflowDatabaseSource.read(db, context(true));
    const key = `mlflow-sqlite:${path.resolve(db)}`;
    const value = cache.read(key) as { stamp: number[]; result: unknown };
    cache.write(key, { stamp: value.stamp, result: { runs: 'not a list' } });
    assert.deepEqual(labels(await mlflowDatabaseSource.read(db, context(true))), labels(uncached));
  });
});
