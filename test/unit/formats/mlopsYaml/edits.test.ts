import assert from 'node:assert/strict';
import { pathValueEdits } from '../../../../src/core/formats/mlopsYaml/edits';

describe('mlops.yaml edits', () => {
  it('replaces every value (never a key) that names the renamed path, keeping its quoting', () => {
    const text = [
      'models:',
      '  - name: models/a.pkl',
      '    path: ./models/a.pkl',
      '    metrics: [\'models/a.pkl\', "models/a.pkl"]',
      'models/a.pkl: kept',
      '',
    ].join('\n');
    const edits = pathValueEdits(text, 'models/a.pkl', 'models/b v1.pkl');
    let out = text;
    for (const edit of [...edits].reverse()) out = out.slice(0, edit.range[0]) + edit.text + out.slice(edit.range[1]);
    assert.equal(
      out,
      [
        'models:',
        '  - name: models/b v1.pkl',
        '    path: models/b v1.pkl',
        '    metrics: [\'models/b v1.pkl\', "models/b v1.pkl"]',
        'models/a.pkl: kept',
        '',
      ].join('\n'),
    );
  });

  it('edits nothing in a file nested too deep to parse safely', () => {
    let text = '';
    for (let level = 0; level < 1000; level++) text += `${'  '.repeat(level)}- models/a.pkl\n`;
    assert.deepEqual(pathValueEdits(text, 'models/a.pkl', 'models/b.pkl'), []);
  });
});
