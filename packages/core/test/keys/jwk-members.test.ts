/**
 * publicJwkProblem on RSA keys with members missing, and on exponents and moduli given with leading
 * zero bytes (rule J9): the answer is a message, never an exception, whatever the JSON holds.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import { publicJwkProblem } from '../../src/keys/jwk-problem.js';

const { n } = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }) as JWK;
const exponentMessage = 'RSA key "e" must be an odd exponent from 3 to 2^32 (65537 is usual)';

describe('publicJwkProblem, RSA members', () => {
  it('J9 an RSA key without n or e, or with one that is not a string, is refused by name', () => {
    const message = 'RSA key needs "n" and "e"';
    expect(publicJwkProblem({ kty: 'RSA', e: 'AQAB' })).toBe(message);
    expect(publicJwkProblem({ kty: 'RSA', n })).toBe(message);
    expect(publicJwkProblem({ kty: 'RSA', n: 5, e: 'AQAB' })).toBe(message);
    expect(publicJwkProblem({ kty: 'RSA', n, e: 3 })).toBe(message);
  });

  it('J9 an exponent of four significant bytes after leading zeros is usual; five significant bytes are not', () => {
    const e = (...bytes: number[]) => Buffer.from(bytes).toString('base64url');
    expect(publicJwkProblem({ kty: 'RSA', n, e: e(0, 0, 0, 0x80, 0, 0, 1) })).toBeUndefined(); // 2^31 + 1
    expect(publicJwkProblem({ kty: 'RSA', n, e: e(0, 1, 0, 0, 0, 1) })).toBe(exponentMessage); // 2^32 + 1
    expect(publicJwkProblem({ kty: 'RSA', n, e: e(0, 0, 0) })).toBe(exponentMessage); // zero
  });

  it('J9 a modulus of zero bytes only, or empty, is under 2048 bits', () => {
    const message = 'RSA key must be at least 2048 bits';
    expect(publicJwkProblem({ kty: 'RSA', n: Buffer.alloc(300).toString('base64url'), e: 'AQAB' })).toBe(message);
    expect(publicJwkProblem({ kty: 'RSA', n: '', e: 'AQAB' })).toBe(message);
  });
});
