import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileExistsError, ReadOnlyFileError, writeFileAtomic } from '../../src/core/atomicWrite';

describe('atomic write', () => {
  let folder: string;
  beforeEach(() => (folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-atomic-')))));
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('replaces a file with a new inode, keeping its exact mode, and leaves no temporary file', async () => {
    const file = path.join(folder, 'a.txt');
    fs.writeFileSync(file, 'old');
    fs.chmodSync(file, 0o664);
    const before = fs.statSync(file).ino;
    await writeFileAtomic(file, 'new');
    assert.equal(fs.readFileSync(file, 'utf8'), 'new');
    assert.equal(fs.statSync(file).mode & 0o777, 0o664, 'mode kept exactly (not narrowed by the umask)');
    assert.notEqual(fs.statSync(file).ino, before, 'replaced by rename, not rewritten in place');
    assert.deepEqual(fs.readdirSync(folder), ['a.txt']);
  });

  it('creates new files with the given mode, and their folders on request', async () => {
    const file = path.join(folder, 'bin', 'tool.js');
    await assert.rejects(writeFileAtomic(file, 'x'), { code: 'ENOENT' });
    await writeFileAtomic(file, Buffer.from('#!/bin/sh\n'), { mode: 0o755, createFolders: true });
    assert.equal(fs.readFileSync(file, 'utf8'), '#!/bin/sh\n');
    assert.equal(fs.statSync(file).mode & 0o777, 0o755);
  });

  it('refuses a read-only target and an existing one when exclusive, leaving it untouched', async () => {
    const file = path.join(folder, 'frozen.txt');
    fs.writeFileSync(file, 'keep');
    fs.chmodSync(file, 0o444);
    await assert.rejects(writeFileAtomic(file, 'no'), ReadOnlyFileError);
    fs.chmodSync(file, 0o644);
    await assert.rejects(writeFileAtomic(file, 'no', { exclusive: true }), FileExistsError);
    assert.equal(fs.readFileSync(file, 'utf8'), 'keep');
    assert.deepEqual(fs.readdirSync(folder), ['frozen.txt'], 'no temporary file left');
    await writeFileAtomic(path.join(folder, 'fresh.txt'), 'made', { exclusive: true });
    assert.equal(fs.readFileSync(path.join(folder, 'fresh.txt'), 'utf8'), 'made');
  });

  it('writes through a chain of symbolic links to the final target; the links stay links', async () => {
    fs.mkdirSync(path.join(folder, 'real'));
    const target = path.join(folder, 'real', 'data.txt');
    fs.writeFileSync(target, 'old');
    fs.symlinkSync(path.join('real', 'data.txt'), path.join(folder, 'first'));
    fs.symlinkSync('first', path.join(folder, 'second'));
    await writeFileAtomic(path.join(folder, 'second'), 'new');
    assert.equal(fs.readFileSync(target, 'utf8'), 'new');
    assert.ok(fs.lstatSync(path.join(folder, 'first')).isSymbolicLink());
    assert.ok(fs.lstatSync(path.join(folder, 'second')).isSymbolicLink());
    assert.deepEqual(fs.readdirSync(path.join(folder, 'real')), ['data.txt']);
    // A dangling link creates its target.
    fs.symlinkSync('missing.txt', path.join(folder, 'dangling'));
    await writeFileAtomic(path.join(folder, 'dangling'), 'made');
    assert.equal(fs.readFileSync(path.join(folder, 'missing.txt'), 'utf8'), 'made');
    assert.ok(fs.lstatSync(path.join(folder, 'dangling')).isSymbolicLink());
  });
});
