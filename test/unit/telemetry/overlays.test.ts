import assert from 'node:assert/strict';
import type { Registry, RegistryEvent } from '../../../src/core/registry/model';
import { registryMarkers, sloLines } from '../../../src/core/telemetry/overlays';

const T = Date.UTC(2026, 10, 30, 12, 0, 0);

function event(e: Partial<RegistryEvent> & Pick<RegistryEvent, 'kind' | 'time'>): RegistryEvent {
  return { model: 'fraud-classifier', source: 'gto', ...e };
}

function registry(): Registry {
  const base = { labels: [], sources: ['gto' as const], deprecated: false, stages: {} };
  return {
    stages: ['production', 'staging'],
    problems: [],
    models: [
      {
        ...base,
        name: 'fraud-classifier',
        events: [],
        versions: [
          {
            model: 'fraud-classifier',
            version: 'v1.2.0',
            source: 'gto',
            registered: true,
            active: true,
            stages: ['production'],
            aliases: [],
            events: [
              event({ kind: 'registered', version: 'v1.2.0', time: T - 3_600_000 }),
              event({ kind: 'assigned', version: 'v1.2.0', stage: 'production', time: T }),
              // The same event read from two places (a tag and the registry) is drawn once.
              event({ kind: 'assigned', version: 'v1.2.0', stage: 'production', time: T }),
            ],
          },
          {
            model: 'fraud-classifier',
            version: 'v1.1.0',
            source: 'gto',
            registered: true,
            active: true,
            stages: [],
            aliases: [],
            events: [
              event({ kind: 'unassigned', version: 'v1.1.0', stage: 'production', time: T + 1 }),
              event({ kind: 'assigned', version: 'v1.1.0', stage: 'staging', time: 0 }),
            ],
          },
        ],
      },
      {
        ...base,
        name: 'churn',
        versions: [],
        events: [event({ kind: 'deprecated', model: 'churn', time: T - 10 })],
      },
    ],
  };
}

describe('Telemetry chart overlays', () => {
  it('draws every dated registry event as a marker, oldest first, once, with what happened as its label', () => {
    assert.deepEqual(
      registryMarkers(registry()).map((m) => [m.time - T, m.model, m.kind, m.label]),
      [
        [-3_600_000, 'fraud-classifier', 'registered', 'v1.2.0 registered'],
        [-10, 'churn', 'deprecated', 'churn deprecated'],
        [0, 'fraud-classifier', 'assigned', 'v1.2.0 → production'],
        [1, 'fraud-classifier', 'unassigned', 'v1.1.0 ✕ production'],
      ],
    );
    const production = registryMarkers(registry()).find((m) => m.label === 'v1.2.0 → production');
    assert.deepEqual(production, {
      time: T,
      model: 'fraud-classifier',
      kind: 'assigned',
      label: 'v1.2.0 → production',
      version: 'v1.2.0',
      stage: 'production',
    });
  });

  it('keeps only the markers of the models asked for', () => {
    assert.deepEqual(
      registryMarkers(registry(), ['churn']).map((m) => m.label),
      ['churn deprecated'],
    );
  });

  it('turns objectives into limit lines: error rate as a share, latency in milliseconds, with their scope', () => {
    assert.deepEqual(
      sloLines([
        { maxErrorRate: 0.02, latency: { percentile: 95, maxMs: 250 } },
        { model: 'fraud-classifier', version: 'v1.2.0', latency: { percentile: 99, maxMs: 800 } },
        { model: '*', maxErrorRate: 0.005 },
        { minRequests: 100 },
      ]),
      [
        { metric: 'errorRate', limit: 0.02, label: 'SLO error rate ≤ 2%' },
        { metric: 'latency', percentile: 95, limit: 250, label: 'SLO p95 ≤ 250 ms' },
        {
          model: 'fraud-classifier',
          version: 'v1.2.0',
          metric: 'latency',
          percentile: 99,
          limit: 800,
          label: 'SLO p99 ≤ 800 ms (v1.2.0)',
        },
        { metric: 'errorRate', limit: 0.005, label: 'SLO error rate ≤ 0.5%' },
      ],
    );
  });
});
