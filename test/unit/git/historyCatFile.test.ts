import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CatFileBatch, listTreeBlobs, parseCommit, parseTree } from '../../../src/core/git/catFile';
import { NotARepositoryError, runGit } from '../../../src/core/git/run';
import { commit, git, initRepo } from './historyRepos';

describe('git cat-file --batch reader (used by history)', function () {
  this.timeout(30_000);
  let tmp: string;
  let repo: string;
  const big = Buffer.alloc(3 * 1024 * 1024 + 17);
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-catfile-'));
    repo = initRepo(path.join(tmp, 'r'));
    for (let i = 0; i < big.length; i++) big[i] = (i * 31 + 7) & 0xff;
    const files: Record<string, string | Buffer> = {
      'big.bin': big,
      'dir with space/a b.json': '{"x": 1}',
      'empty.txt': '',
      'sub/deeper/c.tsv': 'step\tv\n0\t1\n',
    };
    for (let i = 0; i < 300; i++) files[`many/${String(i).padStart(3, '0')}.json`] = `{"i": ${i}}`;
    commit(repo, 'first line of the subject\nsecond line\n\nbody', files);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('reads many objects in order, big and small, split across pipe chunks', async () => {
    const cat = new CatFileBatch(repo);
    try {
      const names = [
        'HEAD:big.bin',
        ...Array.from({ length: 300 }, (_, i) => `HEAD:many/${String(i).padStart(3, '0')}.json`),
        'HEAD:big.bin',
        'HEAD:empty.txt',
      ];
      const objects = await cat.readMany(names);
      assert.equal(objects.length, names.length);
      assert.ok(objects[0]!.content.equals(big));
      for (let i = 0; i < 300; i++) assert.equal(objects[i + 1]!.content.toString(), `{"i": ${i}}`);
      assert.ok(objects[301]!.content.equals(big));
      assert.equal(objects[302]!.type, 'blob');
      assert.equal(objects[302]!.content.length, 0);
      assert.equal(objects[0]!.oid, git(repo, ['rev-parse', 'HEAD:big.bin']).trim());
    } finally {
      await cat.close();
    }
  });

  it('answers undefined for missing objects and reads paths with spaces', async () => {
    const cat = new CatFileBatch(repo);
    try {
      const [missing, spaced, sha] = await cat.readMany([
        'HEAD:nope.json',
        'HEAD:dir with space/a b.json',
        '0'.repeat(40),
      ]);
      assert.equal(missing, undefined);
      assert.equal(spaced!.content.toString(), '{"x": 1}');
      assert.equal(sha, undefined);
      // Interleaved single reads keep their order too.
      const results = await Promise.all([cat.read('HEAD:empty.txt'), cat.read('HEAD:nope'), cat.read('HEAD^{commit}')]);
      assert.deepEqual(
        results.map((o) => o?.type),
        ['blob', undefined, 'commit'],
      );
    } finally {
      await cat.close();
    }
  });

  it('refuses names with line breaks and reads after close', async () => {
    const cat = new CatFileBatch(repo);
    await assert.rejects(cat.read('HEAD\nHEAD'), /Not a valid object name/);
    await cat.close();
    await assert.rejects(cat.read('HEAD'), /closed/);
  });

  it('lists the blobs under a tree, recursively and sorted', async () => {
    const cat = new CatFileBatch(repo);
    try {
      const tree = await cat.read('HEAD:sub');
      assert.equal(tree!.type, 'tree');
      assert.deepEqual(await listTreeBlobs(cat, tree!.oid), [
        { path: 'deeper/c.tsv', oid: git(repo, ['rev-parse', 'HEAD:sub/deeper/c.tsv']).trim() },
      ]);
      const root = await cat.read('HEAD^{tree}');
      const entries = parseTree(root!.content, 20);
      assert.deepEqual(
        entries.map((e) => [e.mode, e.name]),
        [
          ['100644', 'big.bin'],
          ['40000', 'dir with space'],
          ['100644', 'empty.txt'],
          ['40000', 'many'],
          ['40000', 'sub'],
        ],
      );
    } finally {
      await cat.close();
    }
  });

  it('parses commit objects like git log does (subject is the first paragraph on one line)', async () => {
    const cat = new CatFileBatch(repo);
    try {
      const info = parseCommit((await cat.read('HEAD'))!.content);
      assert.equal(info.subject, 'first line of the subject second line');
      assert.equal(info.author, 'Test Author');
      assert.equal(info.authorEmail, 'author@example.com');
      assert.equal(info.date, Number(git(repo, ['log', '-1', '--format=%at']).trim()) * 1000);
      assert.deepEqual(info.parents, []);
    } finally {
      await cat.close();
    }
    const signed = Buffer.from(
      'tree abc\nparent p1\nparent p2\nauthor A B <a@b> 1700000000 +0200\ncommitter A B <a@b> 1700000000 +0200\ngpgsig -----BEGIN-----\n line\n -----END-----\n\nSubject\n',
    );
    assert.deepEqual(parseCommit(signed), {
      tree: 'abc',
      parents: ['p1', 'p2'],
      author: 'A B',
      authorEmail: 'a@b',
      date: 1_700_000_000_000,
      subject: 'Subject',
    });
  });

  it('fails every pending read with NotARepositoryError outside a repository', async () => {
    const plain = path.join(tmp, 'plain');
    fs.mkdirSync(plain, { recursive: true });
    const cat = new CatFileBatch(plain);
    await assert.rejects(cat.read('HEAD'), NotARepositoryError);
    await cat.close();
    await assert.rejects(runGit(plain, ['log']), NotARepositoryError);
    assert.throws(() => new CatFileBatch(path.join(tmp, 'nowhere')), NotARepositoryError);
  });
});
