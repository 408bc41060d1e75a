import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { defaultCacheDir, listingCache } from '../../src/core/listingCache';

describe('listing cache', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-listing-cache-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('keeps a value by key, NaN and +/-Infinity included, across instances (processes)', () => {
    const value = { runs: [{ id: 'a', points: [NaN, Infinity, -Infinity, 0.5, -0], text: 'NaN' }], n: 3 };
    listingCache(tmp).write('mlflow-file:/x', value);
    const back = listingCache(tmp).read('mlflow-file:/x') as typeof value;
    assert.equal(back.n, 3);
    assert.equal(back.runs[0]?.text, 'NaN', 'a text that reads like a number stays text');
    const points = back.runs[0]?.points ?? [];
    assert.ok(Number.isNaN(points[0]));
    assert.deepEqual(points.slice(1, 4), [Infinity, -Infinity, 0.5]);
    assert.equal(listingCache(tmp).read('mlflow-file:/y'), undefined, 'another key has nothing');
  });

  it('keeps a lone NaN or infinity deep in objects, and finite values as plain JSON', () => {
    const cache = listingCache(tmp);
    for (const deep of [NaN, Infinity, -Infinity]) {
      cache.write('deep', { a: { b: { c: [1, { d: deep }] } }, e: 2 });
      const back = cache.read('deep') as { a: { b: { c: [number, { d: number }] } }; e: number };
      assert.ok(Object.is(back.a.b.c[1].d, deep), String(deep));
      assert.equal(back.e, 2);
    }
    cache.write('finite', { a: [0.5, -0, 1e308], b: { c: 'Infinity' } });
    assert.deepEqual(cache.read('finite'), { a: [0.5, 0, 1e308], b: { c: 'Infinity' } });
  });

  it('reads a corrupt, foreign or older-format file as nothing cached, and overwrites it', () => {
    const cache = listingCache(tmp);
    cache.write('k', { a: 1 });
    const [name] = fs.readdirSync(path.join(tmp, 'listings'));
    const file = path.join(tmp, 'listings', name ?? '');
    for (const text of ['{"format":1,"key":"k","value":', 'null', '[]', '{"format":0,"key":"k","value":{"a":1}}'])
      (fs.writeFileSync(file, text), assert.equal(cache.read('k'), undefined, text));
    fs.writeFileSync(file, JSON.stringify({ format: 1, key: 'other', value: { a: 2 } }));
    assert.equal(cache.read('k'), undefined, 'a file of another key (a hash collision) is not this key');
    cache.write('k', { a: 3 });
    assert.deepEqual(cache.read('k'), { a: 3 });
    assert.deepEqual(
      fs.readdirSync(path.join(tmp, 'listings')).filter((n) => n.endsWith('.tmp')),
      [],
      'no temporary file is left',
    );
  });

  it('never throws when it cannot write, and keeps at most 200 files', () => {
    fs.writeFileSync(path.join(tmp, 'listings'), 'a file where the folder would be');
    const blocked = listingCache(tmp);
    blocked.write('k', { a: 1 });
    assert.equal(blocked.read('k'), undefined);
    fs.rmSync(path.join(tmp, 'listings'));
    const cache = listingCache(tmp);
    for (let i = 0; i < 205; i++) cache.write(`key ${i}`, i);
    assert.equal(fs.readdirSync(path.join(tmp, 'listings')).length, 200);
    assert.equal(cache.read('key 204'), 204, 'the newest stay');
  });

  it("lives in the platform's per-user cache folder, or MLOPS_CACHE_DIR, and MLOPS_CACHE_DIR=off turns it off", () => {
    const home = path.join(tmp, 'home');
    assert.equal(defaultCacheDir({}, 'linux', home), path.join(home, '.cache', 'mlops-workbench'));
    assert.equal(
      defaultCacheDir({ XDG_CACHE_HOME: path.join(tmp, 'xdg') }, 'linux', home),
      path.join(tmp, 'xdg', 'mlops-workbench'),
    );
    assert.equal(
      defaultCacheDir({ XDG_CACHE_HOME: 'relative' }, 'linux', home),
      path.join(home, '.cache', 'mlops-workbench'),
      'a relative XDG_CACHE_HOME is ignored, as the spec says',
    );
    assert.equal(defaultCacheDir({}, 'darwin', home), path.join(home, 'Library', 'Caches', 'mlops-workbench'));
    assert.equal(
      defaultCacheDir({ LOCALAPPDATA: path.join(tmp, 'local') }, 'win32', home),
      path.join(tmp, 'local', 'mlops-workbench', 'Cache'),
    );
    assert.equal(defaultCacheDir({ MLOPS_CACHE_DIR: path.join(tmp, 'own') }, 'linux', home), path.join(tmp, 'own'));
    assert.equal(defaultCacheDir({ MLOPS_CACHE_DIR: 'off' }, 'linux', home), undefined);
  });
});
