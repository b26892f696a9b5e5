import { createHash } from 'node:crypto';
import { signatureDigest } from '../../src/jwt/signature-digest.js';
import { makeKey, sign } from '../support/fixtures.js';

// From `openssl ecparam -name <curve> -param_enc explicit -text`; test/replay/ecdsa-twin.test.ts checks that
// twins built with them verify, so a wrong digit here cannot go unnoticed.
const ORDERS: Record<string, bigint> = {
  ES256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  ES384: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  ES512: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
};

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64url');
const toBytes = (n: bigint, length: number) => Buffer.from(n.toString(16).padStart(length * 2, '0'), 'hex');
const flipS = (alg: string, sig: Buffer) => {
  const half = sig.length / 2;
  const s = BigInt(`0x${sig.subarray(half).toString('hex')}`);
  return Buffer.concat([sig.subarray(0, half), toBytes((ORDERS[alg] as bigint) - s, half)]);
};

describe('signatureDigest (J7 replay key without jti)', () => {
  it.each(['ES256', 'ES384', 'ES512'])('J7 gives (r, s) and (r, n - s) the same digest for %s', async (alg) => {
    const key = await makeKey(alg);
    for (let i = 0; i < 8; i++) {
      const token = await sign(key, { i });
      const sig = Buffer.from(token.split('.')[2] as string, 'base64url');
      const twin = flipS(alg, sig);
      expect(twin.equals(sig)).toBe(false);
      expect(signatureDigest(alg, twin)).toBe(signatureDigest(alg, sig));
    }
  });

  it('J7 digests a low-s ECDSA signature as it is', () => {
    const half = 32;
    const low = Buffer.concat([Buffer.alloc(half, 7), toBytes(5n, half)]);
    expect(signatureDigest('ES256', low)).toBe(sha256(low));
    const high = Buffer.concat([Buffer.alloc(half, 7), toBytes((ORDERS.ES256 as bigint) - 5n, half)]);
    expect(signatureDigest('ES256', high)).toBe(sha256(low));
  });

  it('J7 digests the bytes of other algorithms as they are', () => {
    const bytes = Buffer.from('any signature bytes at all, 64 of them to look like ECDSA......');
    for (const alg of ['RS256', 'PS256', 'EdDSA', 'Ed25519']) expect(signatureDigest(alg, bytes)).toBe(sha256(bytes));
  });

  it('J7 different signatures give different digests', () => {
    expect(signatureDigest('RS256', Buffer.from([1]))).not.toBe(signatureDigest('RS256', Buffer.from([2])));
  });

  it('leaves a malformed ECDSA signature of odd length alone', () => {
    const odd = Buffer.alloc(63, 0xff);
    expect(signatureDigest('ES256', odd)).toBe(sha256(odd));
  });

  it('J7 digests even-length signatures of RSA and EdDSA as they are (no low-s form outside ECDSA)', () => {
    for (const [alg, length] of [['RS256', 256], ['PS256', 256], ['EdDSA', 64], ['Ed25519', 64]] as const) {
      const bytes = Buffer.alloc(length, 0xff);
      expect(signatureDigest(alg, bytes)).toBe(sha256(bytes));
    }
  });

  it('J7 keeps s = floor(n / 2) as it is and maps s = floor(n / 2) + 1 onto it (the boundary of low-s)', () => {
    const n = ORDERS.ES256 as bigint;
    const r = Buffer.alloc(32, 9);
    const half = Buffer.concat([r, toBytes(n / 2n, 32)]);
    const above = Buffer.concat([r, toBytes(n / 2n + 1n, 32)]);
    expect(n - (n / 2n + 1n)).toBe(n / 2n); // n is odd: the two are each other's twin
    expect(signatureDigest('ES256', half)).toBe(sha256(half));
    expect(signatureDigest('ES256', above)).toBe(sha256(half));
  });
});
