import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  fileHistory,
  fileStates,
  GitError,
  isLfsPointer,
  lastCommit,
  lastCommits,
  openRepository,
  showFileAtRevision,
  type GitRepository,
} from '../../../src/core/git/state';
import { removeFolder, tempFolder, writeTree } from '../workspace/tempTree';

const env = {
  ...process.env,
  GIT_CONFIG_GLOBAL: path.join(__dirname, 'no-such-gitconfig'),
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Ana Ruiz',
  GIT_AUTHOR_EMAIL: 'ana@example.com',
  GIT_COMMITTER_NAME: 'Ana Ruiz',
  GIT_COMMITTER_EMAIL: 'ana@example.com',
};

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], {
    cwd,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString('utf8');
}

function commit(cwd: string, message: string, date: string): string {
  execFileSync('git', ['commit', '-q', '-m', message], {
    cwd,
    env: { ...env, GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date },
  });
  return git(cwd, 'rev-parse', 'HEAD').trim();
}

const LFS_POINTER =
  'version https://git-lfs.github.com/spec/v1\noid sha256:4d7a214614ab2935c943f9e0ff69d22eadbb8f32b1258daaa5e2ca24d17e2393\nsize 12345\n';

describe('git state', () => {
  let root = '';
  let repo: GitRepository;
  const shas: string[] = [];

  before(async () => {
    root = tempFolder('mlops-git-');
    git(root, 'init', '-q');
    writeTree(root, {
      '.gitignore': 'logs/\n*.tmp\n',
      '.gitattributes': '*.onnx filter=lfs diff=lfs merge=lfs -text\n',
      'models/model.onnx': LFS_POINTER,
      'models/model.pkl': Buffer.from([0x80, 0x04, 0x95, 0, 1, 2, 3]),
      'train.py': 'print(1)\n',
      'old name.csv': 'a,b\n1,2\n',
      'data/.gitignore': '/raw.csv\n',
      'data/raw.csv.dvc': 'outs:\n- md5: 0123456789abcdef0123456789abcdef\n  size: 4\n  hash: md5\n  path: raw.csv\n',
      'dvc.yaml': 'stages:\n  prepare:\n    cmd: python prepare.py\n    outs:\n      - data/prepared\n',
      'notes/ümlaut file.md': 'hi\n',
    });
    git(root, 'add', '-A');
    shas.push(commit(root, 'Initial commit', '2026-01-05T09:30:00Z'));
    git(root, 'mv', 'old name.csv', 'data/new name.csv');
    shas.push(commit(root, 'Move the data', '2026-01-12T09:30:00Z'));
    fs.appendFileSync(path.join(root, 'data', 'new name.csv'), '3,4\n');
    git(root, 'add', '-A');
    shas.push(commit(root, 'More rows', '2026-01-19T09:30:00Z'));
    // Working-tree changes on top.
    writeTree(root, {
      'train.py': 'print(2)\n',
      'staged.py': 'x = 1\n',
      'new/untracked.csv': 'x\n',
      'scratch.tmp': 'x',
      'logs/run.log': 'x',
      'data/raw.csv': 'a,b\n',
      'data/prepared/train.csv': 'a\n',
    });
    git(root, 'add', 'staged.py');
    fs.rmSync(path.join(root, 'models', 'model.pkl'));
    repo = await openRepository(path.join(root, 'data'));
  });

  after(() => removeFolder(root));

  it('opens the repository from a subfolder', () => {
    assert.equal(repo.root, root);
    assert.equal(repo.head, shas[2]);
    assert.equal(repo.shallow, false);
    assert.equal(repo.gitDir, path.join(root, '.git'));
  });

  it('classifies many files with two git processes: tracked, modified, staged, deleted, untracked, ignored, missing', async () => {
    const wanted = [
      'train.py',
      'staged.py',
      'models/model.pkl',
      'new/untracked.csv',
      'scratch.tmp',
      'logs/run.log',
      'data/new name.csv',
      'notes/ümlaut file.md',
      'nothing-here.csv',
      path.join(root, 'models', 'model.onnx'),
    ];
    const states = await fileStates(repo, wanted);
    const stateOf = (p: string) => {
      const s = states.get(p)!;
      return [s.status, s.tracked, s.staged, s.modified];
    };
    assert.deepEqual(stateOf('train.py'), ['modified', true, false, true]);
    assert.deepEqual(stateOf('staged.py'), ['added', true, true, false]);
    assert.deepEqual(stateOf('models/model.pkl'), ['deleted', true, false, true]);
    assert.deepEqual(stateOf('new/untracked.csv'), ['untracked', false, false, false]);
    assert.deepEqual(stateOf('scratch.tmp'), ['ignored', false, false, false]);
    assert.deepEqual(stateOf('logs/run.log'), ['ignored', false, false, false]);
    assert.deepEqual(stateOf('data/new name.csv'), ['unmodified', true, false, false]);
    assert.deepEqual(stateOf('notes/ümlaut file.md'), ['unmodified', true, false, false]);
    assert.deepEqual(stateOf('nothing-here.csv'), ['missing', false, false, false]);
    assert.equal(states.get('models/model.onnx')?.absolutePath, path.join(root, 'models', 'model.onnx'));
  });

  it('runs exactly two git processes for any number of files', async function () {
    if (process.platform === 'win32') this.skip();
    const log = path.join(root, '..', `${path.basename(root)}-git-calls.log`);
    const wrapper = path.join(root, '..', `${path.basename(root)}-git.sh`);
    fs.writeFileSync(wrapper, `#!/bin/sh\necho "$@" >> '${log}'\nexec git "$@"\n`, { mode: 0o755 });
    try {
      const many = Array.from({ length: 500 }, (_, i) => `generated/file-${i}.csv`);
      const states = await fileStates({ ...repo, gitPath: wrapper }, ['train.py', ...many]);
      assert.equal(states.size, 501);
      assert.equal(fs.readFileSync(log, 'utf8').trim().split('\n').length, 2);
    } finally {
      fs.rmSync(log, { force: true });
      fs.rmSync(wrapper, { force: true });
    }
  });

  it('recognises an LFS pointer by its first line', async () => {
    const states = await fileStates(repo, ['models/model.onnx', 'train.py']);
    assert.equal(states.get('models/model.onnx')?.lfsPointer, true);
    assert.equal(states.get('train.py')?.lfsPointer, false);
    assert.equal(await isLfsPointer(path.join(root, 'models', 'model.onnx')), true);
  });

  it('marks files DVC tracks (a .dvc file, a dvc.yaml out) even though git ignores them', async () => {
    const states = await fileStates(repo, ['data/raw.csv', 'data/prepared/train.csv', 'data/raw.csv.dvc']);
    assert.deepEqual(
      [states.get('data/raw.csv')?.status, states.get('data/raw.csv')?.dvcTracked, states.get('data/raw.csv')?.dvcFile],
      ['ignored', true, 'data/raw.csv.dvc'],
    );
    assert.deepEqual(
      [states.get('data/prepared/train.csv')?.dvcTracked, states.get('data/prepared/train.csv')?.dvcFile],
      [true, 'dvc.yaml'],
    );
    assert.equal(states.get('data/raw.csv.dvc')?.dvcTracked, false);
  });

  it('gives a folder the state of its files', async () => {
    const states = await fileStates(repo, ['models', 'notes', 'new']);
    assert.deepEqual(
      ['models', 'notes', 'new'].map((p) => states.get(p)?.status),
      ['deleted', 'unmodified', 'untracked'],
    );
  });

  it('lists every interesting path when no paths are given', async () => {
    const states = await fileStates(repo);
    assert.equal(states.get('train.py')?.status, 'modified');
    assert.equal(states.get('.gitignore')?.status, 'unmodified');
    assert.equal(states.get('logs')?.status, 'ignored');
    assert.equal(states.get('new')?.status, 'untracked');
  });

  it('finds the last commit of a file, and of many files in one walk', async () => {
    const one = await lastCommit(repo, 'train.py');
    assert.deepEqual(one, {
      sha: shas[0],
      shortSha: shas[0].slice(0, 7),
      subject: 'Initial commit',
      author: 'Ana Ruiz',
      authorEmail: 'ana@example.com',
      date: Date.parse('2026-01-05T09:30:00Z'),
    });
    const many = await lastCommits(repo, [
      'train.py',
      'data/new name.csv',
      'data',
      'never-committed.txt',
      path.join(root, 'models', 'model.onnx'),
    ]);
    assert.deepEqual([...many.entries()].map(([p, c]) => [p, c.subject]).sort(), [
      ['data', 'More rows'],
      ['data/new name.csv', 'More rows'],
      ['models/model.onnx', 'Initial commit'],
      ['train.py', 'Initial commit'],
    ]);
    for (const [file, c] of many) assert.deepEqual(c, await lastCommit(repo, file), file);
  });

  it('lists a file history across a rename and reads the bytes of an older revision', async () => {
    const history = await fileHistory(repo, 'data/new name.csv');
    assert.deepEqual(
      history.entries.map((e) => [e.subject, e.path, e.change]),
      [
        ['More rows', 'data/new name.csv', 'M'],
        ['Move the data', 'data/new name.csv', 'R'],
        ['Initial commit', 'old name.csv', 'A'],
      ],
    );
    assert.equal(history.shallow, false);
    const oldest = history.entries[2];
    assert.equal((await showFileAtRevision(repo, oldest.sha, oldest.path)).toString('utf8'), 'a,b\n1,2\n');
    const pickle = await showFileAtRevision(repo, shas[0], 'models/model.pkl');
    assert.deepEqual([...pickle], [0x80, 0x04, 0x95, 0, 1, 2, 3]);
    assert.deepEqual(
      (await fileHistory(repo, 'data/new name.csv', { maxCount: 1 })).entries.map((e) => e.subject),
      ['More rows'],
    );
  });

  it('gives typed errors for a path missing at a revision and for a bad revision', async () => {
    await assert.rejects(
      showFileAtRevision(repo, shas[0], 'data/new name.csv'),
      (err: unknown) =>
        err instanceof GitError && err.kind === 'not-found' && /does not exist at revision/.test(err.message),
    );
    await assert.rejects(
      showFileAtRevision(repo, '--output=/tmp/x', 'train.py'),
      (err: unknown) => err instanceof GitError && err.kind === 'not-found',
    );
    await assert.rejects(
      showFileAtRevision(repo, 'HEAD', '../outside.txt'),
      (err: unknown) => err instanceof GitError && err.kind === 'not-found',
    );
  });
});

describe('git state edge cases', () => {
  let root = '';
  beforeEach(() => {
    root = tempFolder('mlops-git-edge-');
  });
  afterEach(() => removeFolder(root));

  it('says "git not found" when git is not installed', async () => {
    await assert.rejects(
      openRepository(root, { gitPath: path.join(root, 'no-git-here') }),
      (err: unknown) =>
        err instanceof GitError && err.kind === 'git-not-found' && /^git not found: install git/.test(err.message),
    );
  });

  it('reports a folder outside any repository, and a folder that does not exist', async () => {
    await assert.rejects(
      openRepository(root),
      (err: unknown) => err instanceof GitError && err.kind === 'not-a-repository' && err.message.includes(root),
    );
    await assert.rejects(
      openRepository(path.join(root, 'missing')),
      (err: unknown) => err instanceof GitError && err.kind === 'not-a-repository',
    );
  });

  it('works in a repository without commits', async () => {
    git(root, 'init', '-q');
    writeTree(root, { 'a.csv': 'x', 'b.csv': 'y' });
    git(root, 'add', 'a.csv');
    const repo = await openRepository(root);
    assert.equal(repo.head, undefined);
    const states = await fileStates(repo, ['a.csv', 'b.csv']);
    assert.deepEqual(
      ['a.csv', 'b.csv'].map((p) => states.get(p)?.status),
      ['added', 'untracked'],
    );
    assert.equal(await lastCommit(repo, 'a.csv'), undefined);
    assert.deepEqual((await lastCommits(repo, ['a.csv'])).size, 0);
    assert.deepEqual(await fileHistory(repo, 'a.csv'), { entries: [], shallow: false });
    await assert.rejects(showFileAtRevision(repo, 'HEAD', 'a.csv'), GitError);
  });

  it('flags a shallow clone, whose history stops at the boundary', async () => {
    const origin = path.join(root, 'origin');
    fs.mkdirSync(origin);
    git(origin, 'init', '-q');
    for (let i = 1; i <= 3; i++) {
      fs.writeFileSync(path.join(origin, 'metrics.json'), `{"f1": 0.${i}}\n`);
      git(origin, 'add', '-A');
      commit(origin, `Run ${i}`, `2026-02-0${i}T10:00:00Z`);
    }
    const clone = path.join(root, 'clone');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${origin}`, clone], { env });
    const repo = await openRepository(clone);
    assert.equal(repo.shallow, true);
    const history = await fileHistory(repo, 'metrics.json');
    assert.deepEqual([history.shallow, history.entries.map((e) => e.subject)], [true, ['Run 3']]);
    assert.equal((await lastCommit(repo, 'metrics.json'))?.subject, 'Run 3');
  });

  it('cancels through an AbortSignal', async () => {
    git(root, 'init', '-q');
    const repo = await openRepository(root);
    const controller = new AbortController();
    controller.abort();
    await assert.rejects(
      fileStates(repo, ['x'], { signal: controller.signal }),
      (err: unknown) => err instanceof GitError && err.kind === 'cancelled',
    );
  });
});
