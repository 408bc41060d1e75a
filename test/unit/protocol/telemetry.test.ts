import assert from 'node:assert/strict';
import {
  MAX_MARKDOWN_CHARS,
  parseRange,
  parseWebviewMessage,
  rangeQuery,
  rangeLabel,
  type WebviewToHost,
} from '../../../src/protocol/telemetry';

const HOUR = 3_600_000;
const T = Date.UTC(2026, 10, 30, 12, 0, 0);

describe('Telemetry panel protocol', () => {
  it('accepts well-formed messages from the panel as they are', () => {
    const messages: WebviewToHost[] = [
      { type: 'ready' },
      { type: 'refresh' },
      { type: 'cancel' },
      { type: 'setRange', range: { preset: 'day' } },
      { type: 'setRange', range: { preset: 'custom', from: T - HOUR, to: T } },
      { type: 'copyMarkdown', markdown: '# Telemetry' },
      { type: 'configure', action: 'pickLog' },
      { type: 'rendered', view: 'summary', model: 'fraud-classifier', versions: 2, charts: 4 },
      { type: 'rendered', view: 'state', versions: 0, charts: 0 },
    ];
    for (const m of messages) assert.deepEqual(parseWebviewMessage(m), m);
  });

  it('refuses malformed messages: unknown types, presets and actions, reversed or fractional dates, huge text', () => {
    const bad: unknown[] = [
      null,
      'ready',
      [],
      { type: 'nope' },
      { type: 'setRange', range: { preset: 'month' } },
      { type: 'setRange', range: { preset: 'custom', from: T, to: T - HOUR } },
      { type: 'setRange', range: { preset: 'custom', from: T, to: T } },
      { type: 'setRange', range: { preset: 'custom', from: T + 0.5, to: T + HOUR } },
      { type: 'setRange', range: { preset: 'custom', from: '2026-11-30', to: T } },
      { type: 'setRange', range: { preset: 'custom', from: -1e15, to: T } },
      { type: 'setRange' },
      { type: 'configure', action: 'runShell' },
      { type: 'copyMarkdown', markdown: 'x'.repeat(MAX_MARKDOWN_CHARS + 1) },
      { type: 'copyMarkdown', markdown: 42 },
      { type: 'rendered', view: 'other', versions: 0, charts: 0 },
      { type: 'rendered', view: 'summary', versions: -1, charts: 0 },
      { type: 'rendered', view: 'summary', versions: 1, charts: 1, model: 7 },
    ];
    for (const m of bad) assert.equal(parseWebviewMessage(m), undefined, JSON.stringify(m)?.slice(0, 120));
  });

  it('keeps only the known fields of a message', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'cancel', extra: '<script>' }), { type: 'cancel' });
    assert.deepEqual(parseRange({ preset: 'week', from: 1, to: 2 }), { preset: 'week' });
  });

  it('asks for the last hour, day and week as a window ending at the newest event; All events leaves both ends open', () => {
    assert.deepEqual(rangeQuery({ preset: 'hour' }), { query: {}, windowMs: HOUR });
    assert.deepEqual(rangeQuery({ preset: 'day' }), { query: {}, windowMs: 24 * HOUR });
    assert.deepEqual(rangeQuery({ preset: 'week' }), { query: {}, windowMs: 7 * 24 * HOUR });
    assert.deepEqual(rangeQuery({ preset: 'all' }), { query: {} });
    assert.deepEqual(rangeQuery({ preset: 'custom', from: 5, to: 9 }), { query: { from: 5, to: 9 } });
  });

  it('names ranges for the picker and the Markdown', () => {
    assert.equal(rangeLabel({ preset: 'all' }), 'All events');
    assert.equal(rangeLabel({ preset: 'week' }), 'Last week');
    assert.equal(rangeLabel({ preset: 'custom', from: T - HOUR, to: T }), '2026-11-30 11:00 – 2026-11-30 12:00');
  });
});
