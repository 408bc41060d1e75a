import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commands, UsageError, type CliIo } from '../../../src/cli/registry';
import '../../../src/cli/commands/nbstrip';
import '../../../src/cli/commands/nbdiff';
import { stripNotebook } from '../../../src/core/notebooks/strip';
import { fixture } from './fixtures';

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
  bytes: Buffer;
}

async function run(name: string, args: string[], cwd: string, stdin?: Buffer): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const chunks: Buffer[] = [];
  const io: CliIo & { stdin?: () => Promise<Buffer>; stdoutBytes?: (bytes: Uint8Array) => void } = {
    stdout: (text) => {
      stdout += text;
      chunks.push(Buffer.from(text, 'utf8'));
    },
    stderr: (text) => (stderr += text),
    cwd,
    isTty: false,
    stdin: stdin ? () => Promise.resolve(stdin) : undefined,
    stdoutBytes: (bytes) => chunks.push(Buffer.from(bytes)),
  };
  const code = await commands.get(name)!.run(args, io);
  return { code, stdout, stderr, bytes: Buffer.concat(chunks) };
}

describe('notebooks: mlops nbstrip and mlops nbdiff', () => {
  let folder: string;
  const basic = fixture('corpus/basic-v4.5.ipynb');

  beforeEach(() => {
    folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-nbcli-'));
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('strips files in place, reports bytes removed, and leaves stripped files untouched', async () => {
    const file = path.join(folder, 'train.ipynb');
    fs.writeFileSync(file, basic);
    fs.chmodSync(file, 0o640);
    const first = await run('nbstrip', ['train.ipynb'], folder);
    assert.equal(first.code, 0, first.stderr);
    const expected = stripNotebook(basic);
    assert.equal(fs.readFileSync(file, 'utf8'), expected.text);
    assert.match(
      first.stdout,
      new RegExp(`train\\.ipynb: stripped, ${expected.bytesRemoved} bytes removed \\(7 outputs\\)`),
    );
    assert.equal(fs.statSync(file).mode & 0o777, 0o640, 'mode kept');
    assert.deepEqual(fs.readdirSync(folder), ['train.ipynb'], 'no temporary file left');

    const before = fs.statSync(file);
    const second = await run('nbstrip', ['train.ipynb'], folder);
    assert.equal(second.code, 0);
    assert.match(second.stdout, /train\.ipynb: already stripped/);
    const after = fs.statSync(file);
    assert.equal(after.ino, before.ino, 'not replaced');
    assert.equal(after.mtimeMs, before.mtimeMs, 'not written');
  });

  it('--check over many notebooks ends with how many would be stripped and the bytes in total', async () => {
    fs.mkdirSync(path.join(folder, 'book'));
    for (const name of ['ch1', 'ch2', 'ch3']) fs.writeFileSync(path.join(folder, 'book', `${name}.ipynb`), basic);
    fs.writeFileSync(path.join(folder, 'book', 'index.ipynb'), stripNotebook(basic).text);
    const bytes = stripNotebook(basic).bytesRemoved;
    assert.ok(bytes > 0);
    const check = await run('nbstrip', ['--check', 'book'], folder);
    assert.equal(check.code, 1);
    const lines = check.stdout.trimEnd().split('\n');
    assert.equal(lines.filter((l) => l.endsWith(`: would be stripped (${bytes} bytes)`)).length, 3);
    assert.equal(lines.at(-1), `3 of 4 notebooks would be stripped (${3 * bytes} bytes in total)`);
  });

  it('checks without writing, walks folders, and keeps going after a broken file', async () => {
    fs.mkdirSync(path.join(folder, 'nb', '.ipynb_checkpoints'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'nb', 'a.ipynb'), basic);
    fs.writeFileSync(path.join(folder, 'nb', '.ipynb_checkpoints', 'a-checkpoint.ipynb'), basic);
    fs.writeFileSync(path.join(folder, 'nb', 'broken.ipynb'), '{"cells": [');
    const check = await run('nbstrip', ['--check', 'nb'], folder);
    assert.equal(check.code, 1);
    assert.match(check.stdout, /nb\/a\.ipynb: would be stripped/);
    assert.match(check.stderr, /nb\/broken\.ipynb:1:12: the notebook ends too early/);
    assert.ok(fs.readFileSync(path.join(folder, 'nb', 'a.ipynb')).equals(basic), 'check writes nothing');

    const strip = await run('nbstrip', ['nb', 'missing.ipynb'], folder);
    assert.equal(strip.code, 1);
    assert.match(strip.stderr, /missing\.ipynb: cannot read \(no such file\)/);
    assert.equal(fs.readFileSync(path.join(folder, 'nb', 'a.ipynb'), 'utf8'), stripNotebook(basic).text);
    assert.ok(
      fs.readFileSync(path.join(folder, 'nb', '.ipynb_checkpoints', 'a-checkpoint.ipynb')).equals(basic),
      'checkpoints skipped',
    );
  });

  it('never writes an nbformat 3 notebook, and says how to upgrade it', async () => {
    const file = path.join(folder, 'old.ipynb');
    fs.writeFileSync(file, fixture('special/v3.ipynb'));
    const result = await run('nbstrip', ['old.ipynb'], folder);
    assert.equal(result.code, 1);
    assert.match(
      result.stderr,
      /old\.ipynb: nbformat 3 is not supported: upgrade with `jupyter nbconvert --to notebook --nbformat 4`/,
    );
    assert.ok(fs.readFileSync(file).equals(fixture('special/v3.ipynb')));
  });

  it('filters stdin to stdout for git, passing anything unreadable through unchanged', async () => {
    const filtered = await run('nbstrip', ['--stdin'], folder, basic);
    assert.equal(filtered.code, 0);
    assert.equal(filtered.bytes.toString('utf8'), stripNotebook(basic).text);
    const binary = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 0xff]);
    const passed = await run('nbstrip', ['--stdin'], folder, binary);
    assert.equal(passed.code, 0);
    assert.ok(passed.bytes.equals(binary), 'bytes passed through exactly');
    assert.match(passed.stderr, /binary file.*passed through unchanged/);
    const empty = await run('nbstrip', ['--stdin'], folder, Buffer.alloc(0));
    assert.equal(empty.code, 0);
    assert.equal(empty.bytes.length, 0);
  });

  it('prints the stripped notebook for git diff with --textconv, with options from mlops.yaml and flags', async () => {
    fs.writeFileSync(path.join(folder, 'a.ipynb'), basic);
    fs.writeFileSync(path.join(folder, 'mlops.yaml'), 'version: 1\nnotebooks:\n  strip:\n    keepOutput: true\n');
    fs.mkdirSync(path.join(folder, 'sub'));
    const configured = await run('nbstrip', ['--textconv', '../a.ipynb'], path.join(folder, 'sub'));
    assert.equal(
      configured.stdout,
      stripNotebook(basic, { keepOutput: true }).text,
      'mlops.yaml found in a parent folder',
    );
    const flags = await run('nbstrip', ['--textconv', 'a.ipynb', '--keep-count'], folder);
    assert.equal(flags.stdout, stripNotebook(basic, { keepOutput: true, keepCount: true }).text);
    const noConfig = await run(
      'nbstrip',
      ['-t', 'a.ipynb', '--no-config', '--extra-keys', 'metadata.kernelspec'],
      folder,
    );
    assert.equal(noConfig.stdout, stripNotebook(basic, { extraKeys: ['metadata.kernelspec'] }).text);
    fs.writeFileSync(path.join(folder, 'mlops.yaml'), 'notebooks:\n  strip:\n    keepOutputs: true\n');
    await assert.rejects(
      run('nbstrip', ['-t', 'a.ipynb'], folder),
      /notebooks\.strip\.keepOutputs: expected no such option/,
    );
  });

  it('rejects wrong usage with a hint', async () => {
    await assert.rejects(
      run('nbstrip', [], folder),
      (err: unknown) => err instanceof UsageError && /give notebook files/.test(err.message),
    );
    await assert.rejects(run('nbstrip', ['--frobnicate', 'a.ipynb'], folder), /unknown option '--frobnicate'/);
    await assert.rejects(run('nbstrip', ['--stdin', 'a.ipynb'], folder), /use one of/);
    await assert.rejects(run('nbdiff', ['a.ipynb'], folder), /give two notebooks/);
    await assert.rejects(
      run('nbdiff', ['a', 'b', '--ignore', 'colour'], folder),
      /--ignore: unknown category 'colour'/,
    );
    await assert.rejects(run('nbdiff', ['--git', 'a.ipynb', '--output=x'], folder), /unknown option/);
    assert.match((await run('nbstrip', ['--help'], folder)).stdout, /Usage: mlops nbstrip/);
  });

  it('compares two notebooks as text or JSON, with ignores and an exit code', async () => {
    fs.writeFileSync(path.join(folder, 'a.ipynb'), fixture('diff/noids-base.ipynb'));
    fs.writeFileSync(path.join(folder, 'b.ipynb'), fixture('diff/noids-mixed.ipynb'));
    const text = await run('nbdiff', ['a.ipynb', 'b.ipynb'], folder);
    assert.equal(text.code, 0);
    assert.match(text.stdout, /^--- a\.ipynb\n\+\+\+ b\.ipynb\n/);
    assert.match(text.stdout, / {2}\+ added {4}cell 5 \(code\), 1 line\n/);
    assert.match(text.stdout, / {2}~ modified cell 3 \(code\): source \+1 -1, execution count\n/);
    assert.match(text.stdout, /\n3 cells changed \(1 added, 1 removed, 1 source\), outputs only in 5\n$/);
    const json = await run('nbdiff', ['a.ipynb', 'b.ipynb', '--json', '--ignore', 'outputs,details'], folder);
    const parsed = JSON.parse(json.stdout) as { description: string; ignored: string[]; summary: { added: number } };
    assert.deepEqual(parsed.ignored, ['outputs', 'executionCount']);
    assert.equal(parsed.description, '3 cells changed (1 added, 1 removed, 1 source)');
    assert.equal(parsed.summary.added, 1);
    assert.equal((await run('nbdiff', ['a.ipynb', 'b.ipynb', '--exit-code'], folder)).code, 1);
    assert.equal((await run('nbdiff', ['a.ipynb', 'a.ipynb', '--exit-code'], folder)).code, 0);
    await assert.rejects(
      run('nbdiff', ['a.ipynb', 'missing.ipynb'], folder),
      /missing\.ipynb: cannot read the notebook \(no such file\)/,
    );
  });

  it('compares the working copy with a git revision', async function () {
    this.timeout(20000);
    const git = (...args: string[]): string =>
      execFileSync(
        'git',
        ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args],
        { cwd: folder, encoding: 'utf8' },
      );
    git('init', '-q');
    fs.mkdirSync(path.join(folder, 'notebooks'));
    fs.writeFileSync(path.join(folder, 'notebooks', 'train.ipynb'), fixture('diff/ids-base.ipynb'));
    git('add', '.');
    git('commit', '-q', '-m', 'base');
    fs.writeFileSync(path.join(folder, 'notebooks', 'train.ipynb'), fixture('diff/ids-edit-source.ipynb'));
    const changed = await run('nbdiff', ['--git', 'notebooks/train.ipynb'], folder);
    assert.equal(changed.code, 0, changed.stderr);
    assert.match(changed.stdout, /^--- notebooks\/train\.ipynb@HEAD\n/);
    assert.match(changed.stdout, /\n2 cells changed \(2 source\)\n$/);
    const fromSubfolder = await run('nbdiff', ['--git', 'train.ipynb', 'HEAD'], path.join(folder, 'notebooks'));
    assert.match(fromSubfolder.stdout, /2 cells changed \(2 source\)/);

    fs.writeFileSync(path.join(folder, 'notebooks', 'new.ipynb'), fixture('diff/ids-base.ipynb'));
    const added = await run('nbdiff', ['--git', 'notebooks/new.ipynb'], folder);
    assert.match(added.stderr, /is not in HEAD; every cell counts as added/);
    assert.match(added.stdout, /9 cells changed \(9 added\)/);
    await assert.rejects(
      run('nbdiff', ['--git', 'notebooks/train.ipynb', 'no-such-revision'], folder),
      /git show no-such-revision:train\.ipynb failed/,
    );
    fs.rmSync(path.join(folder, 'notebooks'), { recursive: true });
    const deleted = await run('nbdiff', ['--git', 'notebooks/train.ipynb'], folder);
    assert.match(
      deleted.stdout,
      /9 cells changed \(9 removed\)/,
      'a deleted notebook (and folder) shows every cell removed',
    );
    await assert.rejects(
      run('nbdiff', ['--git', 'notebooks/train.ipynb', '--upload-pack=x'], folder),
      /unknown option/,
    );
  });
});
