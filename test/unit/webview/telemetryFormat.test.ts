import assert from 'node:assert/strict';
import {
  figureRows,
  formatMs,
  formatRate,
  formatTick,
  hasMemory,
  modelsOf,
  seriesOf,
  telemetryMarkdown,
  versionsOf,
} from '../../../webview/telemetry/format';
import { percentileNote } from '../../../src/core/telemetry/report';
import {
  BUCKET_MS,
  DAY_START,
  HOSTILE,
  MODEL,
  ROLLOUT,
  sampleBreaches,
  sampleSummary,
} from '../telemetry/sampleTelemetry';

describe('Telemetry panel figures', () => {
  it("orders a model's versions by their first request, so an A/B rollout reads old → new", () => {
    const summary = sampleSummary();
    assert.deepEqual(
      summary.groups.map((g) => g.version),
      ['v1.2.0', 'v1.1.0'],
      'the sample lists the new version first',
    );
    assert.deepEqual(
      versionsOf(summary, MODEL).map((g) => [g.version, g.firstTime]),
      [
        ['v1.1.0', DAY_START],
        ['v1.2.0', ROLLOUT],
      ],
    );
    assert.deepEqual(versionsOf(summary, 'other'), []);
  });

  it('lists models busiest first', () => {
    const summary = sampleSummary();
    const small = { ...summary.groups[0], key: 'churn@v1', model: 'churn', version: 'v1', requests: 5 };
    assert.deepEqual(modelsOf({ ...summary, groups: [small, ...summary.groups] }), [MODEL, 'churn']);
  });

  it('derives per-bucket series: requests per minute, error rate in %, latency with gaps where nothing was served', () => {
    const summary = sampleSummary();
    const [old, next] = versionsOf(summary, MODEL);
    const rpm = seriesOf(old, 'requestsPerMinute', BUCKET_MS);
    assert.equal(rpm.length, 144);
    assert.equal(rpm[0].x, DAY_START);
    assert.equal(rpm[0].y, old.series[0].requests / 10, 'a 10-minute bucket: requests / 10');
    const errors = seriesOf(next, 'errorRate', BUCKET_MS);
    assert.equal(errors[0].y, null, 'no error rate before the new version served a request');
    const at = next.series.findIndex((p) => p.t === ROLLOUT);
    const p = next.series[at];
    assert.equal(errors[at].y, (p.errors / p.requests) * 100);
    const p95 = seriesOf(next, 'p95', BUCKET_MS);
    assert.equal(p95[0].y, null);
    assert.equal(p95[at].y, p.latency.p95);
    assert.equal(seriesOf(next, 'memory', BUCKET_MS)[at].y, p.memoryMb);
    assert.equal(hasMemory([old]), true);
    assert.equal(
      hasMemory([{ ...old, memoryMb: undefined, series: [{ t: 0, requests: 1, errors: 0, latency: {} }] }]),
      false,
    );
  });

  it('puts the versions side by side in the figures table', () => {
    const [old, next] = versionsOf(sampleSummary(), MODEL);
    const rows = figureRows([old, next]);
    assert.deepEqual(
      rows.map((r) => r.label),
      [
        'Requests',
        'Requests per minute',
        'Errors',
        'Error rate',
        'Latency p50',
        'Latency p95',
        'Latency p99',
        'Memory (mean / max)',
        'Unique callers',
        'First request',
        'Last request',
      ],
    );
    const byLabel = new Map(rows.map((r) => [r.label, r.values]));
    assert.deepEqual(byLabel.get('Requests'), [
      old.requests.toLocaleString('en-US'),
      next.requests.toLocaleString('en-US'),
    ]);
    assert.deepEqual(byLabel.get('Latency p95'), ['118 ms', '318 ms']);
    assert.deepEqual(byLabel.get('Memory (mean / max)'), ['612 MB / 631 MB', '890 MB / 917 MB']);
    assert.deepEqual(byLabel.get('Unique callers'), ['3', '3']);
    assert.deepEqual(byLabel.get('First request'), ['2026-11-30 00:00 UTC', '2026-11-30 12:00 UTC']);
  });

  it('formats rates, latencies and ticks', () => {
    assert.equal(formatRate(0), '0%');
    assert.equal(formatRate(0.0312), '3.1%');
    assert.equal(formatRate(0.00001), '< 0.01%');
    assert.equal(formatRate(0.125), '12.5%');
    assert.equal(formatMs(undefined), '—');
    assert.equal(formatMs(4.567), '4.6 ms');
    assert.equal(formatMs(318.4), '318 ms');
    assert.equal(formatMs(12_345), '12.3 s');
    assert.equal(formatTick(ROLLOUT, 24 * 3_600_000), '12:00');
    assert.equal(formatTick(ROLLOUT, 7 * 24 * 3_600_000), '11-30 12h');
    assert.equal(formatTick(ROLLOUT, 30 * 24 * 3_600_000), '2026-11-30');
    assert.equal(percentileNote(sampleSummary()), 'Percentiles: exact (as numpy computes them).');
    assert.equal(
      percentileNote({ ...sampleSummary(), percentiles: { exact: false, rankError: 0.01 } }),
      'Percentiles: from a sample, rank error within 1%.',
    );
  });

  it('copies the shown model as the core summary Markdown under its range, with the SLO breaches', () => {
    const summary = sampleSummary();
    const churn = sampleSummary({ model: 'churn-model' }).groups;
    const md = telemetryMarkdown({
      summary: { ...summary, groups: [...summary.groups, ...churn] },
      range: { preset: 'day' },
      models: [MODEL],
      breaches: [...sampleBreaches(), ...sampleBreaches('churn-model')],
    });
    const lines = md.split('\n');
    assert.equal(lines[0], '## Telemetry: Last day');
    assert.equal(lines[2], '### Telemetry 2026-11-30 00:00 UTC to 2026-12-01 00:00 UTC (24 h, points of 10 min)');
    assert.ok(md.includes('| fraud-classifier v1.2.0 | 13,563 | 9.42 | 432 | 3.19% | 71 ms | 318 ms | 457 ms |'), md);
    assert.ok(md.includes('| fraud-classifier v1.1.0 | 40,677 | 28.2 | 265 | 0.65% | 42 ms | 118 ms | 191 ms |'), md);
    assert.ok(md.includes('partner-gateway 4,069 (367 errors)'), md);
    assert.ok(!md.includes('churn-model'), 'only the model shown');
    assert.deepEqual(
      lines.filter((l) => l.startsWith('- fraud-classifier')),
      sampleBreaches().map((b) => `- ${b.message}`),
    );
  });

  it('escapes hostile names in the Markdown: no markup, no broken table', () => {
    const summary = sampleSummary(HOSTILE);
    const md = telemetryMarkdown({
      summary,
      range: { preset: 'all' },
      breaches: sampleBreaches(HOSTILE.model, HOSTILE.next),
    });
    assert.ok(!/<img|<script|<svg|<b>/i.test(md), md);
    assert.ok(
      md.includes('&lt;img src=x onerror="window.\\_\\_pwned=1"&gt; v2 &lt;b&gt;bold&lt;/b&gt; \\| pipe | 13,563 |'),
      md,
    );
    const rows = md.split('\n').filter((l) => l.startsWith('| &lt;img') && l.includes(' ms |'));
    assert.equal(rows.length, 2);
    for (const row of rows) assert.equal(row.split(/(?<!\\)\|/).length, 13, `eleven columns: ${row}`);
  });
});
