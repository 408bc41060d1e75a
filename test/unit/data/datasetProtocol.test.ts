import assert from 'node:assert/strict';
import { isRevision, MAX_MARKDOWN_CHARS, parseWebviewMessage } from '../../../src/protocol/dataset';

describe('dataset panel protocol', () => {
  it('accepts well-formed panel messages and drops fields it does not know', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'ready', extra: 1 }), { type: 'ready' });
    assert.deepEqual(parseWebviewMessage({ type: 'requestProfile', revision: '4b7d0a2' }), {
      type: 'requestProfile',
      revision: '4b7d0a2',
    });
    assert.deepEqual(parseWebviewMessage({ type: 'requestCompare', reference: 'v1.0', current: 'workspace' }), {
      type: 'requestCompare',
      reference: 'v1.0',
      current: 'workspace',
    });
    assert.deepEqual(parseWebviewMessage({ type: 'copyMarkdown', markdown: '| a |' }), {
      type: 'copyMarkdown',
      markdown: '| a |',
    });
    assert.deepEqual(parseWebviewMessage({ type: 'rendered', view: 'compare', columns: 6 }), {
      type: 'rendered',
      view: 'compare',
      columns: 6,
    });
    assert.deepEqual(parseWebviewMessage({ type: 'cancel' }), { type: 'cancel' });
    assert.deepEqual(parseWebviewMessage({ type: 'inferSchema' }), { type: 'inferSchema' });
  });

  it('rejects malformed messages', () => {
    for (const raw of [
      null,
      'ready',
      [],
      { type: 'nope' },
      { type: 'requestProfile' },
      { type: 'requestProfile', revision: 42 },
      { type: 'requestCompare', reference: 'a' },
      { type: 'copyMarkdown', markdown: 'x'.repeat(MAX_MARKDOWN_CHARS + 1) },
      { type: 'rendered', view: 'chart', columns: 1 },
      { type: 'rendered', view: 'profile', columns: -1 },
      { type: 'rendered', view: 'profile', columns: 1.5 },
    ])
      assert.equal(parseWebviewMessage(raw), undefined, JSON.stringify(raw)?.slice(0, 80));
  });

  it('passes on only revisions that cannot be read as options or ranges', () => {
    for (const ok of ['workspace', 'HEAD', '4b7d0a2', 'v1.0', 'refs/tags/model@v2', 'a'.repeat(256)])
      assert.equal(isRevision(ok), true, ok);
    for (const bad of [
      '',
      '--output=/tmp/x',
      '-p',
      'HEAD~1',
      'HEAD^',
      'a..b',
      'a b',
      'a\nb',
      'HEAD:secret',
      'a'.repeat(257),
      'x\u0000',
    ])
      assert.equal(isRevision(bad), false, JSON.stringify(bad));
    assert.equal(parseWebviewMessage({ type: 'requestProfile', revision: '--upload-pack=evil' }), undefined);
    assert.equal(parseWebviewMessage({ type: 'requestCompare', reference: 'v1', current: '-x' }), undefined);
  });
});
