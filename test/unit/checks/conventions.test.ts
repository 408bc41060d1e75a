import assert from 'node:assert/strict';
import {
  conventionRegExp,
  fileExtension,
  matchesConvention,
  suggestConventionalPath,
} from '../../../src/core/checks/conventions';
import { CheckInputError } from '../../../src/core/checks/types';

describe('naming conventions', () => {
  const models = 'models/{name}/{name}-v{version}.{ext}';

  it('matches {name}, semver {version} and {ext}', () => {
    assert.equal(matchesConvention(models, 'models/churn/churn-v1.2.3.pkl', { name: 'churn' }), true);
    assert.equal(matchesConvention(models, 'models/churn/churn-v1.2.3-rc.1+build.5.onnx', { name: 'churn' }), true);
    assert.equal(matchesConvention(models, 'models/churn/churn-v1.2.pkl', { name: 'churn' }), false, 'not semver');
    assert.equal(matchesConvention(models, 'models/churn/churn-v01.2.3.pkl', { name: 'churn' }), false, 'leading zero');
    assert.equal(matchesConvention(models, 'models/other/other-v1.0.0.pkl', { name: 'churn' }), false, 'another name');
    assert.equal(matchesConvention(models, 'models/churn/model.pkl', { name: 'churn' }), false);
  });

  it('matches {date} as a real YYYY-MM-DD, * within a segment and ** across folders', () => {
    assert.equal(matchesConvention('notebooks/{date}-{name}.ipynb', 'notebooks/2026-03-01-explore.ipynb'), true);
    assert.equal(matchesConvention('notebooks/{date}-{name}.ipynb', 'notebooks/2026-13-01-explore.ipynb'), false);
    assert.equal(matchesConvention('notebooks/*.ipynb', 'notebooks/a b.ipynb'), true);
    assert.equal(matchesConvention('notebooks/*.ipynb', 'notebooks/sub/a.ipynb'), false);
    assert.equal(matchesConvention('**/{name}.ipynb', 'a/b/c/explore-data.ipynb'), true);
    assert.equal(matchesConvention('**/{name}.ipynb', 'explore-data.ipynb'), true);
  });

  it('escapes regular-expression characters in literal parts', () => {
    assert.equal(matchesConvention('data/{name}.(v1).{ext}', 'data/x.(v1).csv'), true);
    assert.equal(matchesConvention('data/{name}.(v1).{ext}', 'data/xa(v1)bcsv'), false);
    assert.equal(conventionRegExp('a+b/{ext}').test('a+b/csv'), true);
  });

  it('suggests the conventional path for a rename quick fix', () => {
    assert.equal(
      suggestConventionalPath(models, 'models/fraud-classifier/model.pkl', { name: 'fraud-classifier' }),
      'models/fraud-classifier/fraud-classifier-v<version>.pkl',
    );
    assert.equal(
      suggestConventionalPath(models, 'models/churn/churn_1.4.0.pkl', { name: 'churn' }),
      'models/churn/churn-v1.4.0.pkl',
      'keeps a version it finds',
    );
    assert.equal(
      suggestConventionalPath('data/{name}.{ext}', 'datasets/Customers.tar.gz', { name: 'customers' }),
      'data/customers.tar.gz',
    );
    assert.equal(
      suggestConventionalPath('notebooks/{date}-{name}.ipynb', 'nb/Explore Data.ipynb'),
      'notebooks/<date>-explore-data.ipynb',
    );
    assert.equal(suggestConventionalPath('models/{name}', 'models/x/weights', { name: 'churn' }), 'models/churn');
    assert.equal(suggestConventionalPath('*/{name}.{ext}', 'notebooks/Analysis.ipynb'), 'notebooks/analysis.ipynb');
  });

  it('reports an unknown placeholder with the setting and what to use', () => {
    assert.throws(
      () => matchesConvention('models/{nmae}.pkl', 'models/a.pkl', {}, 'conventions.models'),
      (err: unknown) =>
        err instanceof CheckInputError &&
        /conventions\.models: unknown placeholder '\{nmae\}'.*\{name\}, \{version\}/.test(err.message),
    );
  });

  it('finds extensions, including double ones', () => {
    assert.equal(fileExtension('a/model.pkl'), 'pkl');
    assert.equal(fileExtension('a/data.tar.gz'), 'tar.gz');
    assert.equal(fileExtension('a/LICENSE'), '');
    assert.equal(fileExtension('a/.gitignore'), '');
  });
});
