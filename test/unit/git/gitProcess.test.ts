import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CatFileBatch } from '../../../src/core/git/catFile';
import {
  execGit,
  GitError,
  GitNotFoundError,
  NotARepositoryError,
  repositoryFailureKind,
  UnsafeRepositoryError,
} from '../../../src/core/git/gitProcess';
import { gitFailure, runGit } from '../../../src/core/git/run';
import { commit, initRepo } from './historyRepos';

describe('git runner (execGit, and runGit over it)', function () {
  this.timeout(30_000);
  let tmp: string;
  let repo: string;
  let plain: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-gitprocess-'));
    repo = initRepo(path.join(tmp, 'r'));
    commit(repo, 'first', { 'a.txt': 'a\n'.repeat(5000) });
    plain = path.join(tmp, 'plain');
    fs.mkdirSync(plain);
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('keeps one error family: the named errors are GitErrors of the matching kind, with their messages', () => {
    const missing = new GitNotFoundError();
    assert.ok(missing instanceof GitError);
    assert.equal(missing.kind, 'git-not-found');
    assert.equal(missing.name, 'GitNotFoundError');
    assert.equal(missing.message, 'git was not found. Install git and make sure it is on PATH, then try again.');
    const notRepo = new NotARepositoryError('/w/x');
    assert.ok(notRepo instanceof GitError);
    assert.equal(notRepo.kind, 'not-a-repository');
    assert.equal(notRepo.folder, '/w/x');
    assert.equal(
      notRepo.message,
      "/w/x is not inside a git repository. Run 'git init' there, or open the repository's folder.",
    );
    const unsafe = new UnsafeRepositoryError('/w/x');
    assert.ok(unsafe instanceof GitError);
    assert.equal(unsafe.kind, 'unsafe-repository');
    assert.equal(
      unsafe.message,
      "git refuses to read /w/x: it is owned by another user. If you trust it, run: git config --global --add safe.directory '/w/x'",
    );
  });

  it('classifies stderr the same way for both APIs', () => {
    const dubious =
      "fatal: detected dubious ownership in repository at '/w/x'\nTo add an exception for this directory, call:\n\n\tgit config --global --add safe.directory /w/x\n";
    const older =
      "fatal: unsafe repository ('/w/x' is owned by someone else)\nTo add an exception for this directory, call:\n\n\tgit config --global --add safe.directory /w/x\n";
    assert.equal(repositoryFailureKind(dubious), 'unsafe-repository');
    assert.equal(repositoryFailureKind(older), 'unsafe-repository');
    assert.equal(
      repositoryFailureKind('fatal: not a git repository (or any of the parent directories): .git'),
      'not-a-repository',
    );
    assert.equal(
      repositoryFailureKind("fatal: your current branch 'main' does not have any commits yet"),
      'no-commits',
    );
    assert.equal(repositoryFailureKind("fatal: bad revision 'nope'"), undefined);
    assert.ok(gitFailure(dubious, '/w/x') instanceof UnsafeRepositoryError);
    assert.equal(gitFailure(dubious, '/w/x')!.stderr, dubious);
    assert.ok(gitFailure('fatal: not a git repository', '/w/x') instanceof NotARepositoryError);
    assert.equal(gitFailure('fatal: your current branch does not have any commits yet', '/w/x'), undefined);
  });

  it('reports a folder outside a repository as NotARepositoryError from both, each in its own words', async () => {
    await assert.rejects(
      runGit(plain, ['log']),
      (err: unknown) =>
        err instanceof NotARepositoryError &&
        err.kind === 'not-a-repository' &&
        err.message ===
          `${plain} is not inside a git repository. Run 'git init' there, or open the repository's folder.`,
    );
    await assert.rejects(
      runGit(path.join(tmp, 'missing'), ['log']),
      (err: unknown) => err instanceof NotARepositoryError && err.folder === path.join(tmp, 'missing'),
    );
    await assert.rejects(
      execGit(plain, ['log']),
      (err: unknown) =>
        err instanceof NotARepositoryError &&
        err.message === `${plain} is not in a git repository. Run "git init" there, or open the repository's folder.` &&
        /not a git repository/.test(err.stderr),
    );
  });

  it('reports a missing git as GitNotFoundError from execGit, runGit and cat-file, each in its own words', async () => {
    const noGit = path.join(tmp, 'no-git-here');
    await assert.rejects(
      execGit(repo, ['status'], { gitPath: noGit }),
      (err: unknown) =>
        err instanceof GitNotFoundError &&
        err.kind === 'git-not-found' &&
        err.message === `git not found: install git and make sure "${noGit}" is on the PATH (or set the path to git).`,
    );
    const saved = process.env.PATH;
    process.env.PATH = path.join(tmp, 'no-bin');
    try {
      await assert.rejects(
        runGit(repo, ['status']),
        (err: unknown) => err instanceof GitNotFoundError && err.message === new GitNotFoundError().message,
      );
      const cat = new CatFileBatch(repo);
      await assert.rejects(
        cat.read('HEAD'),
        (err: unknown) => err instanceof GitNotFoundError && err.message === new GitNotFoundError().message,
      );
      await cat.close();
    } finally {
      process.env.PATH = saved;
    }
  });

  it('runGit resolves a non-zero exit with its code and stderr; execGit rejects it unless the code is allowed', async () => {
    const result = await runGit(repo, ['rev-parse', '--verify', '--quiet', 'refs/heads/nope']);
    assert.equal(result.code, 1);
    assert.equal(result.stdout.length, 0);
    const bad = await runGit(repo, ['cat-file', '-p', 'nope']);
    assert.equal(bad.code, 128);
    assert.match(bad.stderr, /nope/);
    await assert.rejects(
      execGit(repo, ['cat-file', '-p', 'nope']),
      (err: unknown) =>
        err instanceof GitError && err.kind === 'failed' && /git cat-file -p failed in /.test(err.message),
    );
    assert.equal((await execGit(repo, ['cat-file', '-p', 'nope'], { okCodes: 'all' })).code, 128);
    assert.equal(
      (await execGit(repo, ['rev-parse', '--verify', '--quiet', 'refs/heads/nope'], { okCodes: [0, 1] })).code,
      1,
    );
  });

  it('streams stdout to a callback, and an exception thrown there rejects instead of crashing', async () => {
    let bytes = 0;
    const streamed = await runGit(repo, ['show', 'HEAD:a.txt'], { onStdout: (chunk) => void (bytes += chunk.length) });
    assert.equal(bytes, 10_000);
    assert.equal(streamed.stdout.length, 0);
    const boom = new Error('parser failed');
    await assert.rejects(
      runGit(repo, ['show', 'HEAD:a.txt'], {
        onStdout: () => {
          throw boom;
        },
      }),
      (err: unknown) => err === boom,
    );
    await assert.rejects(
      execGit(repo, ['show', 'HEAD:a.txt'], {
        onStdout: () => {
          throw boom;
        },
      }),
      (err: unknown) => err === boom,
    );
  });

  it('refuses output over the limit with a too-large GitError', async () => {
    await assert.rejects(
      runGit(repo, ['show', 'HEAD:a.txt'], { maxBuffer: 100 }),
      (err: unknown) =>
        err instanceof GitError &&
        err.kind === 'too-large' &&
        err.message === 'git show wrote more than 100 bytes; narrow the request.',
    );
    await assert.rejects(
      execGit(repo, ['show', 'HEAD:a.txt'], { maxBytes: 100 }),
      (err: unknown) => err instanceof GitError && err.kind === 'too-large' && /more than 100 bytes/.test(err.message),
    );
    assert.equal((await runGit(repo, ['show', 'HEAD:a.txt'], { maxBuffer: 10_000 })).stdout.length, 10_000);
  });

  it('reports a repository owned by another user as UnsafeRepositoryError from both', async function () {
    if (process.getuid?.() !== 0) this.skip(); // Only root can give a folder to another user.
    const foreign = initRepo(path.join(tmp, 'foreign'));
    const chown = (uid: number) => {
      for (const entry of fs.readdirSync(foreign, { recursive: true }))
        fs.chownSync(path.join(foreign, String(entry)), uid, uid);
      fs.chownSync(foreign, uid, uid);
    };
    chown(65534);
    try {
      await assert.rejects(
        runGit(foreign, ['rev-parse', '--show-toplevel'], {
          env: { GIT_CONFIG_GLOBAL: os.devNull, GIT_CONFIG_NOSYSTEM: '1' },
        }),
        (err: unknown) =>
          err instanceof UnsafeRepositoryError &&
          err.kind === 'unsafe-repository' &&
          err.message === new UnsafeRepositoryError(foreign).message,
      );
      await assert.rejects(
        execGit(foreign, ['rev-parse', '--show-toplevel'], {
          env: { GIT_CONFIG_GLOBAL: os.devNull, GIT_CONFIG_NOSYSTEM: '1' },
        }),
        (err: unknown) =>
          err instanceof UnsafeRepositoryError &&
          err.message.startsWith(`git refuses to work in ${foreign} because another user owns it.`),
      );
    } finally {
      chown(0);
    }
  });
});
