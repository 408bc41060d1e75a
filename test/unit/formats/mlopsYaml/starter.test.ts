import assert from 'node:assert/strict';
import { parseDocument } from 'yaml';
import { starterConfig, summarizeConfig } from '../../../../src/core/formats/mlopsYaml/starter';

describe('starter mlops.yaml', () => {
  it('parses as YAML without errors or warnings', () => {
    const doc = parseDocument(starterConfig('fraud-detection'));
    assert.deepEqual(doc.errors, []);
    assert.deepEqual(doc.warnings, []);
  });

  it('carries version 1, the project name and one example of each section', () => {
    assert.deepEqual(summarizeConfig(starterConfig('fraud-detection')), {
      version: 1,
      project: 'fraud-detection',
      models: ['classifier'],
      datasets: ['training-data'],
      metrics: ['f1', 'loss'],
    });
  });

  it('quotes a project name that YAML would otherwise misread', () => {
    assert.equal(summarizeConfig(starterConfig('yes: #1')).project, 'yes: #1');
    assert.equal(summarizeConfig(starterConfig('')).project, 'my-ml-project');
  });

  it('explains its sections in comments', () => {
    const text = starterConfig('p');
    for (const section of ['models:', 'datasets:', 'metrics:', 'conventions:', 'exclude:']) {
      const at = text.indexOf(`\n${section}`);
      assert.ok(at > 0, `${section} present`);
      assert.match(text.slice(0, at).split('\n').pop() ?? '', /^# /, `${section} has a comment above it`);
    }
  });

  it('rejects a document that is not a mapping', () => {
    assert.throws(() => summarizeConfig('- a\n- b\n'), /mapping/);
    assert.throws(() => summarizeConfig('a: [1, 2'), /./);
  });
});
