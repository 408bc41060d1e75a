// The `mlops` notebook commands run as a real process, in real git repositories: data safety of nbstrip (read-only
// notebooks, symbolic links, the git clean filter with a broken mlops.yaml), cell numbering of nbdiff, and
// `nbstrip --check` over the repository's notebooks.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { notebookFilterSettings } from '../../../src/core/notebooks/gitFilter';
import { stripNotebook } from '../../../src/core/notebooks/strip';
import { fixture } from './fixtures';

/** The transpiled CLI entry point (out/src/cli/main.js), run with this Node. */
const CLI = path.resolve(__dirname, '..', '..', '..', 'src', 'cli', 'main.js');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function mlops(args: string[], cwd: string): Result {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8' });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', '-c', 'init.defaultBranch=main', ...args],
    { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
  );
}

/** A notebook with the given cells, [id, source] (code cells with one output each, so stripping changes it). */
function notebook(cells: [string, string][]): string {
  return `${JSON.stringify(
    {
      cells: cells.map(([id, source], index) => ({
        cell_type: 'code',
        execution_count: index + 1,
        id,
        metadata: {},
        outputs: [{ name: 'stdout', output_type: 'stream', text: [`${index}\n`] }],
        source,
      })),
      metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' } },
      nbformat: 4,
      nbformat_minor: 5,
    },
    null,
    1,
  )}\n`;
}

describe('notebooks: the mlops CLI as a process', function () {
  this.timeout(60_000);
  let folder: string;
  const basic = fixture('corpus/basic-v4.5.ipynb');

  beforeEach(() => {
    folder = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-nbproc-')));
  });
  afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

  it('refuses to strip a read-only notebook, as nbstripout does, and leaves it as it was', () => {
    const file = path.join(folder, 'frozen.ipynb');
    fs.writeFileSync(file, basic);
    fs.chmodSync(file, 0o444);
    const inode = fs.statSync(file).ino;
    const r = mlops(['nbstrip', 'frozen.ipynb'], folder);
    assert.equal(r.code, 1, r.stdout);
    assert.match(r.stderr, /frozen\.ipynb: .*read-only/);
    assert.ok(fs.readFileSync(file).equals(basic), 'content unchanged');
    assert.equal(fs.statSync(file).ino, inode, 'not replaced');
    assert.equal(fs.statSync(file).mode & 0o777, 0o444, 'mode unchanged');
    assert.deepEqual(fs.readdirSync(folder), ['frozen.ipynb'], 'no temporary file left');
    // --check only reads: a read-only notebook is reported, not refused.
    const check = mlops(['nbstrip', '--check', 'frozen.ipynb'], folder);
    assert.equal(check.code, 1);
    assert.match(check.stdout, /frozen\.ipynb: would be stripped/);
  });

  it('strips the target of a symbolic link atomically, and the link stays a link', () => {
    fs.mkdirSync(path.join(folder, 'real'));
    const target = path.join(folder, 'real', 'train.ipynb');
    fs.writeFileSync(target, basic);
    fs.chmodSync(target, 0o640);
    fs.symlinkSync(path.join('real', 'train.ipynb'), path.join(folder, 'link.ipynb'));
    const r = mlops(['nbstrip', 'link.ipynb'], folder);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /link\.ipynb: stripped/);
    const link = fs.lstatSync(path.join(folder, 'link.ipynb'));
    assert.ok(link.isSymbolicLink(), 'the link is still a link');
    assert.equal(fs.readlinkSync(path.join(folder, 'link.ipynb')), path.join('real', 'train.ipynb'));
    assert.equal(fs.readFileSync(target, 'utf8'), stripNotebook(basic).text, 'the target is stripped');
    assert.equal(fs.statSync(target).mode & 0o777, 0o640, 'the target keeps its mode');
    assert.deepEqual(fs.readdirSync(path.join(folder, 'real')), ['train.ipynb'], 'no temporary file left');
  });

  it('never fails git add because mlops.yaml is broken: strips with the defaults and warns', () => {
    git(folder, 'init', '-q');
    const settings = notebookFilterSettings(`"${process.execPath}" "${CLI}"`);
    for (const [key, value] of settings.config) git(folder, 'config', '--local', key, value);
    fs.writeFileSync(path.join(folder, '.gitattributes'), `${settings.attributesLine}\n`);
    fs.writeFileSync(
      path.join(folder, 'mlops.yaml'),
      [
        'notebooks:',
        '<<<<<<< HEAD',
        '  strip:',
        '    keepOutput: true',
        '=======',
        '  strip:',
        '    keepCount: true',
        '>>>>>>> feature',
        '',
      ].join('\n'),
    );
    fs.writeFileSync(path.join(folder, 'new.ipynb'), basic);
    const add = spawnSync('git', ['add', 'new.ipynb'], { cwd: folder, encoding: 'utf8' });
    assert.equal(add.status, 0, add.stderr);
    assert.match(add.stderr, /mlops\.yaml.*default strip options/);
    const staged = git(folder, 'show', ':new.ipynb');
    assert.equal(staged, stripNotebook(basic).text, 'staged with the default options');
  });

  it('numbers cells by both notebooks where the index changed, in text and JSON', () => {
    fs.writeFileSync(
      path.join(folder, 'a.ipynb'),
      notebook([
        ['c0', 'a = 1'],
        ['c1', 'b = 2'],
        ['c2', 'c = 3'],
        ['c3', 'd = 4'],
      ]),
    );
    fs.writeFileSync(
      path.join(folder, 'b.ipynb'),
      notebook([
        ['c2', 'c = 30'],
        ['c3', 'd = 4'],
      ]),
    );
    const text = mlops(['nbdiff', 'a.ipynb', 'b.ipynb'], folder);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, / {2}- removed {2}cell 1 \(code c0\), 1 line\n/);
    assert.match(text.stdout, / {2}- removed {2}cell 2 \(code c1\), 1 line\n/);
    assert.match(text.stdout, / {2}~ modified cell 3 -> 1 \(code c2\): source \+1 -1/);
    const json = mlops(['nbdiff', 'a.ipynb', 'b.ipynb', '--json'], folder);
    const cells = (
      JSON.parse(json.stdout) as {
        cells: { kind: string; beforeIndex?: number; afterIndex?: number; beforeCell?: number; afterCell?: number }[];
      }
    ).cells;
    const modified = cells.find((c) => c.kind === 'modified');
    assert.deepEqual(
      modified && {
        beforeIndex: modified.beforeIndex,
        afterIndex: modified.afterIndex,
        beforeCell: modified.beforeCell,
        afterCell: modified.afterCell,
      },
      { beforeIndex: 2, afterIndex: 0, beforeCell: 3, afterCell: 1 },
    );
    const removed = cells.filter((c) => c.kind === 'removed').map((c) => [c.beforeCell, c.afterCell]);
    assert.deepEqual(removed, [
      [1, undefined],
      [2, undefined],
    ]);
  });

  it('nbstrip --check with no path checks the notebooks of the current folder, honouring .gitignore', () => {
    git(folder, 'init', '-q');
    fs.writeFileSync(path.join(folder, '.gitignore'), 'scratch/\n');
    fs.mkdirSync(path.join(folder, 'scratch'));
    fs.mkdirSync(path.join(folder, 'notebooks'));
    fs.writeFileSync(path.join(folder, 'scratch', 'tmp.ipynb'), basic);
    fs.writeFileSync(path.join(folder, 'train.ipynb'), basic);
    fs.writeFileSync(path.join(folder, 'notebooks', 'clean.ipynb'), stripNotebook(basic).text);
    const r = mlops(['nbstrip', '--check'], folder);
    assert.equal(r.code, 1, r.stderr);
    assert.equal(
      r.stdout,
      'notebooks/clean.ipynb: already stripped\ntrain.ipynb: would be stripped (' +
        `${stripNotebook(basic).bytesRemoved} bytes)\n`,
    );
    assert.ok(fs.readFileSync(path.join(folder, 'train.ipynb')).equals(basic), 'check writes nothing');

    fs.writeFileSync(path.join(folder, 'train.ipynb'), stripNotebook(basic).text);
    const clean = mlops(['nbstrip', '--check'], folder);
    assert.equal(clean.code, 0, clean.stdout);
    // Without --check, a path is still required: nothing is rewritten by accident.
    const bare = mlops(['nbstrip'], folder);
    assert.equal(bare.code, 2);
    assert.match(bare.stderr, /give notebook files/);
  });
});
