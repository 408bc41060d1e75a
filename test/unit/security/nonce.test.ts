import assert from 'node:assert/strict';
import { createNonce } from '../../../src/core/security/nonce';

describe('createNonce', () => {
  it('returns base64 text carrying 128 bits by default', () => {
    const nonce = createNonce();
    assert.match(nonce, /^[A-Za-z0-9+/]+={0,2}$/);
    assert.equal(Buffer.from(nonce, 'base64').length, 16);
  });

  it('never repeats across many calls', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 10_000; i++) seen.add(createNonce());
    assert.equal(seen.size, 10_000);
  });

  it('refuses fewer than 16 bytes', () => {
    assert.throws(() => createNonce(8), /at least 16/);
    assert.equal(Buffer.from(createNonce(32), 'base64').length, 32);
  });
});
