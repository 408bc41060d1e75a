// The YAML helpers shared by the readers of YAML formats: `yamlData` must give the yaml library's own data for
// ordinary documents (it replaces the library's conversion, which is quadratic on hostile text), and `scanYaml`
// must stop at the first limit it passes.
import assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import { starterConfig } from '../../../src/core/formats/mlopsYaml/starter';
import { MAX_YAML_DEPTH, scanYaml, yamlData } from '../../../src/core/formats/yamlText';
import { SAMPLE_CONFIG } from '../checks/sample';

const parse = (text: string) => parseDocument(text, { uniqueKeys: false, logLevel: 'error' });

describe('yamlData', () => {
  const documents: [string, string][] = [
    ['the starter configuration', starterConfig('x')],
    ['the sample configuration', SAMPLE_CONFIG],
    ['anchors and aliases', 'a: &a { x: 1, y: [1, 2] }\nb: *a\nc: [*a, *a]\nd: &s text\ne: *s\n'],
    ['an anchor redefined', 'a: &x 1\nb: *x\nc: &x 2\nd: *x\n'],
    ['keys of every kind', '1: one\n1.5: x\ntrue: t\n~: n\n__proto__: p\ntoString: s\n"": empty\n? [a, b]\n: seq\n'],
    ['a repeated key (the later wins)', 'a: 1\nb: 2\na: 3\n'],
    ['numbers at the edges', 'a: .nan\nb: -.inf\nc: 0x1f\nd: 1e400\ne: 9007199254740993\n'],
    [
      'YAML 1.1: merge keys, timestamps, yes/no',
      '%YAML 1.1\n---\nb: &b {x: 1, y: 2}\nc:\n  <<: *b\n  y: 3\nd: 2001-12-14\ne: yes\n',
    ],
    ['YAML 1.1: a list of merge sources', '%YAML 1.1\n---\na: &a {x: 1}\nb: &b {x: 2, z: 3}\nc:\n  <<: [*a, *b]\n'],
  ];
  for (const [name, text] of documents)
    it(`gives the library's data for ${name}`, () => {
      const doc = parse(text);
      const data = yamlData(doc);
      assert.equal(data.refused, undefined);
      assert.deepEqual(data.value, doc.toJS());
    });

  it('finds repeated keys at the later key, in every mapping', () => {
    const text = 'a: 1\nb: { x: 1, x: 2 }\na: 2\n';
    const data = yamlData(parse(text));
    assert.deepEqual(
      data.duplicateKeys.map((offset) => text.slice(offset, offset + 1)),
      ['x', 'a'],
    );
    assert.deepEqual(data.duplicateKeys, [text.indexOf('x: 2'), text.lastIndexOf('a: 2')]);
  });

  it('refuses an alias loop, nesting and expansion past its limits, at the node that passes them', () => {
    const loop = 'a: &x { b: [*x] }\n';
    assert.deepEqual(yamlData(parse(loop)).refused, { code: 'alias-loop', offset: loop.indexOf('*x'), alias: 'x' });
    const deep = `a: ${'['.repeat(MAX_YAML_DEPTH)}${']'.repeat(MAX_YAML_DEPTH)}\n`;
    assert.deepEqual(yamlData(parse(deep)).refused, { code: 'too-deep', offset: 3 + MAX_YAML_DEPTH - 1 });
    const wide = `a: &a [1, 2, 3]\nb: [*a, *a, *a]\n`;
    // 20 values: the mapping, 2 keys, the list of 3 and the list of 3 aliases, 4 values each.
    assert.deepEqual(yamlData(parse(wide), { maxValues: 15 }).refused, {
      code: 'too-many-values',
      offset: wide.indexOf('*a, *a]'),
    });
    assert.equal(yamlData(parse(wide), { maxValues: 20 }).refused, undefined);
  });
});

describe('scanYaml', () => {
  it('counts tokens and stops at the first one past the limit', () => {
    assert.deepEqual(scanYaml('a: [1, 2, 3]\n', 64, 8), undefined);
    assert.deepEqual(scanYaml('a: [1, 2, 3]\n', 64, 7), { limit: 'tokens', line: 0, column: 10, depth: 2 });
  });

  it('resumes counting block nesting after a flow collection a short line cut off', () => {
    const text = `a:\n  - { b: 1\n- ${'- '.repeat(10)}x\n`;
    assert.deepEqual(scanYaml(text, 5, Infinity), { limit: 'depth', line: 2, column: 10, depth: 6 });
  });
});
