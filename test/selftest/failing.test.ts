import assert from 'node:assert/strict';
import * as vscode from 'vscode';

// This suite exists to fail: the runner must turn a failing test inside the extension host into a non-zero exit.
describe('harness self-test (fails on purpose)', () => {
  it('runs inside a real extension host', () => {
    assert.ok(vscode.version.length > 0);
  });
  it('fails deliberately', () => {
    assert.equal(1 + 1, 3, 'deliberate failure: the harness must report it');
  });
});
