import { generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import { MIN_RSA_BITS, publicJwkProblem } from '../../src/keys/jwk-problem.js';
import { makeKey } from '../support/fixtures.js';

const rsaJwk = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'jwk' }) as JWK;

describe('publicJwkProblem (keys that may verify assertions)', () => {
  it('J9 accepts RSA of 2048 bits and more, EC P-256/384/521 and Ed25519 public keys', async () => {
    expect(MIN_RSA_BITS).toBe(2048);
    expect(publicJwkProblem(rsaJwk(2048))).toBeUndefined();
    for (const alg of ['ES256', 'ES384', 'ES512', 'EdDSA']) expect(publicJwkProblem((await makeKey(alg)).publicJwk)).toBeUndefined();
  });

  it('J9 refuses RSA keys shorter than 2048 bits', () => {
    expect(publicJwkProblem(rsaJwk(1024))).toBe('RSA key must be at least 2048 bits');
    expect(publicJwkProblem(rsaJwk(2040))).toBe('RSA key must be at least 2048 bits');
  });

  it('J9 counts bits from the first significant byte (leading zero bytes do not lengthen a key)', () => {
    const n = Buffer.from(rsaJwk(1024).n as string, 'base64url');
    const padded = Buffer.concat([Buffer.alloc(200), n]).toString('base64url');
    expect(publicJwkProblem({ kty: 'RSA', n: padded, e: 'AQAB' })).toBe('RSA key must be at least 2048 bits');
    expect(publicJwkProblem({ kty: 'RSA', n: 'AAAA', e: 'AQAB' })).toBe('RSA key must be at least 2048 bits');
  });

  it('J9 refuses an RSA exponent that is even, below 3 or over 32 bits (a huge e makes each verification far slower)', () => {
    const { n } = rsaJwk(2048);
    const e = (value: bigint | Buffer) => (Buffer.isBuffer(value) ? value : Buffer.from(value.toString(16).padStart(2, '0').replace(/^(.(..)*)$/, '0$1'), 'hex')).toString('base64url');
    const message = 'RSA key "e" must be an odd exponent from 3 to 2^32 (65537 is usual)';
    expect(publicJwkProblem({ kty: 'RSA', n, e: 'AQAB' })).toBeUndefined(); // 65537
    expect(publicJwkProblem({ kty: 'RSA', n, e: e(3n) })).toBeUndefined();
    expect(publicJwkProblem({ kty: 'RSA', n, e: e(0xffffffffn) })).toBeUndefined();
    expect(publicJwkProblem({ kty: 'RSA', n, e: e(Buffer.from([0, 0, 1, 0, 1])) })).toBeUndefined(); // leading zeros
    expect(publicJwkProblem({ kty: 'RSA', n, e: e(1n) })).toBe(message);
    expect(publicJwkProblem({ kty: 'RSA', n, e: e(65536n) })).toBe(message);
    expect(publicJwkProblem({ kty: 'RSA', n, e: e(0x100000001n) })).toBe(message);
    expect(publicJwkProblem({ kty: 'RSA', n, e: '' })).toBe(message);
  });

  it('refuses private keys', async () => {
    const { privateJwk } = await makeKey('ES256');
    expect(publicJwkProblem(privateJwk)).toMatch(/public key/);
    expect(publicJwkProblem({ ...rsaJwk(2048), p: 'x' })).toMatch(/public key/);
  });

  it('J9 refuses symmetric and unknown key types', () => {
    expect(publicJwkProblem({ kty: 'oct', k: 'c2VjcmV0' })).toBeDefined();
    expect(publicJwkProblem({ kty: 'oct' })).toMatch(/symmetric keys are never accepted/);
    expect(publicJwkProblem({ kty: 'AKP', pub: 'x' })).toMatch(/"kty" must be/);
    expect(publicJwkProblem({})).toMatch(/"kty" must be/);
  });

  it('refuses unsupported curves and missing members', () => {
    expect(publicJwkProblem({ kty: 'EC', crv: 'secp256k1', x: 'a', y: 'b' })).toBe('EC key has an unsupported "crv"');
    expect(publicJwkProblem({ kty: 'OKP', crv: 'X25519', x: 'a' })).toBe('OKP key has an unsupported "crv"');
    expect(publicJwkProblem({ kty: 'OKP', crv: 'Ed448', x: 'a' })).toBe('OKP key has an unsupported "crv"');
    expect(publicJwkProblem({ kty: 'EC', crv: 'P-256', x: 'a' })).toBe('EC key is missing its coordinates');
    expect(publicJwkProblem({ kty: 'OKP', crv: 'Ed25519' })).toBe('OKP key is missing its coordinates');
    expect(publicJwkProblem({ kty: 'RSA', n: 'AQAB' })).toBe('RSA key needs "n" and "e"');
  });

  it('refuses values that are not JSON objects', () => {
    for (const value of [null, 'key', 1, [], undefined]) expect(publicJwkProblem(value)).toBe('must be a JSON object');
  });
});
