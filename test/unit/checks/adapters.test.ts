import assert from 'node:assert/strict';
import picomatch from 'picomatch';
import { ciPathFilters, ciWorkflow } from '../../../src/core/checks/ci';
import { parseProjectConfig } from '../../../src/core/checks/defaults/config';
import { resolveChecks } from '../../../src/core/checks/engine';
import { emptyConfig, type MlopsConfig } from '../../../src/core/formats/mlopsYaml/model';
import { config, failures, makeRepo, passes, removeTempDirs, run } from './helpers';

const project: MlopsConfig = {
  ...emptyConfig(),
  models: [{ name: 'm', path: 'models/m [v1].pkl', datasets: [], metrics: ['eval/m.json'], tags: [] }],
  datasets: [{ name: 'd', path: 'data/d/' }],
};

describe('adapters', () => {
  after(removeTempDirs);

  it('reads the validated workspace config as the one model the checks run on', () => {
    const text = [
      'version: 1',
      'project: p',
      'models:',
      '  - { name: m, path: models/m.pkl, datasets: [d], metrics: [eval.json], stage: dev }',
      'datasets:',
      '  - { name: d, path: data/d.csv }',
      'metrics:',
      '  - { key: f1, goal: maximize, threshold: 0.8 }',
      'conventions:',
      '  models: models/{name}.{ext}',
      '  folders: x',
      'exclude: [tmp/**]',
      'checks:',
      '  - type: lineage',
      '',
    ].join('\n');
    const loaded = parseProjectConfig(text);
    const mapped: MlopsConfig = loaded.config;
    assert.deepEqual(mapped.conventions, { models: ['models/{name}.{ext}'], folders: ['x'] });
    assert.deepEqual(mapped.models[0], {
      name: 'm',
      path: 'models/m.pkl',
      datasets: ['d'],
      metrics: ['eval.json'],
      tags: [],
      stage: 'dev',
      position: { line: 4, column: 5 },
    });
    assert.deepEqual(
      resolveChecks(mapped, loaded).map((c) => [c.id, c.position]),
      [['lineage', { line: 14, column: 5 }]],
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
