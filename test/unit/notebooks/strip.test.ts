import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import Ajv from 'ajv';
import {
  notebooksConfigSchema,
  NotebooksConfigError,
  readNotebooksConfig,
  stripOptionsFromConfig,
} from '../../../src/core/notebooks/config';
import { parseNotebook, type NotebookJson } from '../../../src/core/formats/notebook/format';
import {
  DEFAULT_STRIP_KEYS,
  resolveStripKeys,
  stripNotebook,
  StripError,
  type StripOptions,
} from '../../../src/core/notebooks/strip';
import { fixture, fixturesDir, readJson, type Manifest, type StripExpectations } from './fixtures';

function strip(notebook: NotebookJson, options: StripOptions = {}): NotebookJson {
  return parseNotebook(stripNotebook(JSON.stringify(notebook), options).text).notebook;
}

function code(source: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    cell_type: 'code',
    execution_count: 3,
    metadata: {},
    outputs: [{ output_type: 'stream', name: 'stdout', text: ['out\n'] }],
    source,
    ...extra,
  };
}

function notebookOf(cells: Record<string, unknown>[], metadata: Record<string, unknown> = {}, minor = 4): NotebookJson {
  return { cells, metadata, nbformat: 4, nbformat_minor: minor } as unknown as NotebookJson;
}

describe('notebooks: strip (nbstripout 0.9.1 semantics)', () => {
  const manifest = readJson<Manifest>(fixturesDir, 'manifest.json');
  const expected = readJson<StripExpectations>(fixturesDir, 'expected/strip.json');

  for (const [name, set] of Object.entries(manifest.optionSets)) {
    it(`writes the bytes nbstripout writes: ${name} ${set.args.join(' ')}`.trimEnd(), () => {
      let compared = 0;
      for (const notebook of manifest.notebooks) {
        const want = expected[name][notebook];
        if (!want || set.skip.includes(notebook)) continue;
        assert.ok(Array.isArray(want), `${notebook}: nbstripout failed on it`);
        const result = stripNotebook(fixture(`corpus/${notebook}.ipynb`), set.options, { file: notebook });
        const digest = createHash('sha256').update(result.text).digest('hex').slice(0, 16);
        assert.equal(
          digest,
          want[0],
          `${notebook}: output differs from nbstripout's (${result.bytesAfter} bytes, nbstripout ${want[1]})`,
        );
        assert.equal(result.changed, want[2], `${notebook}: changed`);
        compared++;
      }
      assert.ok(compared >= 50, `${compared} notebooks compared`);
    });
  }

  it('gives the full text nbstripout gives for the generated notebooks', () => {
    for (const notebook of manifest.notebooks.filter((name) => !name.startsWith('public/'))) {
      const result = stripNotebook(fixture(`corpus/${notebook}.ipynb`), {}, { file: notebook });
      assert.equal(result.text, fixture(`expected/strip/${notebook}.ipynb`).toString('utf8'), notebook);
    }
  });

  it('removes outputs, counts and volatile metadata and renumbers ids by default', () => {
    const stripped = strip(
      notebookOf(
        [
          code('a', {
            id: 'x9',
            metadata: {
              collapsed: true,
              scrolled: false,
              ExecuteTime: {},
              execution: {},
              tags: ['t'],
              jupyter: { source_hidden: true },
            },
          }),
          { cell_type: 'markdown', id: 'md', metadata: { heading_collapsed: true, hidden: true }, source: ['# title'] },
        ],
        { widgets: {}, signature: 'x', kernelspec: { name: 'python3' } },
        5,
      ),
    );
    assert.deepEqual(stripped.cells[0], {
      cell_type: 'code',
      execution_count: null,
      id: '0',
      metadata: { tags: ['t'], jupyter: { source_hidden: true } },
      outputs: [],
      source: ['a'],
    });
    assert.deepEqual(stripped.cells[1], { cell_type: 'markdown', id: '1', metadata: {}, source: ['# title'] });
    assert.deepEqual(stripped.metadata, { kernelspec: { name: 'python3' } });
  });

  it('keeps outputs marked keep_output (metadata or tag, cell or notebook) and init cells, nulling their counts', () => {
    const result = strip(
      notebookOf([
        code('metadata', {
          metadata: { keep_output: true },
          outputs: [{ output_type: 'execute_result', execution_count: 3, data: { 'text/plain': '1' }, metadata: {} }],
        }),
        code('tag', { metadata: { tags: ['keep_output'] } }),
        code('init', { metadata: { init_cell: true } }),
        code('plain'),
      ]),
    );
    assert.equal(result.cells[0].outputs?.length, 1);
    assert.equal(result.cells[0].outputs?.[0].execution_count, null, 'kept execute_result loses its count');
    assert.equal(result.cells[1].outputs?.length, 1);
    assert.equal(result.cells[2].outputs?.length, 1);
    assert.equal(result.cells[3].outputs?.length, 0);
    assert.equal(
      strip(notebookOf([code('init', { metadata: { init_cell: true } })]), { stripInitCells: true }).cells[0].outputs
        ?.length,
      0,
    );
    const notebookWide = strip(
      notebookOf([code('a'), code('b', { metadata: { keep_output: false } })], { keep_output: true }),
    );
    assert.deepEqual(
      notebookWide.cells.map((cell) => cell.outputs?.length),
      [1, 0],
    );
  });

  it('refuses contradictory keep_output metadata, as nbstripout does', () => {
    assert.throws(
      () =>
        stripNotebook(
          JSON.stringify(notebookOf([code('x', { metadata: { keep_output: false, tags: ['keep_output'] } })])),
          {},
          { file: 'c.ipynb' },
        ),
      (err: unknown) =>
        err instanceof StripError && /c\.ipynb: cell 1: cell metadata contradicts tags/.test(err.message),
    );
  });

  it('applies extra keys, kept keys, counts, empty and tagged cells', () => {
    const notebook = notebookOf(
      [
        code('a', { metadata: { collapsed: true, custom: { drop: 1, keep: 2 }, 'dotted.key': 3 } }),
        code('   \n'),
        code('b', { metadata: { tags: ['scratch'] } }),
        { cell_type: 'markdown', metadata: {}, source: [] },
      ],
      { kernelspec: { name: 'k' }, language_info: { version: '3' } },
    );
    const result = strip(notebook, {
      extraKeys: ['metadata.language_info.version', 'cell.metadata.custom.drop', 'cell.metadata.dotted.key'],
      keepKeys: ['cell.metadata.collapsed'],
      keepCount: true,
      dropEmptyCells: true,
      dropTaggedCells: ['scratch'],
    });
    assert.equal(result.cells.length, 1);
    assert.deepEqual(result.cells[0].metadata, { collapsed: true, custom: { keep: 2 } });
    assert.equal(result.cells[0].execution_count, 3);
    assert.deepEqual(result.metadata, { kernelspec: { name: 'k' }, language_info: {} });
    assert.deepEqual(resolveStripKeys({ extraKeys: ['wrong'] }).warnings, [
      'Ignoring invalid extra key `wrong` (it must start with "metadata." or "cell.")',
    ]);
    assert.equal(resolveStripKeys({}).cell.length + resolveStripKeys({}).notebook.length, DEFAULT_STRIP_KEYS.length);
  });

  it('reports bytes removed, outputs and cells removed, and no change for a stripped notebook', () => {
    const input = fixture('corpus/basic-v4.5.ipynb');
    const result = stripNotebook(input);
    assert.equal(result.changed, true);
    assert.equal(result.bytesBefore, input.length);
    assert.equal(result.bytesRemoved, input.length - Buffer.byteLength(result.text));
    assert.ok(result.bytesRemoved > 1000, `${result.bytesRemoved} bytes removed`);
    assert.equal(result.outputsRemoved, 7);
    const again = stripNotebook(result.text);
    assert.equal(again.changed, false);
    assert.equal(again.text, result.text);
    assert.equal(again.bytesRemoved, 0);
    assert.equal(stripNotebook(fixture('corpus/empty-cells.ipynb'), { dropEmptyCells: true }).cellsRemoved, 5);
  });

  it('works from a parsed document without changing it', () => {
    const document = parseNotebook(fixture('corpus/basic-v4.5.ipynb'));
    const before = JSON.stringify(document.notebook);
    assert.equal(stripNotebook(document).text, stripNotebook(fixture('corpus/basic-v4.5.ipynb')).text);
    assert.equal(JSON.stringify(document.notebook), before);
  });

  it('reads the notebooks section of mlops.yaml and publishes a JSON schema for it', () => {
    const config = readNotebooksConfig({
      strip: {
        keepOutput: true,
        keepCount: false,
        extraKeys: ['metadata.kernelspec'],
        keepKeys: ['cell.metadata.collapsed'],
        dropEmptyCells: true,
        keepId: true,
        dropTaggedCells: ['scratch'],
      },
    });
    assert.deepEqual(stripOptionsFromConfig(config), {
      keepOutput: true,
      keepCount: false,
      extraKeys: ['metadata.kernelspec'],
      keepKeys: ['cell.metadata.collapsed'],
      dropEmptyCells: true,
      keepId: true,
      dropTaggedCells: ['scratch'],
    });
    assert.deepEqual(
      stripOptionsFromConfig(readNotebooksConfig({ strip: { keepOutput: false } })),
      {},
      'keepOutput false leaves the decision to the notebook',
    );
    assert.deepEqual(readNotebooksConfig(undefined), {});
    assert.throws(
      () => readNotebooksConfig({ strip: { keepOutputs: true } }, 'mlops.yaml'),
      (err: unknown) =>
        err instanceof NotebooksConfigError &&
        /mlops\.yaml: notebooks\.strip\.keepOutputs: expected no such option/.test(err.message),
    );
    assert.throws(
      () => readNotebooksConfig({ strip: { extraKeys: ['kernelspec'] } }),
      /keys starting with "metadata\." or "cell\." \(found "kernelspec"\)/,
    );
    assert.throws(
      () => readNotebooksConfig({ strip: { keepCount: 'yes' } }),
      /notebooks\.strip\.keepCount: expected true or false/,
    );
    assert.throws(() => readNotebooksConfig([1]), /notebooks: expected a mapping/);

    const validate = new Ajv({ strict: true }).compile(notebooksConfigSchema);
    assert.equal(
      validate({ strip: { keepOutput: true, extraKeys: ['metadata.kernelspec', 'cell.metadata.tags'] } }),
      true,
      JSON.stringify(validate.errors),
    );
    assert.equal(validate({ strip: { keepOutputs: true } }), false);
    assert.equal(validate({ strip: { extraKeys: ['kernelspec'] } }), false);
  });
});
