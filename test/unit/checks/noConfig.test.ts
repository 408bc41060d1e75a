// Checks and `mlops init` on projects without mlops.yaml, written by the real tools (test/interop/checks/
// make_projects.py): a DVC pipeline whose data and model are not pulled, and an MLflow project with a SQLite store.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { describeFindings } from '../../../src/core/checks/engine';
import type { CheckReport, CheckResult } from '../../../src/core/checks/types';
import { seedConfigFor } from '../../../src/core/formats/mlopsYaml/seed';
import { ConfigValidator } from '../../../src/core/formats/mlopsYaml/validate';
import { detectConvention } from '../../../src/core/workspace/discoveredConfig';
import { checkFolder, cloneFixture, commitAll, findings, git, removeTempDirs, tempDir, writeFiles } from './helpers';

describe('checks without mlops.yaml', () => {
  after(removeTempDirs);

  it('runs the default checks on a DVC project whose outputs are not pulled: real findings only', async () => {
    const dir = cloneFixture('dvc');
    assert.equal(fs.existsSync(path.join(dir, 'models', 'model.pkl')), false);
    const { report, file, notice } = await checkFolder(dir);
    assert.equal(file, undefined);
    assert.equal(
      notice,
      "No mlops.yaml: the default checks ran on what was found (1 model, 1 dataset, 0 notebooks). Create mlops.yaml ('mlops init') to name them and refine the checks.",
    );
    assert.deepEqual(findings(report), [
      "environment: requirements.txt:2: 'pandas' is not pinned to an exact version. @ requirements.txt",
      "model-card: models has none of model_card.md, MODEL_CARD.md, README.md (model 'churn-model'). @ models/model.pkl",
    ]);
    // Not pulled is the normal state of a clone: lineage passes on the DVC-tracked model, data and metrics.
    const lineage = report.results.filter((r) => r.checkId === 'lineage');
    assert.deepEqual(
      lineage.map((r) => [r.status, r.target, r.message]),
      [['pass', 'churn-model', '1 dataset(s) and 1 metric file(s) declared and present']],
    );
    assert.equal(report.checks.length, 10);
    assert.equal(describeFindings(report.results), '2 warnings in 2 files');
  });

  it('runs them on an MLflow project: the model file, the requirements, not the store', async () => {
    const dir = cloneFixture('mlflow');
    const { report, file } = await checkFolder(dir);
    assert.equal(file, undefined);
    assert.deepEqual(findings(report), [
      "environment: requirements.txt:2: 'scikit-learn' is not pinned to an exact version. @ requirements.txt",
      "model-card: models has none of model_card.md, MODEL_CARD.md, README.md (model 'model'). @ models/model.pkl",
    ]);
    // Files inside the MLflow store (mlruns/.../artifacts) are the store's, not models of the project.
    assert.equal(
      report.results.some((r) => r.message.includes('mlruns/')),
      false,
    );
  });

  it('a book of many notebooks with committed outputs: counted as notebooks, their outputs one summary finding', async () => {
    // The nbformat notebooks of test/fixtures/checks/notebooks (make_notebooks.py), as a course or book repository
    // holds them: 30 chapters that commit their outputs (one folder item in the Notebooks view) and 2 stripped ones.
    const notebooks = path.resolve(__dirname, '../../../..', 'test', 'fixtures', 'checks', 'notebooks');
    const withOutputs = fs.readFileSync(path.join(notebooks, 'with-outputs.ipynb'));
    const stripped = fs.readFileSync(path.join(notebooks, 'stripped.ipynb'));
    const dir = tempDir();
    const files: Record<string, Buffer> = { 'intro.ipynb': stripped, 'setup.ipynb': stripped };
    for (let n = 1; n <= 30; n++) files[`book/chapter-${String(n).padStart(2, '0')}.ipynb`] = withOutputs;
    writeFiles(dir, files);
    git(dir, ['init', '--quiet']);
    commitAll(dir, 'The book');
    const { report, notice } = await checkFolder(dir);
    assert.match(notice ?? '', /\(0 models, 0 datasets, 32 notebooks\)/);
    const hygiene = report.results.filter((r) => r.checkId === 'notebook-hygiene');
    const outputs = hygiene.filter((r) => r.status === 'fail');
    assert.equal(outputs.length, 1, outputs.map((r) => r.message).join('\n'));
    const [summary] = outputs;
    assert.match(
      summary?.message ?? '',
      /^30 of 32 notebooks have committed outputs \(\d+(\.\d)? KB in total\); the largest: book\/chapter-01\.ipynb \(\d+ B\), book\/chapter-02\.ipynb \(\d+ B\), book\/chapter-03\.ipynb \(\d+ B\)\.$/,
    );
    assert.equal(summary?.location?.file, 'book/chapter-01.ipynb');
    assert.equal(summary?.severity, 'warning');
    const skipped = hygiene.filter((r) => r.status === 'skip');
    assert.equal(skipped.length, 30);
    assert.match(skipped[0]?.message ?? '', /counted in the summary of 30 notebooks$/);
    assert.equal(hygiene.filter((r) => r.status === 'pass').length, 2 + 32 * 3);

    // Up to ten: one finding per notebook, as before.
    const few = tempDir();
    const some: Record<string, Buffer> = {};
    for (let n = 1; n <= 10; n++) some[`chapter-${n}.ipynb`] = withOutputs;
    writeFiles(few, some);
    const each = (await checkFolder(few)).report.results.filter(
      (r) => r.checkId === 'notebook-hygiene' && r.status === 'fail',
    );
    assert.equal(each.length, 10);
    assert.ok(
      each.every((r) =>
        /^chapter-\d+\.ipynb has committed outputs in 2 cells \(\d+ B\), first in cell 2\.$/.test(r.message),
      ),
    );
  });

  it('describes what a run found in one line', () => {
    const result = (severity: 'error' | 'warning' | 'info', file?: string, status: CheckResult['status'] = 'fail') =>
      ({
        checkId: 'c',
        type: 't',
        severity,
        status,
        target: 'x',
        message: 'm',
        ...(file ? { location: { file } } : {}),
      }) as CheckResult;
    assert.equal(describeFindings([]), 'No problems found');
    assert.equal(describeFindings([result('error', 'a', 'pass')]), 'No problems found');
    assert.equal(
      describeFindings([
        result('error', 'a'),
        result('error', 'b'),
        result('error', 'b'),
        result('warning', 'c'),
        result('warning'),
        result('info', 'a'),
      ]),
      '3 errors, 2 warnings, 1 info in 4 files',
    );
    assert.equal(describeFindings([result('warning', 'a')]), '1 warning in 1 file');
  });
});

describe('mlops init seeds mlops.yaml from discovery', () => {
  after(removeTempDirs);
  const validator = new ConfigValidator();

  it('writes the DVC artifact, dataset and metric file with where each came from, and validates', async () => {
    const dir = cloneFixture('dvc');
    const text = await seedConfigFor(dir, 'churn');
    const validation = validator.validate(text);
    assert.deepEqual(
      validation.problems.map((p) => p.message),
      [],
    );
    assert.deepEqual(
      validation.config.models.map((m) => ({ name: m.name, path: m.path, datasets: m.datasets, metrics: m.metrics })),
      [{ name: 'churn-model', path: 'models/model.pkl', datasets: ['train'], metrics: ['metrics/eval.json'] }],
    );
    assert.equal(validation.config.models[0].description, 'Predicts churn from the training data.');
    assert.deepEqual(
      validation.config.datasets.map((d) => [d.name, d.path]),
      [['train', 'data/train.csv']],
    );
    assert.equal(validation.config.project, 'churn');
    assert.match(text, / {2}# DVC artifact 'churn-model' in dvc\.yaml\n {2}- name: churn-model\n/);
    assert.match(text, / {2}# tracked by DVC in data\/train\.csv\.dvc\n {2}- name: train\n/);
    // One model and one dataset follow no pattern worth enforcing: conventions stay commented out.
    assert.deepEqual(validation.config.conventions, {});
    assert.match(text, /^# conventions:$/m);
    // Every model names its datasets and metrics, so the default checks apply as they are.
    assert.equal(validation.config.checks, undefined);
    assert.equal(/classifier|train\.csv"|eval\.json"/.test(text.replace(/^#.*$/gm, '')), false);
  });

  it('adds no lineage or naming finding: checks after init find what they found before', async () => {
    for (const name of ['dvc', 'mlflow'] as const) {
      const dir = cloneFixture(name);
      const before = await checkFolder(dir);
      fs.writeFileSync(path.join(dir, 'mlops.yaml'), await seedConfigFor(dir, name));
      const after = await checkFolder(dir);
      assert.equal(after.file, 'mlops.yaml');
      const messages = (report: CheckReport) => findings(report).map((f) => f.replace(/ @ .*$/, ''));
      assert.deepEqual(messages(after.report), messages(before.report), name);
      assert.equal(
        after.report.results.some((r) => r.status === 'error'),
        false,
        name,
      );
    }
  });

  it('relaxes lineage in a checks section when a model names no datasets, and says why', async () => {
    const dir = cloneFixture('mlflow');
    const text = await seedConfigFor(dir, 'm');
    const validation = validator.validate(text);
    assert.deepEqual(
      validation.problems.filter((p) => p.severity === 'error').map((p) => p.message),
      [],
    );
    assert.deepEqual(
      validation.config.models.map((m) => [m.name, m.path, m.datasets, m.metrics]),
      [['model', 'models/model.pkl', [], []]],
    );
    assert.match(text, / {2}# found in the workspace \(file models\/model\.pkl\)\n/);
    assert.match(text, /^# model names none; set requireDatasets and requireMetrics to true once every model does\.$/m);
    const checks = parse(text) as { checks: { id: string; options?: Record<string, boolean> }[] };
    assert.deepEqual(
      checks.checks.map((c) => c.id),
      [
        'metric-thresholds',
        'metric-regression',
        'large-files',
        'notebook-hygiene',
        'lineage',
        'staleness',
        'environment',
        'model-card',
        'data-schema',
        'data-drift',
      ],
    );
    assert.deepEqual(checks.checks.find((c) => c.id === 'lineage')?.options, {
      requireDatasets: false,
      requireMetrics: false,
    });
    assert.match(text, /^datasets: \[\]$/m);
  });

  it('names model files that discovery reads as versions of one model by their own names, not name-2', async () => {
    const dir = tempDir();
    git(dir, ['init', '--quiet']);
    writeFiles(dir, {
      'models/model_v1.pkl': 'v1',
      'models/model_v2.pkl': 'v2',
      'a/churn.pkl': 'a',
      'b/churn.pkl': 'b',
    });
    commitAll(dir, 'models');
    const validation = validator.validate(await seedConfigFor(dir, 'm'));
    assert.deepEqual(
      validation.config.models.map((m) => [m.name, m.path]).sort((a, b) => (a[0] < b[0] ? -1 : 1)),
      [
        ['a/churn', 'a/churn.pkl'],
        ['b/churn', 'b/churn.pkl'],
        ['model_v1', 'models/model_v1.pkl'],
        ['model_v2', 'models/model_v2.pkl'],
      ],
    );
  });

  it('detects a convention only when every existing name follows it', () => {
    assert.equal(
      detectConvention([
        { name: 'train', path: 'data/train.csv' },
        { name: 'test', path: 'data/test.parquet' },
      ]),
      'data/{name}.{ext}',
    );
    assert.equal(
      detectConvention([
        { name: 'churn', path: 'models/churn-v1.2.0.pkl' },
        { name: 'fraud', path: 'models/fraud-v2.0.1.pkl' },
      ]),
      'models/{name}-v{version}.{ext}',
    );
    assert.equal(
      detectConvention([
        { name: 'train', path: 'data/train.csv' },
        { name: 'test', path: 'inputs/test.csv' },
      ]),
      undefined,
    );
    assert.equal(
      detectConvention([
        { name: 'data/raw/x', path: 'data/raw/x.csv' },
        { name: 'data/y/x', path: 'data/y/x.csv' },
      ]),
      undefined,
    );
    assert.equal(detectConvention([{ name: 'train', path: 'data/train.csv' }]), undefined);
  });

  it('writes a seeded file with conventions that the naming check then passes', async () => {
    const dir = tempDir('mlops-noconfig-');
    fs.mkdirSync(path.join(dir, 'data'));
    fs.writeFileSync(path.join(dir, 'data', 'train.csv'), 'a\n1\n');
    fs.writeFileSync(path.join(dir, 'data', 'test.csv'), 'a\n2\n');
    git(dir, ['init', '--quiet']);
    commitAll(dir, 'Data');
    const text = await seedConfigFor(dir, 'p');
    assert.match(text, /^conventions:\n {2}datasets: "data\/\{name\}\.\{ext\}"$/m);
    fs.writeFileSync(path.join(dir, 'mlops.yaml'), text);
    const { report } = await checkFolder(dir);
    const naming = report.results.filter((r) => r.checkId === 'dataset-naming');
    assert.deepEqual(
      naming.map((r) => [r.status, r.target]),
      [
        ['pass', 'test'],
        ['pass', 'train'],
      ],
    );
  });
});
