import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { lfsAttributesLine } from '../../../src/core/checks/builtin/largeFileUntracked';
import {
  commitAll,
  config,
  DAY,
  BASE_TIME,
  failures,
  makeRepo,
  passes,
  removeTempDirs,
  run,
  writeFiles,
} from './helpers';

const base = { 'metrics/eval.json': '{"test": {"f1": 0.9}}\n', 'data/customers.csv': 'id\n1\n' };

describe('naming-convention', () => {
  after(removeTempDirs);
  const checks =
    '  - { id: model-naming, type: naming-convention, scope: models }\n  - { id: dataset-naming, type: naming-convention, scope: datasets }\n  - { id: notebook-naming, type: naming-convention, scope: notebooks, options: { pattern: "notebooks/{date}-{name}.ipynb" } }\n';

  it('passes paths that follow the conventions', async () => {
    const dir = makeRepo({
      ...base,
      'mlops.yaml': config(checks),
      'models/churn/churn-v1.0.0.pkl': 'w',
      'notebooks/2026-01-02-explore.ipynb': '{}',
    });
    const report = await run(dir);
    assert.deepEqual(failures(report), []);
    assert.deepEqual(
      passes(report).map((p) => [p.checkId, p.target]),
      [
        ['model-naming', 'churn'],
        ['dataset-naming', 'customers'],
        ['notebook-naming', 'notebooks/2026-01-02-explore.ipynb'],
      ],
    );
  });

  it('names the expected path and offers a rename', async () => {
    const text = config(checks).replace('path: models/churn/churn-v1.0.0.pkl', 'path: models/churn/model.pkl');
    const dir = makeRepo({
      ...base,
      'mlops.yaml': text,
      'models/churn/model.pkl': 'w',
      'notebooks/Explore.ipynb': '{}',
    });
    const report = await run(dir);
    const [model] = failures(report, 'model-naming');
    assert.equal(model.message, 'models/churn/model.pkl should be named models/churn/churn-v<version>.pkl');
    assert.deepEqual(model.fix, {
      kind: 'rename',
      from: 'models/churn/model.pkl',
      to: 'models/churn/churn-v<version>.pkl',
    });
    assert.deepEqual(model.location, { file: 'mlops.yaml', line: 4, column: 5 }, 'points at the model entry');
    const [nb] = failures(report, 'notebook-naming');
    assert.equal(nb.message, 'notebooks/Explore.ipynb should be named notebooks/<date>-explore.ipynb');
    assert.deepEqual(nb.location, { file: 'notebooks/Explore.ipynb' });
  });
});

describe('large-file-untracked', () => {
  after(removeTempDirs);
  const checks = '  - { id: large, type: large-file-untracked, options: { maxSize: 1KB } }\n';
  const big = Buffer.alloc(4096, 7);

  it('fails a large plain blob, with the LFS and DVC commands and the .gitattributes line', async () => {
    const dir = makeRepo({ ...base, 'mlops.yaml': config(checks), 'models/weights.bin': big, 'small.txt': 'x' });
    const report = await run(dir);
    const [finding] = failures(report);
    assert.equal(failures(report).length, 1);
    assert.equal(finding.target, 'models/weights.bin');
    assert.equal(
      finding.message,
      'models/weights.bin is 4.0 KB, above the 1.0 KB limit, and is committed as a plain git blob.',
    );
    assert.match(finding.hint!, /git lfs track "\*\.bin"/);
    assert.match(finding.hint!, /dvc add models\/weights\.bin \(first: git rm --cached models\/weights\.bin\)/);
    assert.deepEqual(finding.fix, {
      kind: 'appendLine',
      file: '.gitattributes',
      line: '*.bin filter=lfs diff=lfs merge=lfs -text',
    });
    writeFiles(dir, { 'new.bin': big });
    assert.match(
      failures(await run(dir)).find((f) => f.target === 'new.bin')!.message,
      /would be committed as a plain git blob/,
    );
  });

  it('passes files in Git LFS (attributes or pointer), tracked by DVC, ignored, or under the limit', async () => {
    const pointer =
      'version https://git-lfs.github.com/spec/v1\noid sha256:' +
      'a'.repeat(64) +
      '\nsize 9999999\n' +
      ' '.repeat(2000);
    const dir = makeRepo({
      ...base,
      'mlops.yaml': config(checks),
      '.gitattributes': '*.onnx filter=lfs diff=lfs merge=lfs -text\n',
      '.gitignore': '/cache/\n',
      'models/a.onnx': big,
      'models/b.pt': pointer,
      'data/raw.parquet': big,
      'data/raw.parquet.dvc': 'outs:\n- md5: 0\n  path: raw.parquet\n',
      'cache/tmp.bin': big,
      'dvc.yaml':
        'stages:\n  train:\n    cmd: python train.py\n    outs:\n      - out/model.pkl\n      - out/report.bin:\n          cache: false\n',
      'out/model.pkl': big,
    });
    const report = await run(dir);
    assert.deepEqual(
      passes(report).map((p) => [p.target, p.message]),
      [
        ['(all files)', '7 of 11 files are within 1.0 KB'],
        ['data/raw.parquet', 'data/raw.parquet (4.0 KB) is tracked by DVC'],
        ['models/a.onnx', 'models/a.onnx (4.0 KB) is stored with Git LFS'],
        ['models/b.pt', 'models/b.pt (2.1 KB) is stored with Git LFS'],
        ['out/model.pkl', 'out/model.pkl (4.0 KB) is tracked by DVC'],
      ],
    );
    assert.deepEqual(failures(report), []);
    writeFiles(dir, { 'out/report.bin': big });
    assert.deepEqual(
      failures(await run(dir)).map((f) => f.target),
      ['out/report.bin'],
      'an out with cache: false is a plain git file',
    );
  });

  it('writes a .gitattributes line per extension, or for the path', () => {
    assert.equal(lfsAttributesLine('a/b/data.tar.gz'), '*.tar.gz filter=lfs diff=lfs merge=lfs -text');
    assert.equal(lfsAttributesLine('weights'), '/weights filter=lfs diff=lfs merge=lfs -text');
  });
});

describe('lineage', () => {
  after(removeTempDirs);
  const checks = '  - { id: lineage, type: lineage }\n';

  it('passes a model whose datasets and metric files are declared and present (or DVC-tracked)', async () => {
    const dir = makeRepo({ ...base, 'mlops.yaml': config(checks), 'models/churn/churn-v1.0.0.pkl': 'w' });
    fs.renameSync(path.join(dir, 'data/customers.csv'), path.join(dir, 'data/customers.csv.dvc'));
    const report = await run(dir);
    assert.deepEqual(failures(report), []);
    assert.equal(passes(report)[0].message, '1 dataset(s) and 1 metric file(s) declared and present');
  });

  it('fails undeclared datasets and missing paths, pointing at the model entry', async () => {
    const text = config(checks)
      .replace('datasets: [customers]', 'datasets: [customers, clicks]')
      .replace('metrics: [metrics/eval.json]', 'metrics: [metrics/eval.json, metrics/missing.json]');
    const dir = makeRepo({ 'mlops.yaml': text, 'metrics/eval.json': '{}' });
    const report = await run(dir);
    assert.deepEqual(
      failures(report).map((f) => f.message),
      [
        "Dataset 'customers' of model 'churn': data/customers.csv does not exist.",
        "Model 'churn' names dataset 'clicks', which is not declared under datasets:.",
        "Metric file metrics/missing.json of model 'churn' does not exist.",
        "Model 'churn': models/churn/churn-v1.0.0.pkl does not exist.",
      ],
      'same target and location: ordered by finding key',
    );
    assert.ok(failures(report).every((f) => f.location?.file === 'mlops.yaml' && f.location.line === 4));
  });

  it('fails a model that declares no datasets or metrics', async () => {
    const text = config(checks).replace('    datasets: [customers]\n    metrics: [metrics/eval.json]\n', '');
    const report = await run(makeRepo({ ...base, 'mlops.yaml': text, 'models/churn/churn-v1.0.0.pkl': 'w' }));
    assert.deepEqual(
      failures(report).map((f) => f.key),
      ['datasets', 'metrics'],
    );
  });
});

describe('staleness', () => {
  after(removeTempDirs);
  const checks = '  - { id: staleness, type: staleness, options: { maxAgeDays: 30 } }\n';

  it('passes a fresh model newer than its data with metrics within thresholds', async () => {
    const dir = makeRepo({ ...base, 'mlops.yaml': config(checks), 'models/churn/churn-v1.0.0.pkl': 'w' });
    const report = await run(dir, {}, BASE_TIME + 5 * DAY);
    assert.deepEqual(failures(report), []);
    assert.equal(
      passes(report)[0].message,
      'updated 2026-03-02 (5 days ago), newer than its data, metrics within thresholds',
    );
  });

  it('raises retraining alerts for age, newer data and a metric past its threshold', async () => {
    const dir = makeRepo({ ...base, 'mlops.yaml': config(checks), 'models/churn/churn-v1.0.0.pkl': 'w' });
    writeFiles(dir, { 'data/customers.csv': 'id\n1\n2\n', 'metrics/eval.json': '{"test": {"f1": 0.5}}\n' });
    commitAll(dir, 'New data', BASE_TIME + 3 * DAY);
    const report = await run(dir, {}, BASE_TIME + 40 * DAY);
    const alerts = failures(report);
    assert.deepEqual(
      alerts.map((a) => a.key),
      ['metric:f1|test|test.f1', 'age', 'dataset:customers'],
    );
    assert.ok(alerts.every((a) => a.retrain === true && a.model === 'churn' && a.severity === 'info'));
    assert.equal(alerts[0].location?.file, 'metrics/eval.json');
    assert.match(alerts[0].message, /f1 \(test\) is 0\.5, past its threshold 0\.8/);
    assert.match(alerts[1].message, /last updated on 2026-03-02, 40 days ago \(limit 30\)/);
    assert.match(alerts[2].message, /Dataset 'customers' changed on 2026-03-05, after model 'churn' \(2026-03-02\)/);
  });
});

describe('required-files', () => {
  after(removeTempDirs);
  const checks =
    '  - { id: model-card, type: required-files, scope: models }\n  - { id: license, type: required-files, scope: paths, severity: error, options: { anyOf: [LICENSE, "LICENSE.*"] } }\n';

  it('passes when a model card and a licence exist', async () => {
    const dir = makeRepo({
      ...base,
      'mlops.yaml': config(checks),
      'models/churn/churn-v1.0.0.pkl': 'w',
      'models/churn/model_card.md': '#',
      'LICENSE.txt': 'MIT',
    });
    const report = await run(dir);
    assert.deepEqual(failures(report), []);
    assert.deepEqual(
      passes(report).map((p) => p.message),
      ['models/churn/model_card.md present', 'LICENSE.txt present'],
    );
  });

  it('fails when they are missing', async () => {
    const dir = makeRepo({
      ...base,
      'mlops.yaml': config(checks),
      'models/churn/churn-v1.0.0.pkl': 'w',
      'README.md': '#',
    });
    const report = await run(dir);
    assert.deepEqual(
      failures(report).map((f) => [f.checkId, f.severity, f.message]),
      [
        ['model-card', 'warning', "models/churn has none of model_card.md, MODEL_CARD.md, README.md (model 'churn')."],
        ['license', 'error', 'the root has none of LICENSE, LICENSE.*.'],
      ],
    );
  });
});
