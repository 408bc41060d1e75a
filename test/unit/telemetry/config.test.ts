import assert from 'node:assert/strict';
import { ConfigValidator } from '../../../src/core/formats/mlopsYaml/validate';
import { parseDuration, readTelemetryConfig } from '../../../src/core/telemetry/config';

const validator = new ConfigValidator();

const TEXT = [
  'version: 1',
  'datasets:',
  '  - { name: training, path: data/train.csv }',
  'telemetry:',
  '  sources:',
  '    - path: logs/predictions.jsonl',
  '      fields: { latency: took, features: [amount, country] }',
  '      latencyUnit: s',
  '    - path: logs/*.csv.gz',
  '      model: ranker',
  '  slos:',
  '    - model: fraud',
  '      version: "2.0"',
  '      maxErrorRate: 0.01',
  '      latency: { percentile: 95, maxMs: 250 }',
  '      window: 1h',
  '    - minRequests: 100',
  '  drift:',
  '    dataset: training',
  '',
].join('\n');

describe('telemetry: section of mlops.yaml', () => {
  it('reads sources, SLOs with their positions, and drift from a valid file', () => {
    const validation = validator.validate(TEXT);
    assert.deepEqual(validation.problems, []);
    const config = readTelemetryConfig(validation.config.telemetry, validation.positionOf);
    assert.deepEqual(config, {
      sources: [
        {
          path: 'logs/predictions.jsonl',
          fields: { latency: 'took', features: ['amount', 'country'] },
          latencyUnit: 's',
        },
        { path: 'logs/*.csv.gz', fields: {}, model: 'ranker' },
      ],
      slos: [
        {
          model: 'fraud',
          version: '2.0',
          maxErrorRate: 0.01,
          latency: { percentile: 95, maxMs: 250 },
          window: '1h',
          position: { line: 12, column: 7 },
        },
        { minRequests: 100, position: { line: 17, column: 7 } },
      ],
      drift: { dataset: 'training' },
    });
  });

  it('reports a section of the wrong shape with positions, and keeps what is usable', () => {
    const text = [
      'version: 1',
      'telemetry:',
      '  sources:',
      '    - path: logs/a.jsonl',
      '      format: parquet',
      '      fields: { latncy: took }',
      '    - path: /var/log/p.jsonl',
      '  slos:',
      '    - maxErrorRate: 5',
      '      window: soon',
      '    - model: fraud',
      '    - latency: { percentile: 95 }',
      '  drift:',
      '    dataset: trainig',
      '',
    ].join('\n');
    const validation = validator.validate(text);
    assert.deepEqual(
      validation.problems.map((p) => [p.severity, p.code, p.path, p.line, p.column]),
      [
        // Lines and columns are 0-based, as editors count them.
        ['error', 'enum', 'telemetry.sources[0].format', 4, 14],
        ['warning', 'unknown-key', 'telemetry.sources[0].fields.latncy', 5, 16],
        ['warning', 'absolute-path', 'telemetry.sources[1].path', 6, 12],
        ['error', 'maximum', 'telemetry.slos[0].maxErrorRate', 8, 20],
        ['error', 'pattern', 'telemetry.slos[0].window', 9, 14],
        ['error', 'no-objective', 'telemetry.slos[1]', 10, 6],
        ['error', 'missing-key', 'telemetry.slos[2].latency.maxMs', 11, 6],
        ['error', 'unknown-dataset', 'telemetry.drift.dataset', 13, 13],
      ],
    );
    assert.match(validation.problems[4].message, /e\.g\. 1h, 24h, 7d/);
    assert.match(validation.problems[1].message, /Did you mean "latency"\?/);
    assert.match(validation.problems[5].message, /sets no objective: give it maxErrorRate, latency or minRequests/);
    const config = readTelemetryConfig(validation.config.telemetry, validation.positionOf);
    // The bad source keeps its path (the format is left to detection); SLOs without a usable objective are left out.
    assert.deepEqual(
      config.sources.map((s) => [s.path, s.format, s.fields]),
      [
        ['logs/a.jsonl', undefined, {}],
        ['/var/log/p.jsonl', undefined, {}],
      ],
    );
    assert.deepEqual(config.slos, []);
    assert.deepEqual(config.drift, { dataset: 'trainig' });
  });

  it('reads an absent or empty section as no sources and no SLOs', () => {
    assert.deepEqual(readTelemetryConfig(undefined), { sources: [], slos: [] });
    assert.deepEqual(readTelemetryConfig('text'), { sources: [], slos: [] });
    assert.equal(validator.validate('version: 1\n').config.telemetry, undefined);
  });

  it('parses windows and --since durations', () => {
    assert.deepEqual(['1h', '24h', '7d', '15m', '90s', '2w', '1.5h', ' 1 h ', 'h', '1y', '0h'].map(parseDuration), [
      3_600_000,
      86_400_000,
      604_800_000,
      900_000,
      90_000,
      1_209_600_000,
      5_400_000,
      3_600_000,
      undefined,
      undefined,
      undefined,
    ]);
  });
});
