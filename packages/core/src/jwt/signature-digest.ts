import { hash } from 'node:crypto';

// Group orders n of the NIST curves (SEC 2 §2.4; copied from `openssl ecparam -name <curve> -param_enc explicit
// -text`): an ECDSA signature (r, s) also verifies as (r, n - s). P-521's n is 521 bits.
const ORDERS: Readonly<Record<string, bigint>> = {
  ES256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  ES384: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  ES512: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
};

/**
 * Digest of the decoded signature bytes, the replay key of assertions without `jti` (rule J7).
 * Decoded bytes, not token text, because base64url spells the same bytes more than one way; and for
 * ECDSA the low-s form, because (r, n - s) is a second valid signature anyone can compute from a token.
 */
export function signatureDigest(alg: string, signature: Uint8Array): string {
  let bytes = signature;
  const n = ORDERS[alg];
  if (n !== undefined && signature.length % 2 === 0) {
    const half = signature.length / 2;
    const s = BigInt('0x' + Buffer.from(signature.subarray(half)).toString('hex'));
    if (s > n / 2n) {
      const low = Buffer.from((n - s).toString(16).padStart(half * 2, '0'), 'hex');
      bytes = Buffer.concat([signature.subarray(0, half), low]);
    }
  }
  return hash('sha256', bytes, 'base64url');
}
