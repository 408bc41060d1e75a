import assert from 'node:assert/strict';
import {
  describeDiff,
  diffNotebooks,
  parseDiffCategories,
  type CellDiff,
  type DiffCategory,
} from '../../../src/core/notebooks/diff';
import { parseNotebook, type CellJson, type NotebookJson } from '../../../src/core/formats/notebook/format';
import { stripNotebook } from '../../../src/core/notebooks/strip';
import {
  comparableDiff,
  fixture,
  fixturesDir,
  readJson,
  withoutIgnored,
  type DiffExpectation,
  type Manifest,
} from './fixtures';

function load(relative: string): NotebookJson {
  return parseNotebook(fixture(`${relative}.ipynb`), { file: relative }).notebook;
}

function kinds(cells: CellDiff[]): string[] {
  return cells.map(
    (cell) =>
      `${cell.kind}:${cell.beforeIndex ?? '-'}>${cell.afterIndex ?? '-'}${cell.changes.length ? `:${cell.changes.join('+')}` : ''}`,
  );
}

function codeCell(source: string, id?: string, outputs: CellJson['outputs'] = []): CellJson {
  return { cell_type: 'code', ...(id ? { id } : {}), execution_count: null, metadata: {}, outputs, source: [source] };
}

function notebookOf(cells: CellJson[]): NotebookJson {
  return { cells, metadata: {}, nbformat: 4, nbformat_minor: cells.some((cell) => cell.id) ? 5 : 4 };
}

describe('notebooks: semantic diff', () => {
  const manifest = readJson<Manifest>(fixturesDir, 'manifest.json');
  const expected = readJson<Record<string, DiffExpectation>>(fixturesDir, 'expected/diff.json');

  for (const [name, ignore] of Object.entries(manifest.ignoreSets)) {
    it(`aligns and classifies cells as nbdime does, ignoring: ${ignore.join(', ') || 'nothing'}`, () => {
      for (const [before, after] of manifest.pairs) {
        const diff = diffNotebooks(load(before), load(after), { ignore, detectMoves: false });
        assert.deepEqual(
          comparableDiff(diff),
          withoutIgnored(expected[`${before}|${after}|${name}`], ignore),
          `${before} -> ${after}`,
        );
      }
    });
  }

  it('reports a moved cell as moved, with or without ids', () => {
    for (const flavour of ['ids', 'noids']) {
      const diff = diffNotebooks(load(`diff/${flavour}-base`), load(`diff/${flavour}-move`));
      assert.deepEqual(
        diff.cells
          .filter((cell) => cell.kind !== 'unchanged')
          .map((cell) => [cell.kind, cell.beforeIndex, cell.afterIndex]),
        [['moved', 7, 1]],
        flavour,
      );
      assert.equal(describeDiff(diff), '1 cell changed (1 moved)');
    }
  });

  it('reports cells inserted at the start and the end', () => {
    for (const flavour of ['ids', 'noids']) {
      const diff = diffNotebooks(load(`diff/${flavour}-base`), load(`diff/${flavour}-insert-ends`));
      assert.deepEqual(
        kinds(diff.cells.filter((cell) => cell.kind !== 'unchanged')),
        ['added:->0', 'added:->10'],
        flavour,
      );
      assert.equal(diff.summary.unchanged, 9);
      assert.equal(describeDiff(diff), '2 cells changed (2 added)');
    }
  });

  it('reports a split cell as modified plus added, and merged cells as modified plus removed', () => {
    for (const flavour of ['ids', 'noids']) {
      const split = diffNotebooks(load(`diff/${flavour}-base`), load(`diff/${flavour}-split`));
      assert.deepEqual(
        kinds(split.cells.filter((cell) => cell.kind !== 'unchanged')),
        ['modified:3>3:source+outputs', 'added:->4'],
        flavour,
      );
    }
    // The merged cell kept the id of the first cell: with ids it is that cell, edited; without, the closer match.
    const mergedIds = diffNotebooks(load('diff/ids-base'), load('diff/ids-merge'));
    assert.deepEqual(kinds(mergedIds.cells.filter((cell) => cell.kind !== 'unchanged')), [
      'modified:1>1:source',
      'removed:2>-',
    ]);
    const modifiedIds = mergedIds.cells.find((cell) => cell.kind === 'modified')!;
    assert.deepEqual([modifiedIds.linesAdded, modifiedIds.linesRemoved], [3, 1], 'the last line gained a line break');
    const mergedNoIds = diffNotebooks(load('diff/noids-base'), load('diff/noids-merge'));
    assert.deepEqual(kinds(mergedNoIds.cells.filter((cell) => cell.kind !== 'unchanged')), [
      'removed:1>-',
      'modified:2>1:source+executionCount',
    ]);
    const modifiedNoIds = mergedNoIds.cells.find((cell) => cell.kind === 'modified')!;
    assert.deepEqual([modifiedNoIds.linesAdded, modifiedNoIds.linesRemoved], [2, 0]);
  });

  it('tells re-run noise from real change in one line', () => {
    const rerun = diffNotebooks(load('diff/ids-base'), load('diff/ids-rerun'));
    assert.equal(describeDiff(rerun), 'no source changes, outputs only in 6');
    assert.equal(rerun.summary.changed, 0);
    assert.equal(
      describeDiff(
        diffNotebooks(load('diff/ids-base'), load('diff/ids-rerun'), { ignore: ['outputs', 'executionCount'] }),
      ),
      'no changes',
    );
    const mixed = diffNotebooks(load('diff/noids-base'), load('diff/noids-mixed'));
    assert.equal(describeDiff(mixed), '3 cells changed (1 added, 1 removed, 1 source), outputs only in 5');
    const metadata = diffNotebooks(load('diff/ids-base'), load('diff/ids-metadata'));
    assert.equal(describeDiff(metadata), 'no source changes, metadata only in 2, notebook metadata changed');
    const source = diffNotebooks(load('diff/ids-base'), load('diff/ids-edit-source'));
    assert.deepEqual(kinds(source.cells.filter((cell) => cell.kind !== 'unchanged')), [
      'modified:2>2:source',
      'modified:8>8:source',
    ]);
    assert.deepEqual(
      source.cells.filter((cell) => cell.kind === 'modified').map((cell) => [cell.linesAdded, cell.linesRemoved]),
      [
        [1, 1],
        [1, 1],
      ],
    );
  });

  it('matches cells by id, then by content when ids differ', () => {
    const renumbered = diffNotebooks(load('diff/ids-base'), load('diff/ids-renumber-ids'));
    assert.equal(renumbered.summary.modified, 9);
    assert.ok(renumbered.cells.every((cell) => cell.kind === 'modified' && cell.changes.join() === 'id'));
    assert.equal(describeDiff(renumbered), 'no source changes, metadata only in 9');
    assert.equal(
      diffNotebooks(load('diff/ids-base'), load('diff/ids-renumber-ids'), { ignore: ['id'] }).summary.identical,
      true,
    );
    // Same ids, different content: still the same cells.
    const byId = diffNotebooks(
      notebookOf([codeCell('alpha', 'a'), codeCell('beta', 'b')]),
      notebookOf([codeCell('completely different', 'a'), codeCell('beta', 'b')]),
    );
    assert.deepEqual(kinds(byId.cells), ['modified:0>0:source', 'unchanged:1>1']);
  });

  it('compares a notebook with its stripped version as outputs and counts only', () => {
    const original = parseNotebook(fixture('corpus/basic-v4.5.ipynb')).notebook;
    const stripped = parseNotebook(stripNotebook(fixture('corpus/basic-v4.5.ipynb')).text).notebook;
    const diff = diffNotebooks(original, stripped, { ignore: ['id'] });
    assert.equal(diff.summary.changed, 0);
    assert.equal(diff.summary.added + diff.summary.removed, 0);
    assert.ok(diff.summary.outputsOnly >= 6, describeDiff(diff));
    assert.equal(diff.notebookMetadataChanged, true, 'widgets removed');
  });

  it('treats an added or removed notebook as all cells added or removed', () => {
    const base = load('diff/ids-base');
    const empty = { ...notebookOf([]), nbformat_minor: 5 };
    const added = diffNotebooks(empty, base);
    assert.equal(added.summary.added, base.cells.length);
    assert.equal(
      describeDiff(added),
      `${base.cells.length} cells changed (${base.cells.length} added), notebook metadata changed`,
    );
    assert.equal(diffNotebooks(base, empty).summary.removed, base.cells.length);
    assert.equal(describeDiff(diffNotebooks(base, base)), 'no changes');
  });

  it('aligns very large notebooks beyond the pairwise grid', () => {
    const cells = Array.from({ length: 2500 }, (_, i) => codeCell(`value_${i} = compute(${i})\nprint(value_${i})`));
    const changed = [...cells.slice(0, 1000), codeCell('inserted()'), ...cells.slice(1000)];
    changed[2000] = codeCell('value_1999 = compute(1999) + 1\nprint(value_1999)');
    const diff = diffNotebooks(notebookOf(cells), notebookOf(changed));
    assert.deepEqual(kinds(diff.cells.filter((cell) => cell.kind !== 'unchanged')), [
      'added:->1000',
      'modified:1999>2000:source',
    ]);
  });

  it('parses ignore lists with nbdime names and rejects unknown ones', () => {
    assert.deepEqual(parseDiffCategories('outputs, metadata,details,ids,sources'), [
      'outputs',
      'metadata',
      'executionCount',
      'id',
      'source',
    ]);
    assert.throws(() => parseDiffCategories('outputs,colour'), /unknown category 'colour'/);
    assert.throws(
      () => diffNotebooks(notebookOf([]), notebookOf([]), { ignore: ['colour' as DiffCategory] }),
      RangeError,
    );
  });
});
