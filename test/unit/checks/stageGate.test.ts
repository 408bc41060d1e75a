// stage-gate: the version holding a stage in the GTO registry is judged at its commit: metric thresholds (every
// split), a release bar from the options, a model card, lineage, and not deregistered.
import assert from 'node:assert/strict';
import { commitAll, config, failures, git, makeRepo, passes, removeTempDirs, run, writeFiles } from './helpers';

const evalJson = (f1: number): string =>
  `${JSON.stringify({ train: { f1: 0.97, loss: 0.1 }, test: { f1, loss: 0.3 } })}\n`;

/** v1.0.0 (test f1 0.85) and v1.1.0 (test f1 0.78, below 0.8); `production` names which holds production. */
function repo(checks: string, production: string, card = true): string {
  const dir = makeRepo({
    'mlops.yaml': config(checks),
    'metrics/eval.json': evalJson(0.85),
    'models/churn/churn-v1.0.0.pkl': 'weights',
    ...(card ? { 'models/churn/model_card.md': '# churn\n' } : {}),
    'data/customers.csv': 'id\n1\n',
  });
  git(dir, ['tag', '-a', '-m', 'r', 'churn@v1.0.0', 'HEAD']);
  writeFiles(dir, { 'metrics/eval.json': evalJson(0.78) });
  commitAll(dir, 'retrain');
  git(dir, ['tag', '-a', '-m', 'r', 'churn@v1.1.0', 'HEAD']);
  git(dir, ['tag', '-a', '-m', 's', `churn#production#1`, `churn@${production}^{commit}`]);
  return dir;
}

describe('stage-gate', function () {
  this.timeout(20_000);
  after(removeTempDirs);

  it('fails the production version whose test f1 is below the threshold at its commit', async () => {
    const report = await run(repo('  - { id: gate, type: stage-gate }\n', 'v1.1.0'));
    const failed = failures(report, 'gate');
    assert.equal(failed.length, 1);
    assert.equal(failed[0].target, 'churn v1.1.0 (production)');
    assert.equal(failed[0].severity, 'error');
    assert.equal(failed[0].model, 'churn');
    assert.equal(failed[0].message, "churn v1.1.0 holds 'production' but test.f1 is 0.78, below the minimum 0.8.");
  });

  it('passes a production version that meets the bar, and applies a stricter bar from the options', async () => {
    const dir = repo(
      '  - { id: gate, type: stage-gate }\n  - { id: strict, type: stage-gate, options: { min: { f1: 0.9 } } }\n',
      'v1.0.0',
    );
    const report = await run(dir);
    assert.deepEqual(
      passes(report, 'gate').map((p) => p.target),
      ['churn v1.0.0 (production)'],
    );
    assert.equal(failures(report, 'gate').length, 0);
    assert.match(failures(report, 'strict')[0].message, /test\.f1 is 0\.85, below the minimum 0\.9/);
  });

  it('fails a version without a model card at its commit', async () => {
    const dir = repo('  - { id: gate, type: stage-gate, options: { stage: staging } }\n', 'v1.0.0', false);
    git(dir, ['tag', '-a', '-m', 's', 'churn#staging#2', 'churn@v1.0.0^{commit}']);
    const report = await run(dir);
    assert.match(failures(report, 'gate')[0].message, /no model card next to models\/churn\/churn-v1\.0\.0\.pkl/);
  });

  it('skips when no version holds the stage', async () => {
    const report = await run(repo('  - { id: gate, type: stage-gate, options: { stage: canary } }\n', 'v1.0.0'));
    assert.equal(failures(report, 'gate').length, 0);
    assert.equal(passes(report, 'gate').length, 0);
    assert.match(report.results.find((r) => r.checkId === 'gate')!.message, /No model has a version in stage 'canary'/);
  });
});
