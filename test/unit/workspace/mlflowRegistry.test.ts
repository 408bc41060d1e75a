import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { listRegisteredModels } from '../../../src/core/formats/mlflow/fileStore';
import { readMlflowRegistry } from '../../../src/core/workspace/mlflowRegistry';
import { root } from '../../harness/paths';

const store = path.join(root, 'test', 'fixtures', 'mlflow', 'mlruns');

describe('MLflow registry in the explorer (through the file-store reader)', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlflow-registry-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('lists the same versions as the Experiments reader, with folders, aliases and stages', async () => {
    const registry = await readMlflowRegistry(store);
    const models = await listRegisteredModels(store);
    assert.deepEqual(registry.problems, []);
    assert.deepEqual(
      registry.versions.map((v) => `${v.name}/${v.version}`),
      models.flatMap((m) => m.versions.map((v) => `${m.name}/${v.version}`)),
    );
    const champion = registry.versions.find((v) => v.aliases.includes('champion'))!;
    assert.equal(champion.name, 'fraud-classifier');
    assert.equal(champion.version, '2');
    assert.equal(champion.folder, path.join(store, 'models', 'fraud-classifier', 'version-2'));
    assert.deepEqual(champion.tags, { validated: 'true' });
  });

  it('reports a malformed meta.yaml as a problem and keeps the rest; reads aliases kept in meta.yaml', async () => {
    const models = path.join(tmp, 'mlruns', 'models', 'churn');
    fs.mkdirSync(path.join(models, 'version-1'), { recursive: true });
    fs.mkdirSync(path.join(models, 'version-2'), { recursive: true });
    fs.writeFileSync(path.join(models, 'meta.yaml'), 'name: churn\naliases:\n  prod: 1\ndescription: Churn\n');
    fs.writeFileSync(
      path.join(models, 'version-1', 'meta.yaml'),
      'name: churn\nversion: 1\ncurrent_stage: Production\nrun_id: abc\nsource: runs:/abc/model\n',
    );
    fs.writeFileSync(path.join(models, 'version-2', 'meta.yaml'), 'name: [churn\n');
    const registry = await readMlflowRegistry(path.join(tmp, 'mlruns'));
    assert.deepEqual(
      registry.versions.map((v) => [v.name, v.version, v.stage, v.aliases, v.runId, v.description]),
      [['churn', '1', 'production', ['prod'], 'abc', 'Churn']],
    );
    assert.equal(registry.problems.length, 1);
    assert.equal(registry.problems[0].file, path.join(models, 'version-2', 'meta.yaml'));
    assert.match(registry.problems[0].message, /not valid YAML .*; this registry entry is skipped\.$/);
    await assert.rejects(listRegisteredModels(path.join(tmp, 'mlruns')), /version-2[/\\]meta\.yaml.*not valid YAML/);
  });
});
