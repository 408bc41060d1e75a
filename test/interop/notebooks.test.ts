// Notebooks against the real tools: nbformat writes the corpus, nbstripout and nbdime give the expected results,
// and nbformat validates what we write. Needs MLOPS_PYTHON (the interop virtual environment's python).
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { diffNotebooks } from '../../src/core/notebooks/diff';
import { parseNotebook, serializeNotebook, setCellSource } from '../../src/core/formats/notebook/format';
import { notebookFilterSettings, withNotebookAttributes } from '../../src/core/notebooks/gitFilter';
import { pythonFloatRepr } from '../../src/core/notebooks/pythonCompat';
import { stripNotebook } from '../../src/core/notebooks/strip';
import {
  comparableDiff,
  fixturesDir,
  notebookFiles,
  readJson,
  withoutIgnored,
  type DiffExpectation,
  type Manifest,
  type StripExpectations,
} from '../unit/notebooks/fixtures';

const root = path.resolve(__dirname, '..', '..', '..');
const scripts = path.join(root, 'test', 'interop', 'notebooks');
const python = process.env.MLOPS_PYTHON;
const toolEnv = { ...process.env, GIT_CONFIG_GLOBAL: os.devNull, GIT_CONFIG_NOSYSTEM: '1', PYTHONWARNINGS: 'ignore' };

function oracle(args: string[], input?: string): unknown {
  const output = execFileSync(python!, [path.join(scripts, 'oracle.py'), ...args], {
    input,
    env: toolEnv,
    maxBuffer: 64 * 1024 * 1024,
    encoding: 'utf8',
  });
  return JSON.parse(output) as unknown;
}

describe('interop: notebooks with nbformat, nbstripout and nbdime', function () {
  this.timeout(180000);
  let out: string;
  let manifest: Manifest;

  before(function () {
    if (!python) {
      assert.fail(
        'MLOPS_PYTHON is not set: run `node scripts/setupPython.mjs` and set MLOPS_PYTHON to .cache/venv/bin/python',
      );
    }
    out = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-interop-notebooks-'));
    execFileSync(python, [path.join(scripts, 'generate.py'), out, '--full'], {
      env: toolEnv,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    manifest = readJson<Manifest>(out, 'manifest.json');
  });

  after(() => {
    if (out) fs.rmSync(out, { recursive: true, force: true });
  });

  it('regenerates the committed fixtures byte for byte', () => {
    // With --full the expected outputs sit in one folder per option set; the committed ones are the default set.
    const regenerated = (file: string): string =>
      path.join(
        out,
        file.startsWith('expected/strip/') ? file.replace('expected/strip/', 'expected/strip/default/') : file,
      );
    const committed = notebookFiles(fixturesDir);
    assert.deepEqual(
      committed.filter((file) => !file.startsWith('expected/')),
      notebookFiles(out).filter((file) => !file.startsWith('expected/')),
    );
    const stale = [...committed, 'manifest.json', 'expected/strip.json', 'expected/diff.json'].filter(
      (file) => !fs.readFileSync(regenerated(file)).equals(fs.readFileSync(path.join(fixturesDir, file))),
    );
    assert.deepEqual(
      stale,
      [],
      'regenerate with: .cache/venv/bin/python test/interop/notebooks/generate.py test/fixtures/notebooks',
    );
  });

  it('strips every notebook to the bytes nbstripout writes, for every option set', () => {
    const expected = readJson<StripExpectations>(out, 'expected/strip.json');
    let compared = 0;
    for (const [name, set] of Object.entries(manifest.optionSets)) {
      for (const notebook of manifest.notebooks) {
        if (set.skip.includes(notebook)) continue;
        const want = expected[name][notebook];
        assert.ok(Array.isArray(want), `nbstripout ${set.args.join(' ')} failed on ${notebook}`);
        const result = stripNotebook(fs.readFileSync(path.join(out, 'corpus', `${notebook}.ipynb`)), set.options, {
          file: notebook,
        });
        const theirs = fs.readFileSync(path.join(out, 'expected', 'strip', name, `${notebook}.ipynb`), 'utf8');
        assert.equal(result.text, theirs, `${name}: ${notebook}`);
        assert.equal(result.changed, want[2], `${name}: ${notebook}: changed`);
        compared++;
      }
    }
    assert.ok(compared > 600, `${compared} outputs compared`);
  });

  it('finds the added, removed and modified cells nbdime finds, for every ignore set', () => {
    const expected = readJson<Record<string, DiffExpectation>>(out, 'expected/diff.json');
    for (const [before, after] of manifest.pairs) {
      const a = parseNotebook(fs.readFileSync(path.join(out, `${before}.ipynb`))).notebook;
      const b = parseNotebook(fs.readFileSync(path.join(out, `${after}.ipynb`))).notebook;
      for (const [name, ignore] of Object.entries(manifest.ignoreSets)) {
        const ours = comparableDiff(diffNotebooks(a, b, { ignore, detectMoves: false }));
        assert.deepEqual(
          ours,
          withoutIgnored(expected[`${before}|${after}|${name}`], ignore),
          `${before} -> ${after}, ignoring ${name}`,
        );
      }
    }
  });

  it('writes notebooks nbformat.validate accepts: stripped ones and edited ones', () => {
    const written = fs.mkdtempSync(path.join(out, 'ours-'));
    const files: string[] = [];
    const save = (name: string, text: string): void => {
      const file = path.join(written, `${name.replace(/\//g, '_')}.ipynb`);
      fs.writeFileSync(file, text);
      files.push(file);
    };
    for (const [name, set] of Object.entries(manifest.optionSets)) {
      for (const notebook of manifest.notebooks) {
        if (set.skip.includes(notebook) || notebook === 'missing-ids') continue;
        save(
          `${name}-${notebook}`,
          stripNotebook(fs.readFileSync(path.join(out, 'corpus', `${notebook}.ipynb`)), set.options).text,
        );
      }
    }
    for (const notebook of manifest.notebooks.filter(
      (name) => !['missing-ids', 'empty', 'public/cellids--base'].includes(name),
    )) {
      const document = parseNotebook(fs.readFileSync(path.join(out, 'corpus', `${notebook}.ipynb`)));
      const cells = document.notebook.cells;
      if (cells.length === 0) continue;
      setCellSource(cells[0], 'edited = True\nprint("é")\n');
      const added = {
        ...cells[0],
        metadata: { tags: ['added'] },
        ...(document.nbformatMinor >= 5 ? { id: 'added-by-test' } : {}),
      };
      cells.push(added);
      if (cells.length > 2) cells.splice(1, 1);
      save(`edited-${notebook}`, serializeNotebook(document));
    }
    const results = oracle(['validate', ...files]) as [string, string | null][];
    assert.equal(results.length, files.length);
    const failures = results
      .filter(([, problem]) => problem !== null)
      .map(([file, problem]) => `${path.basename(file)}: ${problem}`);
    assert.deepEqual(failures, []);
  });

  it('writes floats as Python repr does, for random values', () => {
    const patterns = Array.from({ length: 3000 }, (_, i) => {
      const bytes = randomBytes(8);
      // A third with small exponents (ordinary numbers), the rest anywhere, never NaN or infinite.
      if (i % 3 === 0) bytes[0] = (bytes[0] & 0x80) | 0x3f;
      if ((bytes[0] & 0x7f) === 0x7f && (bytes[1] & 0xf0) === 0xf0) bytes[0] &= 0xbf;
      return bytes.toString('hex');
    });
    const reprs = oracle(['repr'], JSON.stringify(patterns)) as string[];
    const mismatches = patterns.filter(
      (pattern, i) => pythonFloatRepr(Buffer.from(pattern, 'hex').readDoubleBE(0)) !== reprs[i],
    );
    assert.deepEqual(mismatches.slice(0, 5), []);
  });

  it('serves as git clean filter and diff driver in a real repository', function () {
    const cli = path.join(root, 'dist', 'cli.js');
    if (!fs.existsSync(cli)) this.skip();
    const repo = fs.mkdtempSync(path.join(out, 'repo-'));
    const git = (...args: string[]): string =>
      execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
        cwd: repo,
        env: toolEnv,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    git('init', '-q');
    const settings = notebookFilterSettings(`"${process.execPath}" "${cli}"`);
    for (const [key, value] of settings.config) git('config', key, value);
    fs.writeFileSync(path.join(repo, '.gitattributes'), withNotebookAttributes('*.csv -diff\n', settings));
    const original = fs.readFileSync(path.join(out, 'corpus', 'basic-v4.5.ipynb'));
    fs.writeFileSync(path.join(repo, 'train.ipynb'), original);
    fs.writeFileSync(path.join(repo, 'broken.ipynb'), '{"cells": [');
    git('add', '.');
    git('commit', '-q', '-m', 'notebooks');
    const stored = git('show', 'HEAD:train.ipynb');
    assert.equal(
      stored,
      fs.readFileSync(path.join(out, 'expected', 'strip', 'default', 'basic-v4.5.ipynb'), 'utf8'),
      'the index holds what nbstripout writes',
    );
    assert.equal(git('show', 'HEAD:broken.ipynb'), '{"cells": [', 'a broken notebook is committed as it is');
    assert.ok(fs.readFileSync(path.join(repo, 'train.ipynb')).equals(original), 'the working copy keeps its outputs');
    assert.equal(git('status', '--porcelain'), '', 'outputs alone do not make the notebook dirty');
    const notebook = parseNotebook(original);
    setCellSource(notebook.notebook.cells[1], 'import numpy as np\n');
    fs.writeFileSync(path.join(repo, 'train.ipynb'), serializeNotebook(notebook));
    const diff = spawnSync('git', ['diff', '--', 'train.ipynb'], { cwd: repo, env: toolEnv, encoding: 'utf8' });
    assert.equal(diff.status, 0, diff.stderr);
    assert.match(diff.stdout, /^-\s+"import pandas as pd\\n",$/m);
    assert.doesNotMatch(diff.stdout, /image\/png/, 'the textconv diff shows no outputs');
  });
});
