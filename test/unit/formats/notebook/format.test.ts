import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  cellSource,
  JUPYTER_STYLE,
  NotebookError,
  notebookProblems,
  notebookToText,
  parseNotebook,
  readNotebook,
  serializeNotebook,
  setCellSource,
  type CellJson,
  type NotebookErrorCode,
} from '../../../../src/core/formats/notebook/format';
import { fixture, fixturesDir, notebookFiles } from '../../notebooks/fixtures';

function rejects(input: string | Uint8Array, code: NotebookErrorCode, message: RegExp): NotebookError {
  try {
    parseNotebook(input, { file: 'broken.ipynb' });
  } catch (err) {
    assert.ok(err instanceof NotebookError, `expected NotebookError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, message);
    assert.match(err.message, /^broken\.ipynb/, 'the message names the file');
    return err;
  }
  assert.fail('parsed without error');
}

const minimal = '{\n "cells": [],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n';

describe('notebooks: reading and writing nbformat', () => {
  const readable = notebookFiles(fixturesDir).filter((file) => !file.endsWith('v3.ipynb'));

  it('gives back every fixture notebook byte for byte when nothing changed', () => {
    assert.ok(readable.length >= 100, `found ${readable.length} notebooks`);
    for (const file of readable) {
      const bytes = fixture(file);
      const document = parseNotebook(bytes, { file });
      assert.equal(Buffer.from(serializeNotebook(document), 'utf8').equals(bytes), true, file);
    }
  });

  it('rewrites regularly formatted notebooks identically from the model and the detected style', () => {
    // Everything written by a tool (nbformat, json.dumps in several styles) re-serialises to the same bytes, so a
    // changed notebook keeps the look of the rest of the file. nbdime's hand-edited test files are not regular.
    const generated = readable.filter((file) => !file.includes('public'));
    for (const file of generated) {
      const document = parseNotebook(fixture(file), { file });
      assert.equal(notebookToText(document.notebook, document.style), document.text, file);
    }
  });

  it('detects indentation, key order, escapes, separators and the final newline', () => {
    const style = (file: string) => parseNotebook(fixture(`corpus/${file}.ipynb`)).style;
    assert.deepEqual(style('basic-v4.5'), { ...JUPYTER_STYLE, keepNumberText: true });
    const indent2 = style('style-indent2-unsorted');
    assert.equal(indent2.indent, '  ');
    assert.equal(indent2.sortKeys, false);
    assert.equal(indent2.finalNewline, '');
    const ascii = style('style-indent4-ascii');
    assert.equal(ascii.indent, '    ');
    assert.equal(ascii.asciiOnly, true);
    const compact = style('style-compact');
    assert.equal(compact.indent, null);
    assert.equal(compact.keySeparator, ':');
    assert.equal(compact.itemSeparator, ',');
    const pythonDefault = style('style-python-separators');
    assert.equal(pythonDefault.indent, null);
    assert.equal(pythonDefault.itemSeparator, ', ');
    assert.equal(style('style-crlf').newline, '\r\n');
    const trailing = style('style-trailing-space');
    assert.equal(trailing.itemSeparator, ', ');
    assert.equal(trailing.finalNewline, '\n\n');
    assert.equal(parseNotebook(fixture('special/bom.ipynb')).style.bom, true);
  });

  it('writes a changed notebook in the style of the file', () => {
    for (const name of [
      'basic-v4.5',
      'style-indent2-unsorted',
      'style-indent4-ascii',
      'style-compact',
      'style-crlf',
      'numbers',
    ]) {
      const document = parseNotebook(fixture(`corpus/${name}.ipynb`));
      const cell = document.notebook.cells[0];
      setCellSource(cell, 'print("changed")\nprint("é")');
      const text = serializeNotebook(document);
      assert.notEqual(text, document.text, name);
      const again = parseNotebook(text);
      assert.equal(cellSource(again.notebook.cells[0]), 'print("changed")\nprint("é")', name);
      assert.deepEqual({ ...again.style }, { ...document.style }, `${name} keeps its style`);
      // Only the edited cell's lines differ.
      const before = document.text.split(document.style.newline);
      const after = text.split(document.style.newline);
      if (document.style.indent !== null)
        assert.ok(Math.abs(after.length - before.length) <= 3, `${name}: ${before.length} -> ${after.length} lines`);
    }
  });

  it('keeps number text (1.0, 1e-05, integers beyond 2^53) in a changed notebook', () => {
    const document = parseNotebook(fixture('corpus/numbers.ipynb'));
    document.notebook.cells[0].source = ['changed'];
    const text = serializeNotebook(document);
    for (const number of [
      '"one": 1.0',
      '"smaller": 1e-05',
      '9007199254740993',
      '"int64": 18446744073709551616',
      '"neg_zero": -0.0',
      '"e16": 1000000000000000.0',
      '"big": 123456789012345678901234567890',
    ]) {
      assert.ok(text.includes(number), `${number} kept`);
    }
  });

  it('puts new keys where the file would: sorted in sorted files, last otherwise', () => {
    const sorted = parseNotebook(fixture('corpus/basic-v4.5.ipynb'));
    sorted.notebook.cells[0].metadata.added = true;
    assert.match(
      serializeNotebook(sorted),
      /"metadata": \{\n {4}"added": true,\n {4}"heading_collapsed": true\n {3}\}/,
    );
    const unsorted = parseNotebook(fixture('corpus/style-indent2-unsorted.ipynb'));
    unsorted.notebook.metadata.zzz = 1;
    unsorted.notebook.metadata.aaa = 2;
    const text = serializeNotebook(unsorted);
    assert.ok(text.indexOf('"zzz"') < text.indexOf('"aaa"'), 'insertion order');
  });

  it('reads sources given as strings or lists, and the nbformat version', () => {
    const document = parseNotebook(fixture('corpus/source-strings.ipynb'));
    assert.equal(document.nbformat, 4);
    assert.equal(document.nbformatMinor, 2);
    assert.equal(cellSource(document.notebook.cells[0]), 'plot()\nshow()');
    const basic = parseNotebook(fixture('corpus/basic-v4.5.ipynb')).notebook;
    assert.equal(
      cellSource(basic.cells[1]),
      'import numpy as np\nimport pandas as pd\n\nrng = np.random.default_rng(0)',
    );
    const cell: CellJson = { cell_type: 'code', source: 'a', metadata: {} };
    setCellSource(cell, 'x\ny');
    assert.equal(cell.source, 'x\ny', 'a string source stays a string');
    cell.source = ['a'];
    setCellSource(cell, 'x\ny');
    assert.deepEqual(cell.source, ['x\n', 'y']);
  });

  it('lists problems nbformat would reject: missing, malformed and duplicate 4.5 ids', () => {
    assert.deepEqual(notebookProblems(parseNotebook(fixture('corpus/basic-v4.5.ipynb')).notebook), []);
    assert.deepEqual(notebookProblems(parseNotebook(fixture('corpus/missing-ids.ipynb')).notebook), [
      'cell 2: nbformat 4.5 needs a cell id',
      'cell 3: duplicate cell id "first"',
    ]);
    const notebook = parseNotebook(minimal).notebook;
    notebook.cells.push({ cell_type: 'code', id: 'has space', source: [], metadata: {} });
    assert.deepEqual(notebookProblems(notebook), [
      'cell 1: a code cell needs "outputs"',
      'cell 1: a code cell needs "execution_count" (null when not run)',
      'cell 1: cell id "has space" must be 1-64 characters of a-z, A-Z, 0-9, - and _',
    ]);
  });

  it('explains malformed input: invalid JSON with its position, truncation, conflicts, empty files', () => {
    const invalid = rejects(
      '{\n "cells": [],\n "metadata": {,\n "nbformat": 4\n}',
      'invalid-json',
      /^broken\.ipynb:3:15: not valid JSON \(unexpected ','.*restore it from version control/,
    );
    assert.deepEqual(invalid.position, { line: 3, column: 15, offset: 30 });
    const full = fixture('corpus/basic-v4.5.ipynb');
    rejects(full.subarray(0, full.length / 2), 'truncated', /looks truncated/);
    rejects('', 'truncated', /empty/);
    rejects('  \n', 'truncated', /empty/);
    rejects(
      '<<<<<<< HEAD\n{}\n=======\n{}\n>>>>>>> branch\n',
      'invalid-json',
      /^broken\.ipynb:1: .*merge conflict markers/,
    );
  });

  it('refuses nbformat 3 with the upgrade command, and other versions and shapes', () => {
    rejects(
      fixture('special/v3.ipynb'),
      'unsupported-version',
      /nbformat 3 is not supported: upgrade with `jupyter nbconvert --to notebook --nbformat 4`/,
    );
    rejects(
      '{"nbformat": 5, "nbformat_minor": 0, "cells": [], "metadata": {}}',
      'unsupported-version',
      /nbformat 5 is not supported/,
    );
    rejects('[1, 2]', 'not-notebook', /not a Jupyter notebook \(the JSON is an array/);
    rejects('{"cells": []}', 'not-notebook', /no "nbformat" field/);
    rejects('{"nbformat": 4, "nbformat_minor": 5, "metadata": {}}', 'invalid-notebook', /no "cells" list/);
    rejects(
      '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"source": []}]}',
      'invalid-notebook',
      /cell 1 has no "cell_type"/,
    );
    rejects(
      '{"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": [{"cell_type": "code", "source": [1]}]}',
      'invalid-notebook',
      /cell 1 has a "source"/,
    );
    rejects(
      '{"nbformat": "4", "nbformat_minor": 5, "metadata": {}, "cells": []}',
      'invalid-notebook',
      /must be an integer/,
    );
  });

  it('refuses binary, non-UTF-8 and oversized input', () => {
    rejects(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]), 'binary', /binary file/);
    rejects(Buffer.from('{"nbformat": 4, "x": "\xff"}', 'latin1'), 'binary', /not UTF-8/);
    assert.throws(
      () => parseNotebook(Buffer.from(minimal), { file: 'big.ipynb', maxBytes: 10 }),
      (err: unknown) => err instanceof NotebookError && err.code === 'too-large',
    );
  });

  it('reads files, and reports a missing one or a folder clearly', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'mlops-notebooks-'));
    try {
      fs.writeFileSync(path.join(folder, 'a.ipynb'), minimal);
      const document = await readNotebook(path.join(folder, 'a.ipynb'));
      assert.equal(document.text, minimal);
      assert.equal(document.file, path.join(folder, 'a.ipynb'));
      await assert.rejects(
        readNotebook(path.join(folder, 'missing.ipynb'), { file: 'missing.ipynb' }),
        /^NotebookError: missing\.ipynb: cannot read the notebook \(no such file\)/,
      );
      await assert.rejects(readNotebook(folder, { file: 'folder' }), /folder: is a folder/);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
