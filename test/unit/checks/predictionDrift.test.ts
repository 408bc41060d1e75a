import assert from 'node:assert/strict';
import { checkTypeNamed } from '../../../src/core/checks/builtinTypes';
import { isRetrainTrigger, retrainingAlertMessage } from '../../../src/core/checks/checkType';
import { defaultChecks } from '../../../src/core/checks/engine';
import { parseProjectConfig } from '../../../src/core/checks/defaults/config';
import { failures, passes, removeTempDirs, run, tempDir, writeFiles } from './helpers';
import { seededRandom } from '../../helpers/prng';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 9, 1);

const rng = seededRandom;

const CATEGORIES = ['grocery', 'travel', 'gaming', 'fuel'];

function row(next: () => number, shifted: boolean): { amount: number; category: string } {
  const r = next();
  const category = shifted
    ? CATEGORIES[r < 0.1 ? 0 : r < 0.2 ? 1 : r < 0.9 ? 2 : 3]
    : CATEGORIES[r < 0.4 ? 0 : r < 0.6 ? 1 : r < 0.7 ? 2 : 3];
  return { amount: Math.round((10 + next() * 90) * (shifted ? 3 : 1) * 100) / 100, category };
}

function trainingCsv(): string {
  const next = rng(3);
  const lines = ['id,amount,category,label'];
  for (let i = 0; i < 4000; i++) {
    const f = row(next, false);
    lines.push(`${i},${f.amount},${f.category},${next() < 0.05 ? 1 : 0}`);
  }
  return lines.join('\n') + '\n';
}

/** 7 days of 600 requests a day to churn v1; `shifted` days log shifted inputs. */
function predictionLog(shifted: readonly number[]): string {
  const next = rng(9);
  const lines: string[] = [];
  for (let d = 0; d < 7; d++)
    for (let i = 0; i < 600; i++) {
      const f = row(next, shifted.includes(d));
      lines.push(
        JSON.stringify({
          ts: new Date(T0 + d * DAY + Math.floor((i / 600) * DAY)).toISOString(),
          model: 'churn',
          model_version: '1.0.0',
          caller: 'app',
          latency_ms: 12,
          status: 'ok',
          inputs: { amount: f.amount, category: f.category },
        }),
      );
    }
  return lines.join('\n') + '\n';
}

const CONFIG = `version: 1
project: test
models:
  - name: churn
    path: models/churn.pkl
    datasets: [customers]
  - name: idle
    path: models/idle.pkl
datasets:
  - name: customers
    path: data/customers.csv
    drift:
      ignore: [id]
      share: 0.5
telemetry:
  sources:
    - path: logs/predictions.jsonl
      fields: { timestamp: ts, features: inputs }
  drift:
    dataset: customers
checks:
  - type: prediction-drift
`;

function project(shifted: readonly number[], config = CONFIG): string {
  const dir = tempDir('mlops-prediction-drift-');
  writeFiles(dir, {
    'mlops.yaml': config,
    'models/churn.pkl': 'weights',
    'models/idle.pkl': 'weights',
    'data/customers.csv': trainingCsv(),
    'logs/predictions.jsonl': predictionLog(shifted),
  });
  return dir;
}

describe('prediction-drift check', function () {
  this.timeout(30_000);
  after(removeTempDirs);

  it('reports one finding per drift episode at telemetry.drift, as a retraining trigger', async () => {
    const report = await run(project([2, 3]));
    const found = failures(report, 'prediction-drift');
    assert.equal(found.length, 1);
    const [finding] = found;
    assert.equal(finding.model, 'churn');
    assert.equal(finding.dataset, 'customers');
    assert.equal(finding.retrain, true);
    assert.equal(finding.severity, 'warning');
    assert.equal(finding.key, 'episode:2026-10-03T00:00:00.000Z');
    assert.match(
      finding.message,
      /^The inputs logged for 'churn' drifted from the training data 'customers' from 2026-10-03 to 2026-10-05 \(2 windows of 1d, 1200 requests\): amount \(wasserstein distance \d\.\d+\), category \(jensen-shannon distance \d\.\d+\); up to 2 of 2 features drifted \(share 1\.00, threshold 0\.5\)\.$/,
    );
    // `    dataset: customers` is line 20 of mlops.yaml, the value at column 14.
    assert.deepEqual(
      { file: finding.location?.file, line: finding.location?.line, column: finding.location?.column },
      { file: 'mlops.yaml', line: 20, column: 14 },
    );
    const type = checkTypeNamed('prediction-drift');
    assert.equal(type?.retraining, 'failures');
    assert.equal(isRetrainTrigger(type, finding), true);
    assert.equal(retrainingAlertMessage(found), `Retraining alert: ${finding.message}`);
    // The model without logged requests is skipped, not failed.
    const idle = report.results.find((r) => r.checkId === 'prediction-drift' && r.target === 'idle');
    assert.equal(idle?.status, 'skip');
    assert.equal(idle?.message, 'no logged requests of idle');
  });

  it('passes when every window matches the training data; two episodes give two findings', async () => {
    const calm = await run(project([]));
    assert.equal(failures(calm, 'prediction-drift').length, 0);
    assert.deepEqual(
      passes(calm, 'prediction-drift').map((r) => r.message),
      ["no prediction drift: 7 windows of 1d in the last 7d match 'customers'"],
    );
    const twice = await run(project([1, 4]));
    assert.deepEqual(
      failures(twice, 'prediction-drift').map((r) => r.key),
      ['episode:2026-10-02T00:00:00.000Z', 'episode:2026-10-05T00:00:00.000Z'],
    );
  });

  it('follows its options (window, minEvents) and says why it skips', async () => {
    // Two-day windows are aligned to the epoch: 2026-09-30 and 10-01, 10-02 and 10-03, 10-04 and 10-05, ...
    const twoDays = await run(
      project(
        [3, 4],
        CONFIG.replace(
          '  - type: prediction-drift\n',
          '  - type: prediction-drift\n    options: { window: 2d, lookback: 8d, minEvents: 100 }\n',
        ),
      ),
    );
    const found = failures(twoDays, 'prediction-drift');
    assert.equal(found.length, 1);
    assert.match(found[0].message, / from 2026-10-04 to 2026-10-06 \(1 window of 2d, 1200 requests\): /);
    assert.deepEqual(
      passes(twoDays, 'prediction-drift').map((r) => r.message),
      [],
      'a drifted model has no pass',
    );
    const tooFew = await run(
      project(
        [2],
        CONFIG.replace(
          '  - type: prediction-drift\n',
          '  - type: prediction-drift\n    options: { minEvents: 1000 }\n',
        ),
      ),
    );
    const skipped = tooFew.results.find((r) => r.target === 'churn');
    assert.equal(skipped?.status, 'skip');
    assert.equal(skipped?.message, 'no window of 1d in the last 7d has 1000 logged requests');
    const noDrift = await run(project([2], CONFIG.replace('  drift:\n    dataset: customers\n', '')));
    assert.deepEqual(
      noDrift.results.filter((r) => r.checkId === 'prediction-drift').map((r) => [r.target, r.status, r.message]),
      [
        [
          'churn',
          'skip',
          'no telemetry.drift in mlops.yaml: name the training dataset the logged features are compared with',
        ],
        [
          'idle',
          'skip',
          'no telemetry.drift in mlops.yaml: name the training dataset the logged features are compared with',
        ],
      ],
    );
  });

  it('runs by default only where mlops.yaml names a training dataset for prediction drift', () => {
    const ids = (text: string) => defaultChecks(parseProjectConfig(text).config).map((c) => c.type);
    const withoutChecks = CONFIG.replace(/checks:\n.*\n$/, '');
    assert.ok(ids(withoutChecks).includes('prediction-drift'));
    assert.ok(!ids(withoutChecks.replace('  drift:\n    dataset: customers\n', '')).includes('prediction-drift'));
  });
});
