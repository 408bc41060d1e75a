import assert from 'node:assert/strict';
import {
  codePoints,
  comparePythonStrings,
  hasNonSpace,
  pythonEqual,
  pythonFloatRepr,
  pythonLength,
  pythonSplitLines,
  pythonTruthy,
} from '../../../src/core/notebooks/pythonCompat';
import { TextComparer } from '../../../src/core/notebooks/similarity';

describe('notebooks: Python compatibility', () => {
  it('writes floats as Python repr does', () => {
    // Reference values printed by CPython 3.11: [value, repr(value)].
    const cases: [number, string][] = [
      [1.0, '1.0'],
      [1e-5, '1e-05'],
      [0.0001, '0.0001'],
      [1e16, '1e+16'],
      [1e15, '1000000000000000.0'],
      [123456789.123, '123456789.123'],
      [0.1 + 0.2, '0.30000000000000004'],
      [1 / 3, '0.3333333333333333'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [-0, '-0.0'],
      [2.5e-7, '2.5e-07'],
      [1e22, '1e+22'],
      [1.2345678901234568e16, '1.2345678901234568e+16'],
      [100, '100.0'],
      [-1.5e-10, '-1.5e-10'],
      [3.14, '3.14'],
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      [-Infinity, '-Infinity'],
    ];
    for (const [value, repr] of cases) assert.equal(pythonFloatRepr(value), repr, `repr(${value})`);
  });

  it('splits lines at every boundary str.splitlines knows, keeping the endings', () => {
    assert.deepEqual(pythonSplitLines('a\r\nb\rc\vd\fe\x1cf\x85g\u2028h\u2029i\n'), [
      'a\r\n',
      'b\r',
      'c\v',
      'd\f',
      'e\x1c',
      'f\x85',
      'g\u2028',
      'h\u2029',
      'i\n',
    ]);
    assert.deepEqual(pythonSplitLines('one\ntwo'), ['one\n', 'two']);
    assert.deepEqual(pythonSplitLines(''), []);
    assert.deepEqual(pythonSplitLines('\n\n'), ['\n', '\n']);
  });

  it('counts, orders and tests whitespace like Python str', () => {
    assert.equal(pythonLength('a😀b'), 3);
    assert.deepEqual(codePoints('a😀'), [0x61, 0x1f600]);
    // Code point order puts an astral character after U+FFEF; UTF-16 order would not.
    assert.ok(comparePythonStrings('😀', '\uffef') > 0);
    assert.ok(comparePythonStrings('a', 'b') < 0);
    assert.ok(comparePythonStrings('ab', 'a') > 0);
    assert.equal(hasNonSpace(' \t\n\u00a0\u3000\x1c'), false);
    assert.equal(hasNonSpace(' x '), true);
  });

  it('compares and tests truth of JSON values like Python', () => {
    assert.equal(pythonEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1.0 }), true);
    assert.equal(pythonEqual(true, 1), true);
    assert.equal(pythonEqual({ a: NaN }, { a: NaN }), true);
    assert.equal(pythonEqual([1], [1, 2]), false);
    assert.equal(pythonEqual({ a: 1 }, { a: 1, b: null }), false);
    for (const falsy of [null, false, 0, '', [], {}]) assert.equal(pythonTruthy(falsy), false, JSON.stringify(falsy));
    for (const truthy of [true, 1, 'x', [0], { a: null }, NaN])
      assert.equal(pythonTruthy(truthy), true, JSON.stringify(truthy));
  });

  it('measures similarity as difflib.SequenceMatcher does', () => {
    // Reference: SequenceMatcher(None, a, b, autojunk=False).ratio() and .quick_ratio() in CPython 3.11.
    const cases: [string, string, number, number][] = [
      ['abcd', 'bcde', 0.75, 0.75],
      ['hello world', 'hello there world', 0.7857142857142857, 0.7857142857142857],
      ['import numpy as np\nx = 1', 'import numpy as np\nx = 2\n', 0.9387755102040817, 0.9387755102040817],
      ['a'.repeat(30) + 'b', 'b' + 'a'.repeat(30), 0.967741935483871, 1.0],
      ['The quick brown fox', 'The quick brown dog jumps', 0.7727272727272727, 0.7727272727272727],
      ['😀abc', 'abc😀', 0.75, 1.0],
      ['def f(x):\n    return x**2', 'def f(x):\n    return x ** 2  # square', 0.8064516129032258, 0.8064516129032258],
    ];
    const comparer = new TextComparer();
    for (const [a, b, ratio, quick] of cases) {
      assert.equal(comparer.ratio(a, b), ratio, `ratio ${a} / ${b}`);
      assert.equal(comparer.quickRatio(a, b), quick, `quick_ratio ${a} / ${b}`);
    }
    assert.equal(comparer.similar('abcd', 'bcde', 0.7), true);
    assert.equal(comparer.similar('abcd', 'bcde', 0.75), false, 'the ratio must exceed the threshold');
    assert.equal(comparer.similar('', 'x'), false);
    assert.equal(comparer.similar('same', 'same', 0.99), true);
    // Above maxLength only equality counts.
    assert.equal(comparer.similar('x'.repeat(20) + 'a', 'x'.repeat(20) + 'b', 0.7, 10), false);
    assert.equal(comparer.similar('x'.repeat(20) + 'a', 'x'.repeat(20) + 'b', 0.7), true);
  });

  it('estimates the ratio of very large texts from lines', () => {
    const lines = Array.from({ length: 4000 }, (_, i) => `line ${i} of a long generated log output\n`);
    const a = lines.join('');
    const b = [...lines.slice(0, 2000), 'an inserted line\n', ...lines.slice(2000)].join('');
    // 160,000 x 160,000 characters: a character-pair search would outlast mocha's timeout.
    const ratio = new TextComparer().ratio(a, b);
    assert.ok(ratio > 0.99 && ratio < 1, `ratio ${ratio}`);
  });
});
