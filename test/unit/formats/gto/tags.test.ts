// The GTO tag grammar, checked against the cases of GTO's own test suite (tests/test_tag.py,
// tests/test_constants.py) as facts, plus the versions and counters GTO writes.
import assert from 'node:assert/strict';
import {
  bumpVersion,
  compareVersions,
  formatGtoTag,
  isRegistryEventTag,
  isValidFullName,
  isValidName,
  isValidVersion,
  nextCounter,
  parseGtoTag,
} from '../../../../src/core/formats/gto/tags';
import { parseGtoArtifacts } from '../../../../src/core/formats/gto/artifacts';

describe('GTO tag grammar', () => {
  it('accepts the names GTO accepts and refuses the ones it refuses', () => {
    const valid = [
      '1',
      'm',
      'nn',
      'm1',
      '1nn',
      'model-prod',
      'model-prod-v1',
      'model_prod_v1',
      'dvclive/model',
      'model_A',
      'DVCLive/Model',
    ];
    const invalid = [
      '',
      'm/',
      '/m',
      '###',
      '@@@',
      'a model',
      '_model',
      '-model',
      'model-',
      'model@1',
      'model#1',
      '@namespace/model',
      'a.b',
    ];
    assert.deepEqual(
      valid.filter((n) => !isValidName(n)),
      [],
    );
    assert.deepEqual(
      invalid.filter((n) => isValidName(n)),
      [],
    );
    for (const n of ['model', 'dvclive:model', 'some/folder:some/model', 'some/Other_Folder:some/model'])
      assert.equal(isValidFullName(n), true, n);
    assert.equal(isValidFullName('a:b:c'), false);
  });

  it('parses the tags of GTO test_parse_name', () => {
    assert.deepEqual(parseGtoTag('path@v1.2.3'), { name: 'path', version: 'v1.2.3', action: 'register' });
    assert.deepEqual(parseGtoTag('path@v1.2.3#5'), { name: 'path', version: 'v1.2.3', action: 'register', counter: 5 });
    assert.deepEqual(parseGtoTag('path@v1.2.3!'), { name: 'path', version: 'v1.2.3', action: 'deregister' });
    assert.deepEqual(parseGtoTag('path@v1.2.3!#2'), {
      name: 'path',
      version: 'v1.2.3',
      action: 'deregister',
      counter: 2,
    });
    assert.deepEqual(parseGtoTag('path#stage'), { name: 'path', action: 'assign', stage: 'stage' });
    assert.deepEqual(parseGtoTag('path#stage#1'), { name: 'path', action: 'assign', stage: 'stage', counter: 1 });
    assert.deepEqual(parseGtoTag('path#stage!#2'), { name: 'path', action: 'unassign', stage: 'stage', counter: 2 });
    assert.deepEqual(parseGtoTag('m@deprecated'), { name: 'm', action: 'deprecate' });
    assert.deepEqual(parseGtoTag('m@deprecated#3'), { name: 'm', action: 'deprecate', counter: 3 });
    assert.deepEqual(parseGtoTag('some/folder=some/model@v0.0.1'), {
      name: 'some/folder:some/model',
      version: 'v0.0.1',
      action: 'register',
    });
  });

  it('refuses the wrong names of GTO test_parse_wrong_names', () => {
    const wrong = [
      '',
      '###',
      '@@@',
      'model@v1',
      'nn#prod#-1',
      'model@v111',
      'model-prod',
      'model@0.0.1',
      'model-prod-v1',
      'model#prod#-1',
      'model#prod#1-2',
      'model#prod?#1-2',
      'model#prod@v1.2.3',
      'model@v1.2.3#prod',
      'model-prod-v1-stage',
      'model@prod@v1@stage-1',
      'namespace/model@0.0.1',
      '@namespace/model@0.0.1',
      'model#prod#v1#stage#1-',
      'model#prod-v1-stage@1-2',
      'model#prod-v1-stage@1-2#@',
      'm@deprecated!',
      'a.b@v1.0.0',
    ];
    assert.deepEqual(
      wrong.filter((t) => parseGtoTag(t) !== undefined),
      [],
    );
  });

  it('parses the correct names of GTO test_parse_correct_names', () => {
    const right = [
      'nn#prod',
      'nn#prod!',
      'nn#prod#1',
      'nn@v1.0.0',
      'nn#prod!#2',
      'nn@v1.0.0!',
      'nn@v1.0.0#1',
      'nn@v1.0.0!#1',
      'nn@v1.0.0-rc.2',
      'nn@v1.0.0-alpha',
      'nn@v1.0.0-alpha.1',
      'nn@v1.0.0-alpha.beta',
      'new-artifact@v1.0.1!',
    ];
    assert.deepEqual(
      right.filter((t) => parseGtoTag(t) === undefined),
      [],
    );
    assert.equal(parseGtoTag('m@created')?.action, 'create');
  });

  it('writes the tags of GTO test_name_tag', () => {
    assert.equal(formatGtoTag('register', 'myartifact', { version: 'v1.0.0' }), 'myartifact@v1.0.0');
    assert.equal(formatGtoTag('register', 'myartifact', { version: 'v1.0.0', counter: 1 }), 'myartifact@v1.0.0#1');
    assert.equal(formatGtoTag('deregister', 'myartifact', { version: 'v1.0.0' }), 'myartifact@v1.0.0!');
    assert.equal(formatGtoTag('assign', 'myartifact', { stage: 'stage' }), 'myartifact#stage');
    assert.equal(formatGtoTag('assign', 'myartifact', { stage: 'stage', counter: 1 }), 'myartifact#stage#1');
    assert.equal(formatGtoTag('unassign', 'myartifact', { stage: 'stage', counter: 1 }), 'myartifact#stage!#1');
    assert.equal(formatGtoTag('deprecate', 'dir:m'), 'dir=m@deprecated');
    assert.throws(() => formatGtoTag('register', 'bad name', { version: 'v1.0.0' }), /Invalid model name 'bad name'/);
    assert.throws(() => formatGtoTag('register', 'm', { version: '1.0.0' }), /Invalid version '1.0.0'/);
    assert.throws(() => formatGtoTag('assign', 'm', { stage: 'prod!' }), /Invalid stage 'prod!'/);
  });

  it('counts #N over every tag of the artifact, as GTO does', () => {
    const tags = ['m@v0.0.1', 'm#prod#1', 'm#staging#4', 'm#prod!#2', 'other#prod#9', 'not-gto'];
    assert.equal(nextCounter('m', tags), 5);
    assert.equal(nextCounter('other', tags), 10);
    assert.equal(nextCounter('new', tags), 1);
  });

  it('tells registry events from versions', () => {
    assert.deepEqual(
      ['m@v1.0.0', 'm#prod#1', 'm#prod!#2', 'm@v1.0.0!', 'm@deprecated', 'release-1'].map(isRegistryEventTag),
      [false, true, true, true, true, false],
    );
  });

  it('orders and bumps versions as GTO (python-semver) does', () => {
    assert.equal(isValidVersion('v1.0.0-rc.1+build.5'), true);
    assert.equal(isValidVersion('v01.0.0'), false);
    const sorted = ['v1.0.0', 'v1.0.0-rc.1', 'v0.9.10', 'v0.9.9', 'v1.0.0-alpha', 'v1.0.0-alpha.1', 'v2.0.0'].sort(
      compareVersions,
    );
    assert.deepEqual(sorted, [
      'v0.9.9',
      'v0.9.10',
      'v1.0.0-alpha',
      'v1.0.0-alpha.1',
      'v1.0.0-rc.1',
      'v1.0.0',
      'v2.0.0',
    ]);
    assert.equal(bumpVersion('v1.2.3-rc.1+b', 'patch'), 'v1.2.4');
    assert.equal(bumpVersion('v1.2.3', 'minor'), 'v1.3.0');
    assert.equal(bumpVersion('v1.2.3', 'major'), 'v2.0.0');
  });

  it('reads artifacts.yaml entries and skips invalid names', () => {
    const parsed = parseGtoArtifacts(
      'churn:\n  type: model\n  path: models/churn.pkl\n  labels: [tabular, prod]\n  description: Churn model\nbad name:\n  type: model\n',
      'artifacts.yaml',
    );
    assert.deepEqual(parsed.artifacts, [
      {
        name: 'churn',
        type: 'model',
        path: 'models/churn.pkl',
        virtual: true,
        labels: ['tabular', 'prod'],
        description: 'Churn model',
      },
    ]);
    assert.equal(parsed.problems.length, 1);
    assert.match(parsed.problems[0], /'bad name' is not a valid artifact name/);
  });
});
