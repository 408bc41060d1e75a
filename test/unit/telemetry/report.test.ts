import assert from 'node:assert/strict';
import { summaryToMarkdown, summaryToText } from '../../../src/core/telemetry/report';
import type { TelemetrySummary } from '../../../src/core/telemetry/types';
import { sampleSummary } from './sampleTelemetry';

const percentileLine = (text: string): string | undefined => text.split('\n').find((l) => l.includes('Percentiles'));

describe('telemetry report', () => {
  it('says how the percentiles were computed: exact, sampled with its rank error, or interpolated from histograms', () => {
    const summary = sampleSummary();
    const as = (percentiles: TelemetrySummary['percentiles']): TelemetrySummary => ({ ...summary, percentiles });
    assert.equal(percentileLine(summaryToText(as({ exact: true }))), 'Percentiles: exact (as numpy computes them).');
    assert.equal(
      percentileLine(summaryToText(as({ exact: false, rankError: 0.015 }))),
      'Percentiles: from a sample, rank error within 1.5%.',
    );
    const interpolated = 'Percentiles: estimated, interpolated within histogram buckets (no rank error can be stated).';
    assert.equal(percentileLine(summaryToText(as({ exact: false }))), interpolated);
    assert.ok(summaryToMarkdown(as({ exact: false })).includes(interpolated));
    // Exponential histogram buckets bound the relative error (rounded up: a bound stays a bound).
    const exponential =
      'Percentiles: estimated, interpolated within exponential histogram buckets (within 4.43% of the true value).';
    assert.equal(
      percentileLine(summaryToText(as({ exact: false, relativeError: Math.pow(2, 1 / 16) - 1 }))),
      exponential,
    );
    assert.ok(summaryToMarkdown(as({ exact: false, relativeError: 0.04427 })).includes(exponential));
  });
});
