import type { JWK } from 'jose';

/**
 * `dpop_signing_alg_values_supported` (RFC 9449 §5.1): every asymmetric JWS algorithm accepted in a
 * DPoP proof by default, ES256 first (the one clients are expected to use). Never `none` nor an HMAC
 * algorithm (RFC 9449 §4.3 item 5). Also the `algs` of the `WWW-Authenticate: DPoP` challenge (§7.1).
 */
export const DPOP_SIGNING_ALG_VALUES_SUPPORTED: readonly string[] = Object.freeze([
  'ES256',
  'ES384',
  'ES512',
  'PS256',
  'PS384',
  'PS512',
  'RS256',
  'RS384',
  'RS512',
  'EdDSA',
  'Ed25519',
]);

/** JWK `kty` and, for EC and OKP, `crv` that each DPoP algorithm needs (RFC 7518 §3.1, RFC 8037 §3.1, RFC 9864). */
const KEY_FOR_ALG: Readonly<Record<string, { kty: string; crv?: string }>> = {
  ES256: { kty: 'EC', crv: 'P-256' },
  ES384: { kty: 'EC', crv: 'P-384' },
  ES512: { kty: 'EC', crv: 'P-521' },
  PS256: { kty: 'RSA' },
  PS384: { kty: 'RSA' },
  PS512: { kty: 'RSA' },
  RS256: { kty: 'RSA' },
  RS384: { kty: 'RSA' },
  RS512: { kty: 'RSA' },
  EdDSA: { kty: 'OKP', crv: 'Ed25519' },
  Ed25519: { kty: 'OKP', crv: 'Ed25519' },
};

/** Whether a (public, already checked) JWK is of the type and curve `alg` signs with (RFC 8725 §3.1). */
export function jwkFitsAlgorithm(jwk: JWK, alg: string): boolean {
  const need = KEY_FOR_ALG[alg];
  return need !== undefined && jwk.kty === need.kty && (need.crv === undefined || jwk.crv === need.crv);
}

/**
 * The members of a public JWK that define the key (RFC 7638 §3.2): RSA `e`, `kty`, `n`; EC `crv`, `kty`,
 * `x`, `y`; OKP `crv`, `kty`, `x`. Importing only these ignores `key_ops`, `use`, `ext` and the like,
 * which say nothing about who holds the private key.
 */
export function essentialJwk(jwk: JWK): JWK {
  if (jwk.kty === 'RSA') return { kty: 'RSA', n: jwk.n, e: jwk.e };
  if (jwk.kty === 'EC') return { kty: 'EC', crv: jwk.crv, x: jwk.x, y: jwk.y };
  return { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
}
