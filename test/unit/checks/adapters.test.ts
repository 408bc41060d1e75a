import assert from 'node:assert/strict';
import picomatch from 'picomatch';
import { ciPathFilters, ciWorkflow } from '../../../src/core/checks/ci';
import { projectConfigFromMlops } from '../../../src/core/checks/fromMlopsConfig';
import { resolveChecks } from '../../../src/core/checks/engine';
import type { MlopsConfig } from '../../../src/core/formats/mlopsYaml/model';
import type { ProjectConfig } from '../../../src/core/checks/types';
import { config, failures, makeRepo, passes, removeTempDirs, run } from './helpers';

const project: ProjectConfig = {
  models: [{ name: 'm', path: 'models/m [v1].pkl', datasets: [], metrics: ['eval/m.json'] }],
  datasets: [{ name: 'd', path: 'data/d/' }],
  metrics: [],
  conventions: {},
  exclude: [],
};

describe('adapters', () => {
  after(removeTempDirs);

  it('maps the validated workspace config, taking checks from an unknown section until the schema has them', () => {
    const mlops: MlopsConfig = {
      version: 1,
      project: 'p',
      models: [{ name: 'm', path: 'models/m.pkl', datasets: ['d'], metrics: ['eval.json'], tags: [], stage: 'dev' }],
      datasets: [{ name: 'd', path: 'data/d.csv' }],
      metrics: [{ key: 'f1', goal: 'maximize', threshold: 0.8 }],
      conventions: { models: ['models/{name}.{ext}'], folders: ['x'] },
      exclude: ['tmp/**'],
      unknownSections: { checks: [{ type: 'lineage' }] },
    };
    const mapped = projectConfigFromMlops(mlops);
    assert.deepEqual(mapped.conventions, {
      models: ['models/{name}.{ext}'],
      datasets: undefined,
      notebooks: undefined,
    });
    assert.deepEqual(mapped.models[0], {
      name: 'm',
      path: 'models/m.pkl',
      datasets: ['d'],
      metrics: ['eval.json'],
      stage: 'dev',
      owner: undefined,
    });
    assert.deepEqual(
      resolveChecks(mapped).map((c) => c.id),
      ['lineage'],
    );
  });

  it('accepts a list of naming patterns: any one of them will do', async () => {
    const text = config('  - { id: naming, type: naming-convention }\n').replace(
      '  models: models/{name}/{name}-v{version}.{ext}',
      '  models:\n    - models/{name}/{name}-v{version}.{ext}\n    - legacy/{name}.{ext}',
    );
    const dir = makeRepo({
      'mlops.yaml': text.replace('path: models/churn/churn-v1.0.0.pkl', 'path: legacy/churn.pkl'),
    });
    const report = await run(dir);
    assert.deepEqual(failures(report), []);
    assert.equal(passes(report)[0].message, 'legacy/churn.pkl follows legacy/{name}.{ext}');
  });

  it('derives CI path filters that match the configured paths (glob characters escaped)', () => {
    const filters = ciPathFilters(project, { configFile: 'mlops.yaml' });
    assert.deepEqual(filters, [
      '**/*.ipynb',
      'data/d',
      'data/d.dvc',
      'data/d/**',
      'eval/m.json',
      'mlops.yaml',
      'models/m \\[v1\\].pkl',
      'models/m \\[v1\\].pkl.dvc',
      'models/m \\[v1\\].pkl/**',
    ]);
    const matches = (p: string): boolean => filters.some((f) => picomatch(f, { dot: true })(p));
    assert.ok(matches('models/m [v1].pkl') && matches('data/d/part-0.parquet') && matches('eval/m.json'));
    assert.ok(!matches('models/m1.pkl'));
    assert.match(
      ciWorkflow('gitlab', project, { packageSpec: 'mlops-workbench@1.0.0' }),
      /- "models\/m \\\\\[v1\\\\\]\.pkl"/,
    );
  });
});
