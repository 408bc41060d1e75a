import assert from 'node:assert/strict';
import { parseQuery, parseWebviewMessage } from '../../../src/protocol/metricHistory';

describe('metric history protocol', () => {
  it('accepts well-formed panel messages', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(
      parseWebviewMessage({
        type: 'openRevision',
        sha: 'abc',
        path: 'metrics/eval.json',
        sourceId: 'git:metrics/eval.json',
      }),
      {
        type: 'openRevision',
        sha: 'abc',
        path: 'metrics/eval.json',
        sourceId: 'git:metrics/eval.json',
      },
    );
    assert.deepEqual(parseWebviewMessage({ type: 'export', format: 'csv', csv: 'a\r\n', suggestedName: 'x' }), {
      type: 'export',
      format: 'csv',
      csv: 'a\r\n',
      suggestedName: 'x',
    });
    const q = parseWebviewMessage({
      type: 'requestData',
      query: {
        view: 'versions',
        keys: ['f1'],
        splits: ['test', 'bogus'],
        range: { kind: 'last', count: 5 },
        axis: 'order',
        extra: 1,
      },
    });
    assert.deepEqual(q, {
      type: 'requestData',
      query: { view: 'versions', keys: ['f1'], splits: ['test'], range: { kind: 'last', count: 5 }, axis: 'order' },
    });
    // The steps view's x axis: a counter's key; anything else is left out.
    assert.deepEqual(parseQuery({ view: 'steps', keys: [], xKey: 'epoch' }), {
      view: 'steps',
      keys: [],
      xKey: 'epoch',
    });
    for (const xKey of [5, '', 'x'.repeat(201)])
      assert.deepEqual(parseQuery({ view: 'steps', keys: [], xKey }), { view: 'steps', keys: [] }, String(xKey));
  });

  it('rejects malformed or hostile messages', () => {
    for (const raw of [
      null,
      'ready',
      [],
      { type: 'nope' },
      { type: 'openRevision', sha: '', path: 'x', sourceId: 's' },
      { type: 'openRun', runId: 42, sourceId: 's' },
      { type: 'export', format: 'png', dataUrl: 'javascript:alert(1)', suggestedName: 'x' },
      { type: 'export', format: 'png', dataUrl: 'data:text/html;base64,PHNjcmlwdD4=', suggestedName: 'x' },
      { type: 'export', format: 'pdf', csv: 'x' },
      { type: 'copyMarkdown', markdown: 5 },
      { type: 'requestData', query: { view: 'versions', keys: 'f1' } },
      { type: 'requestData', query: { view: 'sideways', keys: [] } },
      { type: 'rendered', view: 'steps', series: '1', points: 1, ms: 1 },
    ]) {
      assert.equal(parseWebviewMessage(raw), undefined, JSON.stringify(raw));
    }
    assert.equal(parseQuery({ view: 'steps', keys: [1] }), undefined);
  });
});
