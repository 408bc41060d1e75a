// The ordinary git commands of the façade (simple-git underneath) in a real repository: config, status of a few
// paths, a commit of exactly those paths, an annotated tag, one file's text at a revision, and the typed errors.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  changedPaths,
  commitPaths,
  createAnnotatedTag,
  getConfig,
  setLocalConfig,
  showFileText,
} from '../../../src/core/git/commands';
import { GitError, GitNotFoundError, NotARepositoryError } from '../../../src/core/git/gitProcess';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], {
    cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
  }).toString('utf8');
}

describe('git façade: ordinary commands', function () {
  this.timeout(30_000);
  let root = '';
  const at = () => ({ root });

  before(() => {
    root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-gitcmd-')));
    git(root, 'init', '-q');
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('sets and reads this clone config; an unset key is undefined', async () => {
    await setLocalConfig(at(), 'user.name', 'Ana Ruiz');
    await setLocalConfig(at(), 'user.email', 'ana@example.com');
    await setLocalConfig(at(), 'filter.x.clean', '"/opt/node" "/opt/cli.js" nbstrip --stdin');
    assert.equal(await getConfig(at(), 'user.name'), 'Ana Ruiz');
    assert.equal(await getConfig(at(), 'filter.x.clean'), '"/opt/node" "/opt/cli.js" nbstrip --stdin');
    assert.equal(
      git(root, 'config', '--local', '--get', 'filter.x.clean').trim(),
      '"/opt/node" "/opt/cli.js" nbstrip --stdin',
    );
    assert.equal(await getConfig(at(), 'mlops.nothing'), undefined);
  });

  it('works when the user sets GIT_CONFIG_GLOBAL, and reads that global config', async () => {
    const globalConfig = path.join(root, '..', `${path.basename(root)}-global.gitconfig`);
    fs.writeFileSync(globalConfig, '[mlops]\n\tglobalonly = from-global\n');
    const before = process.env.GIT_CONFIG_GLOBAL;
    process.env.GIT_CONFIG_GLOBAL = globalConfig;
    try {
      assert.equal(await getConfig(at(), 'mlops.globalonly'), 'from-global');
      assert.equal(await getConfig(at(), 'user.name'), 'Ana Ruiz');
    } finally {
      if (before === undefined) delete process.env.GIT_CONFIG_GLOBAL;
      else process.env.GIT_CONFIG_GLOBAL = before;
      fs.rmSync(globalConfig, { force: true });
    }
  });

  it('lists changed paths, commits exactly them, tags the commit and reads a file at a revision', async () => {
    fs.writeFileSync(path.join(root, '.gitignore'), 'ignored.ipynb\n');
    fs.writeFileSync(path.join(root, 'a b.ipynb'), 'A1\n');
    fs.writeFileSync(path.join(root, 'other.txt'), 'O1\n');
    fs.writeFileSync(path.join(root, 'ignored.ipynb'), 'I\n');
    assert.deepEqual(await changedPaths(at(), ['a b.ipynb', 'ignored.ipynb', '*.txt']), ['a b.ipynb']);
    git(root, 'add', 'other.txt');
    const sha = await commitPaths(at(), ['a b.ipynb', '.gitignore'], 'Snapshot: a b\n\nbody line');
    assert.match(sha, /^[0-9a-f]{40}$/);
    assert.equal(git(root, 'rev-parse', 'HEAD').trim(), sha);
    assert.equal(
      git(root, 'show', '--name-only', '--format=', 'HEAD').trim().split('\n').sort().join(','),
      '.gitignore,a b.ipynb',
    );
    assert.equal(git(root, 'diff', '--cached', '--name-only').trim(), 'other.txt', 'other staged changes stay staged');
    assert.equal(git(root, 'log', '-1', '--format=%B').trim(), 'Snapshot: a b\n\nbody line');
    assert.deepEqual(await changedPaths(at(), ['a b.ipynb']), []);

    await createAnnotatedTag(at(), 'nb/v1', sha, 'first snapshot');
    assert.equal(git(root, 'rev-parse', 'nb/v1^{commit}').trim(), sha);
    assert.equal(git(root, 'cat-file', '-t', 'nb/v1').trim(), 'tag');
    assert.equal(git(root, 'tag', '-l', '--format=%(contents:subject)', 'nb/v1').trim(), 'first snapshot');

    fs.writeFileSync(path.join(root, 'a b.ipynb'), 'A2\n');
    assert.deepEqual(await changedPaths(at(), ['a b.ipynb']), ['a b.ipynb']);
    assert.equal(await showFileText(root, 'nb/v1', 'a b.ipynb'), 'A1\n');
    assert.equal(await showFileText(root, 'HEAD', 'missing.ipynb'), undefined);
    await assert.rejects(showFileText(root, 'no-such-revision', 'a b.ipynb'), (err: unknown) => {
      return err instanceof GitError && err.kind === 'failed' && /no-such-revision/.test(err.stderr);
    });
    await assert.rejects(showFileText(root, '--output=x', 'a b.ipynb'), /is not a revision name/);
  });

  it('gives typed errors: not a repository, missing folder, git not found', async () => {
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-plain-'));
    try {
      await assert.rejects(changedPaths({ root: plain }, ['x']), NotARepositoryError);
      await assert.rejects(changedPaths({ root: path.join(plain, 'gone') }, ['x']), NotARepositoryError);
      await assert.rejects(
        changedPaths({ root, gitPath: path.join(plain, 'no-git-here') }, ['x']),
        (err: unknown) => err instanceof GitNotFoundError && /no-git-here/.test(err.message),
      );
    } finally {
      fs.rmSync(plain, { recursive: true, force: true });
    }
  });
});
