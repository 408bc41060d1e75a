// service-slo: the SLOs of mlops.yaml judged on the workspace's prediction logs, findings at the SLO's line.
import assert from 'node:assert/strict';
import { defaultChecks, runChecks } from '../../../src/core/checks/engine';
import { parseProjectConfig } from '../../../src/core/checks/defaults/config';
import { contextFor, failures, passes, removeTempDirs, run, tempDir, writeFiles } from './helpers';

const MINUTE = 60_000;
const T = Date.UTC(2026, 2, 1, 0, 0, 0);

/** Two versions over two days: 2.0 errs on 1 in 10 requests and is slow (latency 300 ms) on the second day only. */
function log(): string {
  const lines: string[] = [];
  for (let m = 0; m < 48 * 60; m += 2) {
    const day2 = m >= 24 * 60;
    lines.push(
      JSON.stringify({
        ts: new Date(T + m * MINUTE).toISOString(),
        model: 'fraud',
        model_version: '1.0',
        caller: 'web',
        latency_ms: 50 + (m % 7),
        status: 'ok',
      }),
    );
    lines.push(
      JSON.stringify({
        ts: new Date(T + (m + 1) * MINUTE).toISOString(),
        model: 'fraud',
        model_version: '2.0',
        caller: m % 20 === 0 ? 'batch' : 'web',
        latency_ms: day2 ? 300 : 60,
        status: day2 && m % 20 === 0 ? 'error' : 'ok',
      }),
    );
  }
  return lines.join('\n') + '\n';
}

const MLOPS = `version: 1
telemetry:
  slos:
    - model: fraud
      maxErrorRate: 0.02
      latency: { percentile: 95, maxMs: 250 }
    - model: fraud
      version: "3.0"
      minRequests: 10
      window: 1h
checks:
  - { id: slo, type: service-slo }
`;

describe('service-slo', function () {
  this.timeout(20_000);
  after(removeTempDirs);

  it('flags the regressed version at its SLO line, with the figure, the bound and the window', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'mlops.yaml': MLOPS, 'logs/predictions.jsonl': log() });
    const report = await run(dir);
    const failed = failures(report, 'slo');
    assert.deepEqual(
      failed.map((f) => [f.target, f.severity, f.model, f.location?.file, f.location?.line, f.message]),
      [
        [
          'fraud 2.0',
          'error',
          'fraud',
          'mlops.yaml',
          4,
          "fraud 2.0: error rate 10% (72 of 720 requests in the last 24h) is above the SLO's 2%.",
        ],
        [
          'fraud 2.0',
          'error',
          'fraud',
          'mlops.yaml',
          4,
          "fraud 2.0: latency p95 300 ms is above the SLO's 250 ms (720 requests in the last 24h).",
        ],
        [
          'fraud 3.0',
          'error',
          'fraud',
          'mlops.yaml',
          7,
          'fraud 3.0 served no request in the last 1h; the SLO asks for at least 10.',
        ],
      ],
    );
    assert.deepEqual(
      passes(report, 'slo').map((p) => p.message),
      [
        "fraud 1.0: error rate 0% (0 of 720 requests in the last 24h) is within the SLO's 2%.",
        "fraud 1.0: latency p95 56 ms is within the SLO's 250 ms (720 requests in the last 24h).",
      ],
    );
  });

  it('reads the log the context names instead, and skips saying what to configure when there is none', async () => {
    const dir = tempDir();
    writeFiles(dir, { 'mlops.yaml': MLOPS, 'elsewhere/traffic.jsonl': log() });
    const none = await run(dir);
    assert.equal(failures(none, 'slo').length, 0);
    const skipped = none.results.filter((r) => r.checkId === 'slo' && r.status === 'skip');
    assert.equal(skipped.length, 2);
    assert.match(skipped[0].message, /^No telemetry source: name a prediction log in mlops.yaml/);
    const named = await runChecks({ ...contextFor(dir), telemetry: { locations: ['elsewhere/traffic.jsonl'] } });
    assert.deepEqual(
      failures(named, 'slo').map((f) => f.message.slice(0, 30)),
      ['fraud 2.0: error rate 10% (72 ', 'fraud 2.0: latency p95 300 ms ', 'fraud 3.0 served no request in'],
    );
  });

  it('is in the default set only where mlops.yaml sets SLOs', () => {
    const without = defaultChecks(parseProjectConfig('version: 1\n').config).map((c) => c.type);
    assert.ok(!without.includes('service-slo'));
    const withSlos = defaultChecks(parseProjectConfig(MLOPS.replace(/checks:[\s\S]*/, '')).config);
    assert.deepEqual(
      withSlos.filter((c) => c.type === 'service-slo').map((c) => [c.id, c.severity, c.scope.kind]),
      [['service-slos', 'error', 'models']],
    );
  });
});
