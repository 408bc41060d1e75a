import { randomBytes } from 'node:crypto';

/**
 * A Content-Security-Policy nonce: 128 bits from the operating system's CSPRNG, base64 encoded
 * (the CSP grammar allows base64 and base64url characters).
 */
export function createNonce(byteLength = 16): string {
  if (!Number.isInteger(byteLength) || byteLength < 16) {
    throw new RangeError(`A CSP nonce needs at least 16 random bytes, got ${byteLength}.`);
  }
  return randomBytes(byteLength).toString('base64');
}
