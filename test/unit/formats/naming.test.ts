import assert from 'node:assert/strict';
import {
  compareVersions,
  compileConvention,
  conventionRegExp,
  fileExtension,
  matchesConvention,
  NamingPatternError,
  splitVersion,
  suggestConventionalPath,
} from '../../../src/core/formats/naming';

describe('naming patterns: the naming check', () => {
  const models = 'models/{name}/{name}-v{version}.{ext}';

  it('matches {name}, semver {version} and {ext}', () => {
    assert.equal(matchesConvention(models, 'models/churn/churn-v1.2.3.pkl', { name: 'churn' }), true);
    assert.equal(matchesConvention(models, 'models/churn/churn-v1.2.3-rc.1+build.5.onnx', { name: 'churn' }), true);
    assert.equal(matchesConvention(models, 'models/churn/churn-v1.2.pkl', { name: 'churn' }), true, 'two parts');
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
        err instanceof NamingPatternError &&
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

describe('naming patterns: the explorer', () => {
  it('matches a pattern and captures its placeholders (a repeated one must agree)', () => {
    const match = compileConvention('models/{name}/{name}-v{version}.{ext}');
    assert.deepEqual(match('models/clf/clf-v1.2.0.onnx'), { name: 'clf', version: '1.2.0', ext: 'onnx' });
    assert.equal(match('models/clf/other-v1.2.0.onnx'), undefined);
    assert.equal(match('models/clf/clf.onnx'), undefined);
    assert.deepEqual(compileConvention('notebooks/{date}-{name}.ipynb')('notebooks/2026-01-05-eda.ipynb'), {
      date: '2026-01-05',
      name: 'eda',
    });
    assert.deepEqual(compileConvention('**/{name}.{ext}')('a/b/c.csv'), { name: 'c', ext: 'csv' });
    assert.equal(compileConvention('data/*.csv')('data/x/y.csv'), undefined);
  });

  it('splits a version off a file stem and orders versions numerically', () => {
    assert.deepEqual(splitVersion('classifier-v1.2.0'), { name: 'classifier', version: '1.2.0' });
    assert.deepEqual(splitVersion('model_v3'), { name: 'model', version: '3' });
    assert.deepEqual(splitVersion('bert_2.1'), { name: 'bert', version: '2.1' });
    assert.deepEqual(splitVersion('resnet50'), { name: 'resnet50' });
    assert.deepEqual(splitVersion('efficientnetv2'), { name: 'efficientnetv2' });
    assert.deepEqual(['1.10.0', '1.9.2', '2.0.0', '1.10.0-rc1'].sort(compareVersions), [
      '1.9.2',
      '1.10.0-rc1',
      '1.10.0',
      '2.0.0',
    ]);
  });
});

describe('naming patterns: one verdict for the explorer and the naming check', () => {
  const pattern = 'models/{name}/{name}-v{version}.{ext}';
  const paths = [
    'models/churn/churn-v1.pkl',
    'models/churn/churn-v1.2.pkl',
    'models/churn/churn-v1.2.3.pkl',
    'models/churn/churn-v1.2.3-rc.1+build.5.onnx',
    'models/churn/churn-v01.2.pkl',
    'models/churn/churn-v1.2.3.4.pkl',
    'models/churn/churn-vx.pkl',
    'models/churn/other-v1.2.pkl',
    'models/churn/churn.pkl',
  ];

  it('a model version v1.2 follows {version} for both', () => {
    assert.deepEqual(compileConvention(pattern)('models/churn/churn-v1.2.pkl'), {
      name: 'churn',
      version: '1.2',
      ext: 'pkl',
    });
    assert.equal(matchesConvention(pattern, 'models/churn/churn-v1.2.pkl', { name: 'churn' }), true);
  });

  it('every path gets the same verdict from both', () => {
    const explorer = paths.map((p) => compileConvention(pattern)(p) !== undefined);
    const check = paths.map((p) => matchesConvention(pattern, p, { name: 'churn' }));
    assert.deepEqual(check, explorer);
    // churn-v1.2.3.4.pkl follows with version 1.2.3 and the double extension 4.pkl (as data.tar.gz would).
    assert.deepEqual(explorer, [true, true, true, true, false, true, false, false, false]);
  });
});
