import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import {
  CHUNK_SIZE,
  HASH_CACHE_FILE,
  HashCache,
  HashCancelledError,
  hashFile,
  hashFiles,
  hashTree,
  type HashResult,
} from '../../../src/core/workspace/hash';
import { removeFolder, tempFolder, writeTree } from './tempTree';

const hashOf = (result: HashResult) => (result.status === 'hashed' ? result.hash : `skipped: ${result.reason}`);
const hourAgo = () => new Date(Date.now() - 3_600_000);
/** Sets a file's times an hour back, as for any file not written this very moment. */
const age = (file: string, when = hourAgo()) => fs.utimesSync(file, when, when);

describe('hashFile', () => {
  let folder = '';
  beforeEach(() => {
    folder = tempFolder('mlops-hash-');
  });
  afterEach(() => removeFolder(folder));

  it('computes sha256 (default) and md5 across chunk boundaries, reporting progress up to the size', async () => {
    const content = Buffer.alloc(2 * CHUNK_SIZE + 3);
    for (let i = 0; i < content.length; i += 4093) content[i] = i % 251;
    const file = path.join(folder, 'weights.bin');
    fs.writeFileSync(file, content);
    const progress: [number, number][] = [];
    const sha = await hashFile(file, { onProgress: (done, total) => progress.push([done, total]) });
    assert.equal(hashOf(sha), createHash('sha256').update(content).digest('hex'));
    assert.equal(hashOf(await hashFile(file, { algorithm: 'md5' })), createHash('md5').update(content).digest('hex'));
    assert.deepEqual(progress, [
      [CHUNK_SIZE, content.length],
      [2 * CHUNK_SIZE, content.length],
      [content.length, content.length],
    ]);
    const empty = path.join(folder, 'empty');
    fs.writeFileSync(empty, '');
    assert.equal(hashOf(await hashFile(empty)), createHash('sha256').digest('hex'));
  });

  it('stops with HashCancelledError when its signal is aborted', async () => {
    const file = path.join(folder, 'big.bin');
    fs.writeFileSync(file, Buffer.alloc(3 * CHUNK_SIZE));
    const controller = new AbortController();
    let calls = 0;
    await assert.rejects(
      hashFile(file, {
        signal: controller.signal,
        onProgress: () => {
          calls++;
          controller.abort();
        },
      }),
      HashCancelledError,
    );
    assert.equal(calls, 1);
  });

  it('skips what has no content hash, with a reason: missing files, folders, devices, pipes, link loops', async function () {
    const results = [await hashFile(path.join(folder, 'nope')), await hashFile(folder)];
    assert.deepEqual(
      results.map((r) => (r.status === 'skipped' ? r.code : r.status)),
      ['missing', 'not-a-file'],
    );
    assert.match(results[1].status === 'skipped' ? results[1].reason : '', /is a folder, not a regular file/);
    if (process.platform === 'win32') return;
    const device = await hashFile('/dev/null');
    assert.equal(device.status === 'skipped' && device.code, 'not-a-file');
    assert.match(device.status === 'skipped' ? device.reason : '', /character device/);
    const fifo = path.join(folder, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const pipe = await hashFile(fifo);
    assert.match(pipe.status === 'skipped' ? pipe.reason : '', /named pipe/);
    fs.symlinkSync('loop', path.join(folder, 'loop'));
    const loop = await hashFile(path.join(folder, 'loop'));
    assert.deepEqual(loop.status === 'skipped' && [loop.code, /link loop/.test(loop.reason)], ['unreadable', true]);
  });

  it('refuses a 2 GiB sparse file over maxSize with a clear reason, and hashes it fully without one', async function () {
    this.timeout(120_000);
    const file = path.join(folder, 'sparse.bin');
    const handle = fs.openSync(file, 'w');
    fs.writeSync(handle, Buffer.from('x'), 0, 1, 2 ** 31);
    fs.closeSync(handle);
    assert.equal(fs.statSync(file).size, 2 ** 31 + 1);
    const refused = await hashFile(file, { maxSize: 1024 ** 3 });
    assert.deepEqual(
      refused.status === 'skipped' && [
        refused.code,
        refused.reason.endsWith('is 2.0 GB, over the 1.0 GB limit for hashing.'),
      ],
      ['too-large', true],
    );
    // 2^31 zero bytes then "x" (the value openssl dgst -sha256 prints for the same file).
    const full = await hashFile(file);
    assert.equal(hashOf(full), '4ec7c05249cde176c7277af25f400dc66e87fabf7158179a191562d4338c42d3');
    assert.equal(full.status === 'hashed' && full.size, 2 ** 31 + 1);
  });
});

describe('HashCache', () => {
  let folder = '';
  let file = '';
  beforeEach(() => {
    folder = tempFolder('mlops-hash-cache-');
    file = path.join(folder, 'model.pkl');
    fs.writeFileSync(file, 'version one');
    age(file);
  });
  afterEach(() => removeFolder(folder));

  it('answers an unchanged file from the cache without reading it', async () => {
    const cache = HashCache.inMemory();
    const first = await hashFile(file, { cache });
    assert.equal(first.status === 'hashed' && first.fromCache, false);
    // Same size, same mtime, same inode: the cache cannot tell, and must not read the file (by design).
    const { mtime } = fs.statSync(file);
    fs.writeFileSync(file, 'VERSION ONE');
    age(file, mtime);
    const second = await hashFile(file, { cache });
    assert.deepEqual([second.status === 'hashed' && second.fromCache, hashOf(second)], [true, hashOf(first)]);
  });

  it('re-hashes after a touch, a same-size rewrite, or a replacement by rename (new inode)', async () => {
    const cache = HashCache.inMemory();
    const original = hashOf(await hashFile(file, { cache }));

    age(file, new Date(Date.now() - 1_800_000));
    const touched = await hashFile(file, { cache });
    assert.deepEqual([touched.status === 'hashed' && touched.fromCache, hashOf(touched)], [false, original]);

    fs.writeFileSync(file, 'version two');
    age(file, new Date(Date.now() - 900_000));
    const rewritten = await hashFile(file, { cache });
    assert.deepEqual(
      [rewritten.status === 'hashed' && rewritten.fromCache, hashOf(rewritten)],
      [false, createHash('sha256').update('version two').digest('hex')],
    );

    const { mtime } = fs.statSync(file);
    const replacement = path.join(folder, 'model.pkl.new');
    fs.writeFileSync(replacement, 'version 3!!');
    age(replacement, mtime);
    fs.renameSync(replacement, file);
    const replaced = await hashFile(file, { cache });
    assert.deepEqual(
      [replaced.status === 'hashed' && replaced.fromCache, hashOf(replaced)],
      [false, createHash('sha256').update('version 3!!').digest('hex')],
    );
  });

  it('treats a renamed file as a new path (a miss, by design) and keeps sha256 and md5 side by side', async () => {
    const cache = HashCache.inMemory();
    await hashFile(file, { cache });
    await hashFile(file, { cache, algorithm: 'md5' });
    const moved = path.join(folder, 'renamed.pkl');
    fs.renameSync(file, moved);
    const afterRename = await hashFile(moved, { cache });
    assert.equal(afterRename.status === 'hashed' && afterRename.fromCache, false);
    const md5 = await hashFile(moved, { cache, algorithm: 'md5' });
    const sha = await hashFile(moved, { cache });
    assert.deepEqual(
      [md5.status === 'hashed' && md5.fromCache, sha.status === 'hashed' && sha.fromCache],
      [false, true],
    );
  });

  it('does not trust a hash taken within the racy window of the file mtime', async () => {
    const cache = HashCache.inMemory();
    fs.writeFileSync(file, 'fresh content');
    await hashFile(file, { cache });
    const again = await hashFile(file, { cache });
    assert.equal(again.status === 'hashed' && again.fromCache, false);
  });

  it('persists to the folder it is given, atomically, and survives a corrupt file', async () => {
    const storage = path.join(folder, 'storage');
    const cache = await HashCache.load(storage);
    assert.equal(cache.size, 0);
    await hashFile(file, { cache });
    assert.equal(cache.dirty, true);
    await cache.save();
    assert.deepEqual(fs.readdirSync(storage), [HASH_CACHE_FILE]);
    const reloaded = await HashCache.load(storage);
    const hit = await hashFile(file, { cache: reloaded });
    assert.equal(hit.status === 'hashed' && hit.fromCache, true);
    assert.equal(
      reloaded.prune((p) => p !== file),
      1,
    );

    fs.writeFileSync(path.join(storage, HASH_CACHE_FILE), '{"version": 1, "entries": ');
    const corrupt = await HashCache.load(storage);
    assert.equal(corrupt.size, 0);
    assert.match(corrupt.loadWarning ?? '', /is not a valid hash cache/);
  });

  it('reports a cache folder it cannot write as a HashCacheError naming the file', async () => {
    // A folder below a regular file cannot be created, even by root (permission bits would not stop root).
    const blocker = path.join(folder, 'blocker');
    fs.writeFileSync(blocker, 'not a folder');
    const storage = path.join(blocker, 'storage');
    const cache = await HashCache.load(storage);
    await hashFile(file, { cache });
    await assert.rejects(cache.save(), /Cannot write the hash cache/);
  });
});

describe('hashFiles and hashTree', () => {
  let folder = '';
  beforeEach(() => {
    folder = tempFolder('mlops-hash-many-');
  });
  afterEach(() => removeFolder(folder));

  it('hashes many files in input order with progress over all bytes, skipping what cannot be hashed', async () => {
    writeTree(folder, { 'a.csv': 'aaaa', 'b.csv': 'bb', 'c/d.csv': 'd' });
    const files = ['b.csv', 'missing.csv', 'a.csv', 'c'].map((f) => path.join(folder, f));
    let last: [number, number] = [0, 0];
    const results = await hashFiles(files, { concurrency: 2, onProgress: (done, total) => (last = [done, total]) });
    assert.deepEqual(
      results.map((r) => (r.status === 'hashed' ? r.size : r.code)),
      [2, 'missing', 4, 'not-a-file'],
    );
    assert.deepEqual(last, [6, 6]);
  });

  it('walks a folder (not .git, not folder links) and warms the cache for the next walk', async () => {
    writeTree(folder, { 'x/1.bin': '1', 'x/2/3.bin': '3', '.git/HEAD': 'ref', 'top.bin': 't' });
    if (process.platform !== 'win32') fs.symlinkSync(folder, path.join(folder, 'x', 'loop'));
    for (const f of ['x/1.bin', 'x/2/3.bin', 'top.bin']) age(path.join(folder, f));
    const cache = HashCache.inMemory();
    const first = await hashTree(folder, { cache });
    assert.deepEqual(
      first.relativePaths.map((p, i) => [p, first.results[i].status]),
      [
        ['top.bin', 'hashed'],
        ['x/1.bin', 'hashed'],
        ['x/2/3.bin', 'hashed'],
        ...(process.platform === 'win32' ? [] : [['x/loop', 'skipped']]),
      ],
    );
    const second = await hashTree(folder, { cache });
    assert.deepEqual(
      second.results.filter((r) => r.status === 'hashed').map((r) => r.status === 'hashed' && r.fromCache),
      [true, true, true],
    );
  });
});
