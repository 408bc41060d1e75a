import assert from 'node:assert/strict';
import {
  cloneJson,
  JsonSyntaxError,
  parseJson,
  rawNumberText,
  stringifyJson,
  type JsonObject,
  type JsonStyle,
} from '../../../../src/core/formats/notebook/jsonText';

const python: JsonStyle = {
  indent: ' ',
  newline: '\n',
  keySeparator: ': ',
  itemSeparator: ',',
  sortKeys: true,
  asciiOnly: false,
  numbers: 'python',
  keepNumberText: false,
};
const preserve: JsonStyle = { ...python, sortKeys: false, keepNumberText: true };

function syntaxError(text: string): JsonSyntaxError {
  try {
    parseJson(text);
  } catch (err) {
    assert.ok(err instanceof JsonSyntaxError, `expected a JsonSyntaxError, got ${String(err)}`);
    return err;
  }
  assert.fail(`parsed ${JSON.stringify(text)} without error`);
}

describe('notebooks: JSON text', () => {
  it('keeps the text of numbers that JavaScript would rewrite', () => {
    const text = '{"a": 1.0, "b": 1e-05, "c": 12345678901234567890, "d": -0, "e": 2.50, "f": [1.0, 2, 1E400]}';
    const { value } = parseJson(text);
    const object = value as JsonObject;
    assert.equal(rawNumberText(object, 'a'), '1.0');
    assert.equal(rawNumberText(object, 'b'), '1e-05');
    assert.equal(rawNumberText(object, 'c'), '12345678901234567890');
    assert.equal(rawNumberText(object.f as JsonObject, 0), '1.0');
    assert.equal(rawNumberText(object.f as JsonObject, 1), undefined, '2 needs no record');
    assert.equal(stringifyJson(value, { ...preserve, indent: null, itemSeparator: ', ' }), text);
  });

  it('writes numbers as Python does when the text is not kept', () => {
    const { value } = parseJson(
      '{"a": 1.0, "b": 0.00001, "c": 12345678901234567890, "d": -0, "e": 2.50, "f": 1E400, "g": 1e-7, "h": 1e21, "i": 100}',
    );
    assert.equal(
      stringifyJson(value, { ...python, indent: null, itemSeparator: ', ' }),
      '{"a": 1.0, "b": 1e-05, "c": 12345678901234567890, "d": 0, "e": 2.5, "f": Infinity, "g": 1e-07, "h": 1e+21, "i": 100}',
    );
  });

  it('writes a changed number fresh and an unchanged one as it was', () => {
    const { value } = parseJson('{"a": 1.0, "b": 1.0}');
    const object = value as JsonObject;
    object.b = 2;
    assert.equal(stringifyJson(object, { ...preserve, indent: null, itemSeparator: ', ' }), '{"a": 1.0, "b": 2}');
  });

  it('keeps the order of keys JavaScript would move, and sorts like Python when asked', () => {
    const { value, sortedKeys } = parseJson('{"b": 1, "10": 2, "a": 3, "9": 4}');
    assert.equal(sortedKeys, false);
    assert.deepEqual(Object.keys(value as JsonObject), ['9', '10', 'b', 'a'], 'JavaScript reorders integer keys');
    assert.equal(
      stringifyJson(value, { ...preserve, indent: null, itemSeparator: ',', keySeparator: ':' }),
      '{"b":1,"10":2,"a":3,"9":4}',
    );
    assert.equal(
      stringifyJson(value, { ...python, indent: null, itemSeparator: ',', keySeparator: ':' }),
      '{"10":2,"9":4,"a":3,"b":1}',
    );
    const copy = cloneJson(value);
    (copy as JsonObject).c = 5;
    assert.equal(
      stringifyJson(copy, { ...preserve, indent: null, itemSeparator: ',', keySeparator: ':' }),
      '{"b":1,"10":2,"a":3,"9":4,"c":5}',
    );
  });

  it('reads duplicate keys as Python does and keeps __proto__ as data', () => {
    const { value } = parseJson('{"a": 1, "b": 2, "a": 3, "__proto__": {"x": 1}}');
    const object = value as JsonObject;
    assert.deepEqual(Object.keys(object), ['a', 'b', '__proto__']);
    assert.equal(object.a, 3);
    assert.equal(Object.getPrototypeOf(object), Object.prototype);
    assert.deepEqual(object.__proto__, { x: 1 });
  });

  it('reads NaN and Infinity as Python writes them', () => {
    const { value } = parseJson('[NaN, Infinity, -Infinity, -1]');
    assert.deepEqual(value, [NaN, Infinity, -Infinity, -1]);
    assert.equal(
      stringifyJson(value, { ...python, indent: null, itemSeparator: ', ' }),
      '[NaN, Infinity, -Infinity, -1]',
    );
  });

  it('decodes escapes and writes strings as json.dumps(ensure_ascii=False) or (ensure_ascii=True)', () => {
    const { value } = parseJson(
      '["\\u00e9\\n\\t\\"\\\\\\/\\ud83d\\ude00", "caf\u00e9 \u2028 \u007f \u0001"]'.replace('\u0001', '\\u0001'),
    );
    assert.deepEqual(value, ['é\n\t"\\/😀', 'café \u2028 \u007f \u0001']);
    assert.equal(
      stringifyJson(value, { ...python, indent: null, itemSeparator: ', ' }),
      '["é\\n\\t\\"\\\\/😀", "café \u2028 \u007f \\u0001"]',
    );
    assert.equal(
      stringifyJson(value, { ...python, indent: null, itemSeparator: ', ', asciiOnly: true }),
      '["\\u00e9\\n\\t\\"\\\\/\\ud83d\\ude00", "caf\\u00e9 \\u2028 \\u007f \\u0001"]',
    );
  });

  it('indents as Python and JavaScript do, empty containers inline', () => {
    const value = { b: [1, { c: [] }], a: {} };
    assert.equal(stringifyJson(value, python), JSON.stringify({ a: {}, b: [1, { c: [] }] }, null, 1));
    assert.equal(stringifyJson(value, { ...preserve, indent: '  ' }), JSON.stringify(value, null, 2));
    assert.equal(
      stringifyJson(value, { ...preserve, indent: '\t', newline: '\r\n' }),
      JSON.stringify(value, null, '\t').replace(/\n/g, '\r\n'),
    );
  });

  it('reports the line and column of a syntax error, and whether the input was cut short', () => {
    const wrong = syntaxError('{\n "a": 1,\n "b": tru\n}');
    assert.equal(wrong.line, 3);
    assert.equal(wrong.column, 7);
    assert.equal(wrong.truncated, false);
    const truncated = syntaxError('{\n "cells": [\n  {"source": "abc');
    assert.equal(truncated.truncated, true);
    assert.match(truncated.message, /missing closing quote/);
    assert.match(syntaxError('{"a": 1} x').message, /after the end of the JSON value/);
    assert.match(syntaxError('{"a": "x\ny"}').message, /control character U\+000A/);
    assert.match(syntaxError('{"a": "\\x"}').message, /invalid escape/);
    assert.match(syntaxError('[01]').message, /expected ',' or '\]'/);
    assert.match(syntaxError('').message, /empty/);
    assert.equal(syntaxError('{"a": [1, 2').truncated, true);
  });

  it('refuses absurd nesting instead of overflowing the stack', () => {
    const deep = '['.repeat(100000) + ']'.repeat(100000);
    assert.match(syntaxError(deep).message, /nested more than 1000 levels/);
    assert.deepEqual(parseJson('[[[]]]', { maxDepth: 3 }).value, [[[]]]);
  });

  it('reads a string without escapes across a later backslash correctly', () => {
    const { value } = parseJson('["plain", "with \\"quote\\"", "plain again", "x\\\\"]');
    assert.deepEqual(value, ['plain', 'with "quote"', 'plain again', 'x\\']);
  });
});
