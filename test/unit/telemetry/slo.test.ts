import assert from 'node:assert/strict';
import { evaluateSlo, sloSubject, sloWindowMs } from '../../../src/core/telemetry/slo';
import type { TelemetryGroup } from '../../../src/core/telemetry/types';

const group = (model: string, version: string, requests: number, errors: number, p95?: number): TelemetryGroup => ({
  key: `${model}@${version}`,
  model,
  version,
  requests,
  errors,
  errorRate: requests ? errors / requests : 0,
  requestsPerMinute: 0,
  latency: p95 === undefined ? {} : { p50: p95 / 2, p95, p99: p95 * 1.5 },
  uniqueCallers: 0,
  topCallers: [],
  series: [],
});

const groups = [
  group('fraud', '1.0', 3000, 15, 120),
  group('fraud', '2.0', 1500, 90, 310),
  group('churn', '3', 40, 0, 20),
];

describe('SLO evaluation', () => {
  it('judges each version of a model on error rate and latency, with the figure, the bound and the window', () => {
    const outcomes = evaluateSlo(
      { model: 'fraud', maxErrorRate: 0.01, latency: { percentile: 95, maxMs: 250 }, window: '1h' },
      { groups },
    );
    assert.deepEqual(
      outcomes.map((o) => [o.key, o.objective, o.passed, o.measured, o.bound, o.window]),
      [
        ['fraud@1.0', 'errorRate', true, 0.005, 0.01, '1h'],
        ['fraud@1.0', 'latency', true, 120, 250, '1h'],
        ['fraud@2.0', 'errorRate', false, 0.06, 0.01, '1h'],
        ['fraud@2.0', 'latency', false, 310, 250, '1h'],
      ],
    );
    assert.equal(
      outcomes[2]?.message,
      "fraud 2.0: error rate 6% (90 of 1,500 requests in the last 1h) is above the SLO's 1%.",
    );
    assert.equal(
      outcomes[3]?.message,
      "fraud 2.0: latency p95 310 ms is above the SLO's 250 ms (1,500 requests in the last 1h).",
    );
    assert.equal(
      outcomes[0]?.message,
      "fraud 1.0: error rate 0.5% (15 of 3,000 requests in the last 1h) is within the SLO's 1%.",
    );
  });

  it('judges no rate below the minimum of traffic, and fails a named version that served nothing', () => {
    const low = evaluateSlo({ maxErrorRate: 0.5, minRequests: 100 }, { groups });
    assert.deepEqual(
      low.map((o) => [o.key, o.objective, o.passed, o.measured]),
      [
        ['fraud@1.0', 'minRequests', true, 3000],
        ['fraud@1.0', 'errorRate', true, 0.005],
        ['fraud@2.0', 'minRequests', true, 1500],
        ['fraud@2.0', 'errorRate', true, 0.06],
        ['churn@3', 'minRequests', false, 40],
      ],
    );
    assert.match(low[4].message, /^churn 3: only 40 requests in the last 24h, fewer than the SLO's minimum of 100/);
    const dead = evaluateSlo({ model: 'fraud', version: '3.0', minRequests: 1 }, { groups });
    assert.deepEqual(
      dead.map((o) => [o.key, o.passed, o.measured, o.message]),
      [['fraud@3.0', false, 0, 'fraud 3.0 served no request in the last 24h; the SLO asks for at least 1.']],
    );
    assert.deepEqual(evaluateSlo({ model: 'fraud', version: '3.0', maxErrorRate: 0.1 }, { groups }), []);
  });

  it('reads the window (default 24h) and names what an SLO applies to', () => {
    assert.equal(sloWindowMs({}), 86_400_000);
    assert.equal(sloWindowMs({ window: '7d' }), 7 * 86_400_000);
    assert.deepEqual([{ model: 'a', version: '1' }, { model: 'a' }, { version: '1' }, {}].map(sloSubject), [
      'a 1',
      'every version of a',
      'version 1 of every model',
      'every model version',
    ]);
  });
});
