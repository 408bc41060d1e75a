import assert from 'node:assert/strict';
import { scanJson } from '../../../../src/core/formats/jsonScan';
import { locateKey } from '../../../../src/core/formats/metricsFiles/keyLocation';

describe('metric key positions', () => {
  it('finds nested and dotted keys in JSON', () => {
    const text =
      '{\n  "train": {"f1": 0.9},\n  "test": {\n    "f1": 0.71,\n    "roc\\u005fauc": 0.8\n  },\n  "a.b": 1\n}\n';
    assert.deepEqual(locateKey(text, 'metrics/eval.json', 'test.f1'), { line: 4, column: 5 });
    assert.deepEqual(locateKey(text, 'metrics/eval.json', 'train.f1'), { line: 2, column: 13 });
    assert.deepEqual(locateKey(text, 'metrics/eval.json', 'test.roc_auc'), { line: 5, column: 5 });
    assert.deepEqual(locateKey(text, 'metrics/eval.json', 'a.b'), { line: 7, column: 3 });
    assert.equal(locateKey(text, 'metrics/eval.json', 'test.recall'), undefined);
  });

  it('finds keys in YAML and TOML', () => {
    assert.deepEqual(locateKey('train:\n  loss: 0.3\ntest:\n  loss: 0.4\n', 'm.yaml', 'test.loss'), {
      line: 4,
      column: 3,
    });
    assert.deepEqual(locateKey('[test]\nf1 = 0.7\n[train]\nf1 = 0.9\n', 'm.toml', 'train.f1'), { line: 4, column: 1 });
  });

  it('gives up quietly on text that is not JSON', () => {
    assert.equal(locateKey('{"b": [1, ', 'm.json', 'a'), undefined);
    assert.equal(
      scanJson('[1, 2', () => undefined),
      false,
    );
    assert.equal(
      scanJson('{"a": [1, {"b": "x\\"y"}]}', () => undefined),
      true,
    );
  });

  it('reports paths and offsets of values', () => {
    const seen: string[] = [];
    scanJson('{"cells": [{"source": ["a", "b"]}]}', (p, offset) => {
      seen.push(`${p.join('/')}@${offset}`);
    });
    assert.deepEqual(seen, [
      '@0',
      'cells@10',
      'cells/0@11',
      'cells/0/source@22',
      'cells/0/source/0@23',
      'cells/0/source/1@28',
    ]);
  });
});
