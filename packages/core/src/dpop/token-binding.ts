/** `token_type` of a DPoP-bound access token in the token response (RFC 9449 §5). */
export const DPOP_TOKEN_TYPE = 'DPoP';

/** A JWK SHA-256 thumbprint as RFC 7638 §3 and RFC 9449 §6.1 write it: 43 base64url characters. */
const JKT = /^[A-Za-z0-9_-]{43}$/;

/**
 * The confirmation claim that binds an issued access token to the DPoP proof key (RFC 9449 §6.1,
 * RFC 7800 §3.1): `{ cnf: { jkt } }`, to merge into the token's claims.
 */
export function dpopAccessTokenBinding(jkt: string): { cnf: { jkt: string } } {
  return { cnf: { jkt } };
}

/**
 * The key thumbprint a token or an ID-JAG is bound to (RFC 9449 §6.1; draft-ietf-oauth-identity-
 * assertion-authz-grant §9.8.1): undefined when it has no `cnf`, the `cnf.jkt` when well-formed, and
 * null when a `cnf` is present without a well-formed `jkt` (the caller refuses it: fail closed).
 */
export function confirmationJkt(claims: Readonly<Record<string, unknown>>): string | null | undefined {
  const cnf = claims['cnf'];
  if (cnf === undefined) return undefined;
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) return null;
  const jkt = (cnf as Record<string, unknown>)['jkt'];
  return typeof jkt === 'string' && JKT.test(jkt) ? jkt : null;
}
