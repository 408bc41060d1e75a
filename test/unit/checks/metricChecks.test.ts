import assert from 'node:assert/strict';
import {
  commitAll,
  config,
  DAY,
  BASE_TIME,
  failures,
  git,
  makeRepo,
  passes,
  removeTempDirs,
  run,
  tempDir,
  writeFiles,
} from './helpers';

const evalJson = (f1: number, loss = 0.3): string =>
  `${JSON.stringify({ train: { f1: 0.97, loss: 0.1 }, test: { f1, loss } }, null, 2)}\n`;

function repo(checks: string, f1: number, loss?: number): string {
  return makeRepo({
    'mlops.yaml': config(checks),
    'metrics/eval.json': evalJson(f1, loss),
    'models/churn/churn-v1.0.0.pkl': 'weights',
  });
}

describe('metric-threshold', () => {
  after(removeTempDirs);

  it('passes every model, metric and split within its threshold', async () => {
    const report = await run(repo('  - { id: thresholds, type: metric-threshold }\n', 0.85));
    assert.deepEqual(failures(report), []);
    assert.deepEqual(
      passes(report).map((p) => p.target),
      ['churn: f1 (test)', 'churn: f1 (train)', 'churn: loss (test)', 'churn: loss (train)'],
    );
  });

  it('fails a metric below its threshold and points at the key in the metrics file', async () => {
    const report = await run(repo('  - { id: thresholds, type: metric-threshold }\n', 0.71, 0.7));
    const failed = failures(report);
    assert.equal(failed.length, 2);
    const f1 = failed.find((f) => f.target === 'churn: f1 (test)')!;
    assert.equal(f1.severity, 'error');
    assert.equal(f1.model, 'churn');
    assert.equal(f1.message, 'churn: f1 (test) is 0.71, below the minimum 0.8 (goal: maximize).');
    assert.deepEqual(f1.location, { file: 'metrics/eval.json', line: 7, column: 5 });
    const loss = failed.find((f) => f.target === 'churn: loss (test)')!;
    assert.match(loss.message, /loss \(test\) is 0\.7, above the maximum 0\.5 \(goal: minimize\)/);
    assert.equal(loss.location?.line, 8);
  });

  it('honours metric, split and min options, and fails a configured metric that has no value', async () => {
    const checks =
      '  - { id: f1-test, type: metric-threshold, options: { metric: f1, split: test, min: 0.9 } }\n  - { id: recall, type: metric-threshold, severity: warning, options: { metric: recall, min: 0.5 } }\n';
    const report = await run(repo(checks, 0.85));
    assert.deepEqual(
      failures(report).map((f) => [f.checkId, f.target, f.severity]),
      [
        ['f1-test', 'churn: f1 (test)', 'error'],
        ['recall', 'churn: recall', 'warning'],
      ],
    );
    assert.match(failures(report, 'recall')[0].message, /no value for metric recall in metrics\/eval\.json/);
    assert.equal(passes(report, 'f1-test').length, 0, 'the train split is not checked');
  });
});

describe('metric-regression', () => {
  after(removeTempDirs);
  const check = (options: string): string =>
    `  - { id: regression, type: metric-regression, options: { metric: f1, split: test${options} } }\n`;

  it('compares with the newest tag matching a pattern and fails a drop beyond the tolerance', async () => {
    const dir = repo(check(", baseline: '{name}@v*', tolerance: 0.01"), 0.7);
    git(dir, ['tag', '-a', 'churn@v1.0.0', '-m', 'v1.0.0'], BASE_TIME);
    writeFiles(dir, { 'metrics/eval.json': evalJson(0.9) });
    commitAll(dir, 'Better model', BASE_TIME + DAY);
    git(dir, ['tag', '-a', 'churn@v1.1.0', '-m', 'v1.1.0'], BASE_TIME + DAY);
    writeFiles(dir, { 'metrics/eval.json': evalJson(0.85) });
    const report = await run(dir);
    const [finding] = failures(report);
    assert.equal(failures(report).length, 1);
    assert.equal(finding.severity, 'warning');
    assert.equal(
      finding.message,
      'churn: f1 (test) regressed: 0.9 at churn@v1.1.0 -> 0.85 (lower is worse; allowed 0.01).',
    );
    assert.equal(finding.location?.file, 'metrics/eval.json');
    assert.equal(finding.location?.line, 7);
  });

  it('passes within an absolute or relative tolerance', async () => {
    for (const options of [', baseline: HEAD, tolerance: 0.1', ', baseline: HEAD, relativeTolerance: 0.1']) {
      const dir = repo(check(options), 0.9);
      writeFiles(dir, { 'metrics/eval.json': evalJson(0.84) });
      const report = await run(dir);
      assert.deepEqual(failures(report), [], options);
      assert.match(passes(report)[0].message, /f1 \(test\): 0\.9 at HEAD -> 0\.84/);
    }
  });

  it('uses the merge base with the default branch by default', async () => {
    const dir = repo(check(''), 0.9);
    git(dir, ['checkout', '--quiet', '-b', 'feature']);
    writeFiles(dir, { 'metrics/eval.json': evalJson(0.8) });
    commitAll(dir, 'Worse model', BASE_TIME + DAY);
    const report = await run(dir);
    assert.equal(failures(report).length, 1);
    assert.match(failures(report)[0].message, /0\.9 at the merge base [0-9a-f]{7} -> 0\.8/);
    git(dir, ['checkout', '--quiet', 'main']);
    assert.deepEqual(failures(await run(dir)), [], 'no regression on the default branch itself');
  });

  it('skips when there is no baseline: no matching tag, or no git repository', async () => {
    const report = await run(repo(check(", baseline: 'churn@v*'"), 0.9));
    assert.deepEqual(failures(report), []);
    assert.match(report.results[0].message, /No baseline: the newest tag matching churn@v\* does not exist/);
    const plain = tempDir();
    writeFiles(plain, { 'mlops.yaml': config(check('')), 'metrics/eval.json': evalJson(0.9) });
    const outside = await run(plain);
    assert.equal(outside.results[0].status, 'skip');
    assert.match(outside.results[0].message, /Not a git repository/);
  });
});

describe('metrics files with NaN and Infinity, as Python json.dump writes them', () => {
  after(removeTempDirs);

  it('gives value findings, not parse errors, in every check that reads metrics', async () => {
    const checks =
      '  - { id: thresholds, type: metric-threshold }\n' +
      '  - { id: regression, type: metric-regression, options: { metric: loss, baseline: HEAD } }\n' +
      '  - { id: staleness, type: staleness, options: { datasets: false } }\n';
    const dir = makeRepo({
      'mlops.yaml': config(checks),
      'metrics/eval.json': '{"f1": 0.85, "loss": 0.2}\n',
      'models/churn/churn-v1.0.0.pkl': 'weights',
    });
    writeFiles(dir, { 'metrics/eval.json': '{\n  "f1": Infinity,\n  "loss": NaN\n}\n' });
    const report = await run(dir);
    assert.deepEqual(
      report.results.filter((r) => r.status === 'error').map((r) => r.message),
      [],
    );
    assert.deepEqual(
      failures(report).map((f) => [f.checkId, f.target, f.location?.line]),
      [
        ['thresholds', 'churn: loss', 3],
        ['regression', 'churn: loss', 3],
        ['staleness', 'churn', 3],
      ],
    );
    assert.equal(
      failures(report, 'thresholds')[0].message,
      'churn: loss is NaN, above the maximum 0.5 (goal: minimize).',
    );
    assert.match(failures(report, 'regression')[0].message, /loss regressed: 0\.2 at HEAD -> NaN/);
    assert.match(failures(report, 'staleness')[0].message, /loss is NaN, past its threshold 0\.5/);
    assert.deepEqual(
      passes(report, 'thresholds').map((p) => p.target),
      ['churn: f1'],
    );
  });
});
