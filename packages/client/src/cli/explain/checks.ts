import type { ReasonCode } from '@rfc7523/core';

/** Which RFC 7523 use an assertion is explained for: client authentication (§2.2) or grant (§2.1). */
export type ExplainUse = 'client' | 'grant';

/**
 * One check the engine makes, in the engine's order, with the rule it enforces (docs/rules.md) and the reason
 * codes (ReasonCode in @rfc7523/core) it fails with. Where a reason code is shared by several checks
 * (`missing_claim`, `invalid_claim`), the refusal's `claim` (OAuthError `claim`) tells them apart.
 */
export interface CheckStep {
  /** Stable name of the check. */
  readonly id: string;
  /** docs/rules.md rule id, e.g. `J3`. */
  readonly rule: string;
  /** What passing means, in plain words. */
  readonly check: string;
  readonly reasons: readonly ReasonCode[];
  /** When set, the refusal's `claim` must be one of these for it to come from this check. */
  readonly claims?: readonly string[];
}

const step = (id: string, rule: string, check: string, reasons: ReasonCode[], claims?: string[]): CheckStep =>
  Object.freeze({ id, rule, check, reasons, ...(claims === undefined ? {} : { claims: Object.freeze(claims) }) });

const SHAPE = [
  step('size', 'R8', 'the assertion is within the size limit', ['assertion_too_large']),
  step('compact', 'J13', 'a compact JWS whose header and claims are JSON objects, no member repeated', ['malformed_jwt', 'jwe_not_supported', 'duplicate_member']),
  step('crit', 'J11', 'no crit (or b64) header extension', ['crit_not_understood']),
];

const TIMES = [
  step('dates', 'J5', 'exp, nbf and iat are NumericDates (numbers of seconds)', ['invalid_claim'], ['exp', 'nbf', 'iat']),
  step('exp', 'J4', 'exp is present and has not passed', ['missing_claim', 'expired'], ['exp']),
  step('nbf', 'J5', 'nbf, if present, has passed', ['not_yet_valid']),
  step('iat', 'J5', 'iat, if present, is not in the future', ['iat_in_future']),
  step('lifetime', 'J6', 'exp - iat is within the maximum assertion lifetime', ['lifetime_too_long']),
];

const KEYS = [
  step('key', 'J10', 'a registered key matches the header (kid, alg)', ['key_not_found', 'jwks_unavailable']),
  step('signature', 'J9', 'the signature verifies with that key', ['signature_invalid']),
];

const REPLAY = step('replay', 'J7', 'not used before (one use per assertion)', ['jti_replayed']);

/** The checks of client authentication (ClientAuthenticator, then AssertionVerifier), in order. */
export const CLIENT_STEPS: readonly CheckStep[] = Object.freeze([
  ...SHAPE,
  step('typ', 'J12', 'typ is absent, JWT or client-authentication+jwt', ['typ_not_allowed']),
  step('iss-sub', 'J1', 'iss and sub are present strings', ['missing_claim'], ['iss', 'sub']),
  step('client-id', 'R5', 'the client_id parameter equals sub', ['client_id_mismatch']),
  step('registered', 'J2', 'sub is a registered client_id', ['unknown_client']),
  step('iss-is-sub', 'J1', 'iss equals sub (the client_id)', ['iss_mismatch']),
  step('alg', 'J9', 'alg is asymmetric and allowed for this client', ['alg_not_allowed']),
  step('explicit-typ', 'J12', 'typ is client-authentication+jwt when the client requires it', ['explicit_typ_required']),
  step('aud', 'J3', "aud is this server's issuer identifier, as its only value", ['aud_mismatch', 'missing_claim'], ['aud']),
  ...TIMES,
  step('jti', 'J7', 'jti is present, a non-empty string', ['missing_jti', 'invalid_claim'], ['jti']),
  ...KEYS,
  REPLAY,
]);

/** The checks of the jwt-bearer grant (JwtBearerGrant, then AssertionVerifier), in order. */
export const GRANT_STEPS: readonly CheckStep[] = Object.freeze([
  ...SHAPE,
  step('typ', 'J12', 'typ is absent or JWT', ['typ_not_allowed']),
  step('iss-sub', 'J1', 'iss and sub are present strings', ['missing_claim'], ['iss', 'sub']),
  step('trusted', 'J1', 'iss is a trusted issuer', ['untrusted_issuer']),
  step('subject', 'J2', 'sub is a subject this issuer may assert', ['sub_not_allowed']),
  step('alg', 'J9', 'alg is asymmetric (RS/PS/ES 256-512, EdDSA, Ed25519)', ['alg_not_allowed']),
  step('aud', 'J3', "aud names this server: its issuer identifier or token endpoint URL", ['aud_mismatch', 'missing_claim'], ['aud']),
  ...TIMES,
  step('jti', 'J7', 'jti is present (unless the issuer may omit it), a non-empty string', ['missing_jti', 'invalid_claim'], ['jti']),
  ...KEYS,
  step('scope', 'R10', 'the requested scope is within what may be granted', ['scope_not_allowed']),
  REPLAY,
]);

/** The step a refusal comes from: the first whose reasons (and claims, if any) match the engine's error. */
export function failingStep(steps: readonly CheckStep[], reason: string, claim: string | undefined): CheckStep | undefined {
  return steps.find((s) => (s.reasons as readonly string[]).includes(reason) && (s.claims === undefined || (claim !== undefined && s.claims.includes(claim))));
}
