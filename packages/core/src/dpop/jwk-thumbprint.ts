import { hash } from 'node:crypto';
import type { JWK } from 'jose';

/**
 * RFC 7638 §3 JWK SHA-256 thumbprint, base64url: the SHA-256 of the JSON object of the key's required
 * members (§3.2: RSA `e`, `kty`, `n`; EC `crv`, `kty`, `x`, `y`; OKP `crv`, `kty`, `x`) in lexicographic
 * order with no whitespace. The `jkt` of RFC 9449 §6.1. Precondition: `jwk` passed publicJwkProblem,
 * so those members are strings. Synchronous node:crypto, cheaper than jose's calculateJwkThumbprint
 * (a WebCrypto digest); the tests check both agree, and RFC 7638's own example.
 */
export function jwkThumbprint(jwk: JWK): string {
  const members =
    jwk.kty === 'RSA'
      ? { e: jwk.e, kty: jwk.kty, n: jwk.n }
      : jwk.kty === 'EC'
        ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y }
        : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return hash('sha256', JSON.stringify(members), 'base64url');
}
