import type { JWK } from 'jose';

/** Smallest RSA modulus accepted, in bits (rule J9, RFC 8725 §3.5). */
export const MIN_RSA_BITS = 2048;

const CURVES: Record<string, readonly string[]> = { EC: ['P-256', 'P-384', 'P-521'], OKP: ['Ed25519'] };
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

/** Whether a base64url RSA public exponent is odd, at least 3 and at most 32 bits. */
function usualExponent(e: string): boolean {
  const bytes = Buffer.from(e, 'base64url');
  let i = 0;
  while (bytes[i] === 0) i++; // stops at the end too: bytes[bytes.length] is undefined
  const significant = bytes.subarray(i);
  if (significant.length > 4) return false;
  // No significant byte (an empty or all-zero exponent) gives 0, refused here with the other small ones.
  const value = significant.reduce((acc, byte) => acc * 256 + byte, 0);
  return value >= 3 && value % 2 === 1;
}

function rsaBits(n: string): number {
  const bytes = Buffer.from(n, 'base64url');
  let i = 0;
  while (bytes[i] === 0) i++; // stops at the end too: bytes[bytes.length] is undefined
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i] as number));
}

/**
 * Says what is wrong with a JWK meant to verify assertions, or undefined when it is usable:
 * an RSA (≥ 2048 bits), EC (P-256/384/521) or OKP (Ed25519) public key with no private members.
 */
export function publicJwkProblem(jwk: unknown): string | undefined {
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) return 'must be a JSON object';
  const key = jwk as JWK;
  if (PRIVATE_MEMBERS.some((m) => m in key)) return 'must be a public key (it holds private key members)';
  switch (key.kty) {
    case 'RSA':
      if (typeof key.n !== 'string' || typeof key.e !== 'string') return 'RSA key needs "n" and "e"';
      if (rsaBits(key.n) < MIN_RSA_BITS) return `RSA key must be at least ${MIN_RSA_BITS} bits`;
      // An attacker-chosen huge exponent makes each verification ~40 times slower (a DPoP proof carries its own key).
      if (!usualExponent(key.e)) return 'RSA key "e" must be an odd exponent from 3 to 2^32 (65537 is usual)';
      return undefined;
    case 'EC':
    case 'OKP':
      if (!CURVES[key.kty]!.includes(String(key.crv))) return `${key.kty} key has an unsupported "crv"`;
      if (typeof key.x !== 'string' || (key.kty === 'EC' && typeof key.y !== 'string')) {
        return `${key.kty} key is missing its coordinates`;
      }
      return undefined;
    default:
      return '"kty" must be RSA, EC or OKP (symmetric keys are never accepted)';
  }
}
