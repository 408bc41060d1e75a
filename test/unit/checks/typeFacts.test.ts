// Check types carry their own facts (needs git, which files rerun them, retraining, documentation), and no feature
// or panel tests a check type's name.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { BUILTIN_CHECK_TYPES, checkTypeNamed } from '../../../src/core/checks/builtinTypes';
import { isRetrainTrigger, retrainingAlertMessage } from '../../../src/core/checks/checkType';
import type { CheckResult } from '../../../src/core/checks/types';

const ROOT = path.resolve(__dirname, '../../../..');

function result(type: string, status: CheckResult['status'], extra: Partial<CheckResult> = {}): CheckResult {
  return { checkId: type, type, severity: 'warning', status, target: 'churn', message: 'm', ...extra };
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? sourceFiles(full) : e.name.endsWith('.ts') ? [full] : [];
  });
}

describe('check type facts', () => {
  it('say which types need git (the ones skipped in an untrusted workspace)', () => {
    assert.deepEqual(
      BUILTIN_CHECK_TYPES.filter((t) => t.needsGit)
        .map((t) => t.type)
        .sort(),
      ['data-drift', 'large-file-untracked', 'metric-regression', 'stage-gate', 'staleness'],
    );
  });

  it('name the files whose change reruns them: every file the editor watched before', () => {
    const names = [...new Set(BUILTIN_CHECK_TYPES.flatMap((t) => t.rerunOn))];
    const matches = picomatch(names, { nocase: true, dot: true });
    for (const file of [
      '.gitattributes',
      '.gitignore',
      'pyproject.toml',
      'environment.yml',
      'conda.yaml',
      'dvc.yaml',
      'dvc.lock',
      'data.csv.dvc',
      'requirements-dev.txt',
      'Dockerfile.gpu',
      'LICENSE.md',
      'COPYING',
      'model.pkl',
      'model.onnx',
      'data.parquet',
      'train.ipynb',
    ])
      assert.ok(matches(file), `${file} reruns the checks`);
    for (const file of ['notes.txt', 'script.py', 'image.png']) assert.ok(!matches(file), `${file} does not`);
    assert.deepEqual(checkTypeNamed('environment')?.rerunOn.includes('requirements*.txt'), true);
  });

  it('say which failures are retraining triggers', () => {
    const staleness = checkTypeNamed('staleness');
    const threshold = checkTypeNamed('metric-threshold');
    assert.equal(staleness?.retraining, 'all');
    assert.equal(threshold?.retraining, 'failures');
    assert.equal(isRetrainTrigger(staleness, result('staleness', 'fail', { retrain: true })), true);
    assert.equal(isRetrainTrigger(staleness, result('staleness', 'pass')), false);
    assert.equal(isRetrainTrigger(threshold, result('metric-threshold', 'fail', { key: 'f1||f1|m.json' })), true);
    assert.equal(isRetrainTrigger(threshold, result('metric-threshold', 'fail', { key: 'f1|no-bound' })), false);
    assert.equal(isRetrainTrigger(threshold, result('metric-threshold', 'fail', { key: 'f1|test|missing' })), false);
    const naming = checkTypeNamed('naming-convention');
    assert.equal(naming?.retraining, undefined);
    assert.equal(isRetrainTrigger(naming, result('naming-convention', 'fail')), false);
  });

  it('point at their documentation', () => {
    for (const t of BUILTIN_CHECK_TYPES) assert.equal(t.docsAnchor, `#${t.type}`);
  });

  it('so no feature or panel tests a check type by its name', () => {
    const ids = BUILTIN_CHECK_TYPES.map((t) => t.type);
    const offenders: string[] = [];
    for (const dir of [path.join(ROOT, 'src', 'features'), path.join(ROOT, 'webview')])
      for (const file of sourceFiles(dir)) {
        const text = fs.readFileSync(file, 'utf8');
        for (const id of ids)
          if (text.includes(`'${id}'`) || text.includes(`"${id}"`) || text.includes(`\`${id}\``))
            offenders.push(`${path.relative(ROOT, file)}: ${id}`);
      }
    assert.deepEqual(offenders, []);
  });
});

describe('retraining alert text', () => {
  const finding = (type: string, model: string | undefined, message: string): CheckResult => ({
    checkId: type,
    type,
    severity: 'warning',
    status: 'fail',
    target: 't',
    message,
    model,
  });

  it('names the models and the check types the new findings come from, not a fixed list of reasons', () => {
    assert.equal(
      retrainingAlertMessage([finding('data-drift', undefined, 'transactions drifted on amount')]),
      'Retraining alert: transactions drifted on amount',
    );
    assert.equal(
      retrainingAlertMessage([
        finding('data-drift', undefined, 'transactions drifted on amount'),
        finding('data-drift', undefined, 'transactions drifted on category'),
      ]),
      'Retraining alert: 2 new findings (data-drift). First: transactions drifted on amount',
    );
    assert.equal(
      retrainingAlertMessage([
        finding('metric-threshold', 'fraud', 'f1 below 0.99'),
        finding('staleness', 'fraud', 'last updated 280 days ago'),
        finding('metric-threshold', 'churn', 'auc below 0.9'),
      ]),
      'Retraining alert for fraud and churn: 3 new findings (metric-threshold, staleness). First: f1 below 0.99',
    );
  });
});
