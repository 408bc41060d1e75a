import assert from 'node:assert/strict';
import { lineColumn } from '../../src/core/textPosition';

describe('lineColumn', () => {
  it('counts lines by LF and columns in UTF-16 code units, both from 1', () => {
    const text = 'ab\r\ncd\n\u{1F600}x';
    assert.deepEqual(lineColumn(text, 0), { line: 1, column: 1 });
    assert.deepEqual(lineColumn(text, 2), { line: 1, column: 3 }); // the CR stays on its line
    assert.deepEqual(lineColumn(text, 4), { line: 2, column: 1 });
    assert.deepEqual(lineColumn(text, 7), { line: 3, column: 1 });
    assert.deepEqual(lineColumn(text, 9), { line: 3, column: 3 }); // after a surrogate pair
  });

  it('takes an offset outside the text at its nearer end', () => {
    assert.deepEqual(lineColumn('a\nbc', 99), { line: 2, column: 3 });
    assert.deepEqual(lineColumn('a\nbc', -5), { line: 1, column: 1 });
    assert.deepEqual(lineColumn('', 0), { line: 1, column: 1 });
  });
});
