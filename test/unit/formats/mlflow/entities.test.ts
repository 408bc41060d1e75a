import assert from 'node:assert/strict';
import { compareText, errorCode, integerField, textField } from '../../../../src/core/formats/mlflow/entities';

describe('MLflow field helpers shared by the three readers', () => {
  it('reads text fields: strings as they are, numbers and booleans as text, nothing else', () => {
    assert.equal(textField('run name'), 'run name');
    assert.equal(textField(''), '');
    assert.equal(textField(42), '42');
    assert.equal(textField(false), 'false');
    assert.equal(textField(12345678901234567890n), '12345678901234567890');
    for (const other of [null, undefined, {}, [], Symbol('x')]) assert.equal(textField(other), undefined);
  });

  it('reads integer fields from numbers and from their decimal text (JSON int64), nothing else', () => {
    assert.equal(integerField(1_767_600_000_000), 1_767_600_000_000);
    assert.equal(integerField('1767600000000'), 1_767_600_000_000);
    assert.equal(integerField('-3'), -3);
    for (const other of ['1.5', '1e3', ' 7', '', 'abc', NaN, Infinity, null, undefined, true])
      assert.equal(integerField(other), undefined, String(other));
  });

  it('orders by code units, whatever the locale', () => {
    assert.deepEqual(['b', 'B', 'a', 'é', 'e', 'a'].sort(compareText), ['B', 'a', 'a', 'b', 'e', 'é']);
    assert.equal(compareText('x', 'x'), 0);
  });

  it('shows a failed file operation by its code, else its message', () => {
    assert.equal(errorCode(Object.assign(new Error('no such file'), { code: 'ENOENT' })), 'ENOENT');
    assert.equal(errorCode(new Error('disk on fire')), 'disk on fire');
    assert.equal(errorCode('plain text'), 'plain text');
  });
});
