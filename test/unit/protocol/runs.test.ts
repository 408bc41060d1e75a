import assert from 'node:assert/strict';
import { LABEL_COLORS as NOTES_COLORS } from '../../../src/core/formats/runNotes';
import {
  LABEL_COLORS,
  MAX_NOTE_CHARS,
  parseViewRequest,
  parseWebviewMessage,
  type WebviewToHost,
} from '../../../src/protocol/runs';

describe('Runs panel protocol', () => {
  it('accepts well-formed messages from the panel as they are', () => {
    const messages: WebviewToHost[] = [
      { type: 'ready' },
      { type: 'setNote', key: 'git:.:abc', note: 'Best so far' },
      { type: 'setNote', key: 'git:.:abc', note: '' },
      { type: 'setLabels', key: 'mlflow-file:mlruns:1', labels: [{ name: 'candidate', color: 'green' }] },
      { type: 'chart', keys: ['a', 'b', 'c'] },
      { type: 'compare', keys: ['a', 'b'] },
      { type: 'export', format: 'csv', text: 'a,b\r\n', suggestedName: 'runs.csv' },
      { type: 'export', format: 'md', text: '| a |\n', suggestedName: 'runs.md' },
      { type: 'copyMarkdown', markdown: '| a |\n' },
      { type: 'shown', keys: ['a'], total: 3, filter: 'f1 > 0.8', ms: 4.5 },
      { type: 'shown', keys: [], total: 3, filter: 'f1 >', filterError: "expected a value after '>'", ms: 1 },
    ];
    for (const m of messages) assert.deepEqual(parseWebviewMessage(m), m);
  });

  it('refuses messages of the wrong shape, a colour outside the palette, a note over the limit', () => {
    const bad: unknown[] = [
      null,
      'ready',
      { type: 'nope' },
      { type: 'setNote', key: '', note: 'x' },
      { type: 'setNote', key: 'k', note: 42 },
      { type: 'setNote', key: 'k', note: 'x'.repeat(MAX_NOTE_CHARS + 1) },
      { type: 'setLabels', key: 'k', labels: [{ name: 'a', color: 'magenta' }] },
      { type: 'setLabels', key: 'k', labels: [{ name: '   ', color: 'red' }] },
      { type: 'setLabels', key: 'k', labels: 'a' },
      { type: 'chart', keys: [] },
      { type: 'compare', keys: ['a', 3] },
      { type: 'export', format: 'png', text: 'x' },
      { type: 'export', format: 'csv' },
      { type: 'copyMarkdown' },
      { type: 'shown', keys: ['a'], total: 1, ms: 1 },
    ];
    for (const m of bad) assert.equal(parseWebviewMessage(m), undefined, JSON.stringify(m)?.slice(0, 80));
  });

  it('trims label names and drops repeated ones', () => {
    assert.deepEqual(
      parseWebviewMessage({
        type: 'setLabels',
        key: 'k',
        labels: [
          { name: ' prod ', color: 'blue' },
          { name: 'prod', color: 'red' },
        ],
      }),
      { type: 'setLabels', key: 'k', labels: [{ name: 'prod', color: 'blue' }] },
    );
  });

  it("offers exactly the notes file's label colours", () => {
    assert.deepEqual([...LABEL_COLORS], [...NOTES_COLORS]);
  });

  it('reads a view request field by field', () => {
    assert.deepEqual(
      parseViewRequest({
        filter: 'status:failed',
        sort: [{ id: 'metrics.f1', desc: true }, { id: 3 }],
        group: 'branch',
      }),
      { filter: 'status:failed', sort: [{ id: 'metrics.f1', desc: true }], group: 'branch' },
    );
    assert.deepEqual(parseViewRequest({ group: 'colour', sort: 'x' }), {});
    assert.equal(parseViewRequest('status:failed'), undefined);
  });
});
