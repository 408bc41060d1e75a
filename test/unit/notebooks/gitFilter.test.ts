import assert from 'node:assert/strict';
import {
  hasNotebookFilter,
  NOTEBOOK_FILTER_NAME,
  notebookFilterSettings,
  withNotebookAttributes,
} from '../../../src/core/notebooks/gitFilter';
import { newCellId, parseNotebook } from '../../../src/core/formats/notebook/format';
import { fixture } from './fixtures';

describe('notebooks: git filter settings', () => {
  it('configures a clean filter and a textconv diff driver around the mlops command', () => {
    const settings = notebookFilterSettings('"/opt/node" "/opt/mlops/cli.js"');
    assert.deepEqual(settings.config, [
      ['filter.mlops-nbstrip.clean', '"/opt/node" "/opt/mlops/cli.js" nbstrip --stdin'],
      ['filter.mlops-nbstrip.smudge', 'cat'],
      ['filter.mlops-nbstrip.required', 'true'],
      ['diff.mlops-nbstrip.textconv', '"/opt/node" "/opt/mlops/cli.js" nbstrip --textconv'],
    ]);
    assert.equal(settings.attributesLine, '*.ipynb filter=mlops-nbstrip diff=mlops-nbstrip');
    assert.equal(notebookFilterSettings('mlops', { required: false }).config[2][1], 'false');
  });

  it('adds the .gitattributes line once, keeping line endings', () => {
    assert.equal(withNotebookAttributes(''), '*.ipynb filter=mlops-nbstrip diff=mlops-nbstrip\n');
    assert.equal(
      withNotebookAttributes('*.csv -diff'),
      '*.csv -diff\n*.ipynb filter=mlops-nbstrip diff=mlops-nbstrip\n',
    );
    assert.equal(
      withNotebookAttributes('*.csv -diff\r\n'),
      '*.csv -diff\r\n*.ipynb filter=mlops-nbstrip diff=mlops-nbstrip\r\n',
    );
    const once = withNotebookAttributes('*.csv -diff\n');
    assert.equal(withNotebookAttributes(once), once);
    assert.deepEqual(hasNotebookFilter('*.ipynb filter=nbstripout\n*.ipynb diff=ipynb\n'), {
      filter: 'nbstripout',
      diff: 'ipynb',
    });
    assert.deepEqual(hasNotebookFilter(once), { filter: NOTEBOOK_FILTER_NAME, diff: NOTEBOOK_FILTER_NAME });
    assert.deepEqual(hasNotebookFilter('*.py text\n'), { filter: undefined, diff: undefined });
  });

  it('makes new cell ids that the notebook does not use', () => {
    const notebook = parseNotebook(fixture('corpus/basic-v4.5.ipynb')).notebook;
    const ids = new Set(Array.from({ length: 50 }, () => newCellId(notebook)));
    assert.equal(ids.size, 50);
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}$/);
  });
});
