import assert from 'node:assert/strict';
import picomatch from 'picomatch';
import { telemetryWatchGlob } from '../../../src/core/telemetry/sources';

describe('telemetry watch glob', () => {
  const glob = telemetryWatchGlob('mlops.yaml');

  it('is one brace group without nested braces (a file watcher matches none of a group that nests them)', () => {
    assert.match(glob, /^\*\*\/\{[^{}]+\}$/);
  });

  it('matches mlops.yaml and every file a telemetry source discovers, and not other files', () => {
    const matches = picomatch(glob, { dot: true });
    for (const file of [
      'mlops.yaml',
      'logs/predictions.jsonl',
      'serving/requests-2026.jsonl.gz',
      'traces/api.otlp.json',
      'traces/api.otlp.jsonl.gz',
      'otel/metrics.json',
      'deploy/opentelemetry/spans.jsonl',
      'predictions.csv',
    ])
      assert.ok(matches(file), `${file} is watched (${glob})`);
    for (const file of ['src/train.py', 'models/model.pkl', 'README.md'])
      assert.ok(!matches(file), `${file} is not watched`);
  });
});
