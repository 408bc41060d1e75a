// V8's code cache for the CLI (src/cli/codeCache.ts), in real Node processes: a first run saves the code it compiled,
// the next takes it; a damaged file, another bundle or other V8 flags are not used and are written again; without a
// cache folder nothing is written; a folder that cannot be written costs nothing but the cache. Then the built
// dist/cli.js: the same output with the cache off, on its first run and on its second.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checksum, codeCacheFile } from '../../../src/cli/codeCache';

const CODE_CACHE = path.resolve(__dirname, '..', '..', '..', 'src', 'cli', 'codeCache.js');
const REPO = path.resolve(__dirname, '..', '..', '..', '..');
const FIXTURES = path.join(REPO, 'test', 'fixtures');

/** A CommonJS file with a `#!` line, functions compiled only when called, and the module variables it is given. */
const MODULE = `#!/usr/bin/env node
'use strict';
const path = require('node:path');
function fib(n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
module.exports = {
  run: () => ({ fib: fib(15), file: path.basename(__filename), dir: path.basename(__dirname), self: this === exports }),
};
`;

describe('CLI code cache', () => {
  let tmp: string;
  let bundle: string;
  let cacheDir: string;
  let runner: string;

  beforeEach(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-code-cache-'));
    fs.mkdirSync(path.join(tmp, 'dist'));
    bundle = path.join(tmp, 'dist', 'bundle.js');
    fs.writeFileSync(bundle, MODULE);
    cacheDir = path.join(tmp, 'cache');
    runner = path.join(tmp, 'runner.js');
    fs.writeFileSync(
      runner,
      [
        `const { loadWithCodeCache } = require(${JSON.stringify(CODE_CACHE)});`,
        `const cacheDir = process.env.CACHE_DIR || undefined;`,
        `const { exports: m, cache } = loadWithCodeCache(${JSON.stringify(bundle)}, 'runs', cacheDir);`,
        `process.stdout.write(JSON.stringify({ cache, ...m.run() }));`,
      ].join('\n'),
    );
  });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  // dir '': no cache folder.
  const load = (flags: string[] = [], dir: string = cacheDir) => {
    const r = spawnSync(process.execPath, [...flags, runner], {
      encoding: 'utf8',
      env: { ...process.env, CACHE_DIR: dir },
    });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout) as { cache: string; fib: number; file: string; dir: string; self: boolean };
  };
  const files = () => {
    const folder = path.join(cacheDir, 'code');
    return fs.existsSync(folder) ? fs.readdirSync(folder).sort() : [];
  };

  it('saves the code a first run compiled and the next run takes it', () => {
    const first = load();
    assert.deepEqual(first, { cache: 'missing', fib: 610, file: 'bundle.js', dir: 'dist', self: true });
    const [written] = files();
    assert.ok(written, 'a cache file is written as the process exits');
    assert.equal(path.join(cacheDir, 'code', written), codeCacheFile(fs.statSync(bundle), 'runs', cacheDir));
    assert.match(written, /^cli-runs-v\d+\.\d+\.\d+-[\w.-]+-\w+-\d+-\d+\.bin$/);
    const bytes = fs.readFileSync(path.join(cacheDir, 'code', written));
    assert.ok(bytes.length > 100);
    const stamp = fs.statSync(path.join(cacheDir, 'code', written)).mtimeMs;
    assert.deepEqual(load(), { ...first, cache: 'used' });
    assert.deepEqual(files(), [written]);
    assert.equal(fs.statSync(path.join(cacheDir, 'code', written)).mtimeMs, stamp, 'a cache in use is not rewritten');
  });

  it('does not use a damaged file, and writes it again', () => {
    load();
    const [written] = files();
    const file = path.join(cacheDir, 'code', written);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 10] = bytes[bytes.length - 10] ^ 0xff;
    fs.writeFileSync(file, bytes);
    assert.equal(load().cache, 'missing', 'the checksum fails');
    assert.equal(load().cache, 'used', 'the file was written again');
    fs.writeFileSync(file, bytes.subarray(0, 30));
    assert.equal(load().cache, 'missing', 'a truncated file');
    fs.writeFileSync(file, 'not a cache');
    assert.equal(load().cache, 'missing', 'another file');
    assert.equal(load().cache, 'used');
  });

  it('keeps one file per command and runtime: another bundle replaces the old one', () => {
    load();
    const [before] = files();
    fs.appendFileSync(bundle, '// changed\n');
    const changed = load();
    assert.equal(changed.cache, 'missing');
    assert.equal(changed.fib, 610);
    const after = files();
    assert.equal(after.length, 1, `one file left: ${after.join(', ')}`);
    assert.notEqual(after[0], before);
    assert.equal(load().cache, 'used');
  });

  it('is refused by V8 under other flags, and written again for them', () => {
    load();
    const other = load(['--no-opt']);
    assert.equal(other.cache, 'rejected');
    assert.equal(other.fib, 610);
    assert.equal(load(['--no-opt']).cache, 'used');
  });

  it('writes nothing without a cache folder, and runs the same when the folder cannot be written', () => {
    assert.deepEqual(load([], ''), { cache: 'off', fib: 610, file: 'bundle.js', dir: 'dist', self: true });
    assert.equal(fs.existsSync(cacheDir), false);
    fs.writeFileSync(cacheDir, 'a file where the folder would be');
    assert.equal(load().cache, 'missing');
    assert.equal(load().cache, 'missing');
    assert.equal(fs.readFileSync(cacheDir, 'utf8'), 'a file where the folder would be');
  });

  it('checksums every byte', () => {
    const data = Buffer.from('0123456789abcdefg');
    const sums = new Set([checksum(data)]);
    for (let i = 0; i < data.length; i++) {
      const copy = Buffer.from(data);
      copy[i] = copy[i] ^ 1;
      sums.add(checksum(copy));
    }
    assert.equal(sums.size, data.length + 1);
    assert.equal(checksum(data.subarray(3)), checksum(Buffer.from(data.subarray(3))), 'any byte offset');
  });

  it('gives dist/cli.js the same output with the cache off, on its first run and on its second', () => {
    const cli = path.join(REPO, 'dist', 'cli.js');
    assert.ok(fs.existsSync(path.join(REPO, 'dist', 'cli-main.js')), 'the CLI bundle is beside its entry');
    // A copy of a file store the mlflow client wrote.
    const cwd = path.join(tmp, 'work');
    fs.cpSync(path.join(FIXTURES, 'mlflow', 'mlruns'), path.join(cwd, 'mlruns'), { recursive: true });
    const run = (dir: string) => {
      const r = spawnSync(process.execPath, [cli, 'runs', 'list', '--format', 'json'], {
        cwd,
        encoding: 'utf8',
        env: { ...process.env, MLOPS_CACHE_DIR: dir, MLFLOW_TRACKING_URI: '', MLFLOW_TRACKING_TOKEN: '' },
      });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout;
    };
    const off = run('off');
    assert.ok((JSON.parse(off) as unknown[]).length > 0, 'runs are listed');
    assert.equal(run(cacheDir), off);
    const written = files();
    assert.equal(written.length, 1);
    assert.match(written[0], /^cli-runs-/);
    assert.equal(run(cacheDir), off);
    assert.deepEqual(files(), written);
  });
});
