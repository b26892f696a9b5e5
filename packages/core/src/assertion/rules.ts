import type { ReasonCode } from '../errors.js';
import type { AssertionUse } from '../events.js';
import { assertionFix, type FixContext } from './fixes.js';

/** Stable name of one step of the assertion pipeline (see {@link ASSERTION_RULES}). */
export type AssertionStepId =
  | 'size'
  | 'compact'
  | 'crit'
  | 'typ'
  | 'iss-sub'
  | 'client-id'
  | 'registered'
  | 'trusted'
  | 'id-jag-typ'
  | 'iss-is-sub'
  | 'subject'
  | 'alg'
  | 'explicit-typ'
  | 'aud'
  | 'dates'
  | 'exp'
  | 'nbf'
  | 'iat'
  | 'lifetime'
  | 'jti'
  | 'id-jag-claims'
  | 'id-jag-client'
  | 'key'
  | 'signature'
  | 'claim-conditions'
  | 'subject-sanity'
  | 'id-jag-binding'
  | 'resource'
  | 'scope'
  | 'replay';

/**
 * One check the engine makes on an assertion, with the rule of docs/rules.md it enforces. Where a
 * reason code is shared by several steps (`missing_claim`, `invalid_claim`), the refusal's `claim`
 * (OAuthError `claim`) tells them apart.
 */
export interface AssertionRule {
  /** Stable step name; `rfc7523 explain` keys its fixes on it. */
  readonly id: AssertionStepId;
  /** docs/rules.md rule id, e.g. `J3`. */
  readonly rule: string;
  /** What passing means, in plain words. */
  readonly check: string;
  /** Every reason code this step can fail with (ReasonCode). */
  readonly reasons: readonly ReasonCode[];
  /** The claims or header parameters a refusal of this step names (OAuthError `claim`); absent when none. */
  readonly claims?: readonly string[];
  /** The uses this step runs for: client authentication (RFC 7523 §2.2) and/or grant (§2.1). */
  readonly uses: readonly AssertionUse[];
  /** Where the rule comes from, e.g. `RFC 7523 §3 item 3`. */
  readonly source: string;
  /**
   * The plain-words fix when this step fails with `reason` (one of `reasons`), quoting the token and the
   * server (`assertionFix`): the one source of the fixes `rfc7523 explain` and the explain page show.
   */
  readonly fix: (reason: ReasonCode, context: FixContext) => string;
}

const BOTH: readonly AssertionUse[] = Object.freeze(['client_authentication', 'authorization_grant']);
const CLIENT: readonly AssertionUse[] = Object.freeze(['client_authentication']);
const GRANT: readonly AssertionUse[] = Object.freeze(['authorization_grant']);

function rule(
  id: AssertionStepId,
  ruleId: string,
  uses: readonly AssertionUse[],
  check: string,
  reasons: ReasonCode[],
  source: string,
  claims?: string[],
): AssertionRule {
  return Object.freeze({
    id,
    rule: ruleId,
    check,
    reasons: Object.freeze(reasons),
    ...(claims === undefined ? {} : { claims: Object.freeze(claims) }),
    uses,
    source,
    fix: (reason: ReasonCode, context: FixContext) => assertionFix(id, reason, context),
  });
}

/**
 * Every check an assertion passes, in the order the engine makes them (rule R0 for the request around
 * it): shape and header first, then the registration chosen from the unverified `iss`/`sub`, then the
 * claims, the key and signature, and replay last so that a refused assertion is never used up. The
 * pipeline runs exactly these steps in exactly this order; `rfc7523 explain`, docs/architecture.md and
 * the error `reason`/`claim` of every refusal come from this list. Frozen.
 */
export const ASSERTION_RULES: readonly AssertionRule[] = Object.freeze([
  rule('size', 'R8', BOTH, 'the assertion is within the size limit', ['assertion_too_large'], 'decision (docs/rules.md R8): size limits before any cryptography'),
  rule('compact', 'J13', BOTH, 'a compact JWS whose header and claims are JSON objects, no member repeated', ['malformed_jwt', 'jwe_not_supported', 'duplicate_member'], 'RFC 7515 §7.1; RFC 8725 (update) §3.14'),
  rule('crit', 'J11', BOTH, 'no crit (or b64) header extension', ['crit_not_understood'], 'RFC 7515 §4.1.11', ['crit', 'b64']),
  rule('typ', 'J12', BOTH, 'typ is absent or JWT (client authentication also accepts client-authentication+jwt; a grant also oauth-id-jag+jwt, checked against its issuer by id-jag-typ)', ['typ_not_allowed'], 'RFC 8725 §3.11; rfc7523bis §4', ['typ']),
  rule('iss-sub', 'J1', BOTH, 'iss and sub are present strings', ['missing_claim'], 'RFC 7523 §3 items 1–2', ['iss', 'sub']),
  rule('client-id', 'R5', CLIENT, 'the client_id parameter, when sent, equals sub', ['client_id_mismatch'], 'RFC 7521 §4.2', ['sub']),
  rule('registered', 'J2', CLIENT, 'sub is a registered client_id', ['unknown_client'], 'RFC 7523 §3 item 2', ['sub']),
  rule('trusted', 'J1', GRANT, 'iss is a trusted issuer', ['untrusted_issuer'], 'RFC 7523 §3 item 1', ['iss']),
  rule('id-jag-typ', 'G1', GRANT, 'typ is oauth-id-jag+jwt exactly when the issuer is an id_jag issuer', ['id_jag_typ_required', 'id_jag_issuer_required'], 'draft-ietf-oauth-identity-assertion-authz-grant §3.1, §4.4.1; RFC 8725 §3.11', ['typ']),
  rule('iss-is-sub', 'J1', CLIENT, 'iss equals sub (the client_id)', ['iss_mismatch'], 'RFC 7523 §3 item 1; OpenID Connect Core §9', ['iss']),
  rule('subject', 'J2', GRANT, 'sub is a subject this issuer may assert', ['sub_not_allowed'], 'RFC 7523 §3 item 2', ['sub']),
  rule('alg', 'J9', BOTH, 'alg is asymmetric (RS/PS/ES 256-512, EdDSA, Ed25519) and allowed for this registration', ['alg_not_allowed'], 'RFC 7523 §3 item 9; RFC 8725 §3.1; OpenID Connect Registration §2', ['alg']),
  rule('explicit-typ', 'J12', CLIENT, 'typ is client-authentication+jwt when the client requires it', ['explicit_typ_required'], 'rfc7523bis §4', ['typ']),
  rule('aud', 'J3', BOTH, "aud is this server: its issuer identifier as the only value (client authentication), or the issuer identifier or token endpoint URL among its values (grant), or one of the issuer's audiences when it lists them (rule W3)", ['missing_claim', 'aud_mismatch'], 'RFC 7523 §3 item 3; rfc7523bis §4', ['aud']),
  rule('dates', 'J5', BOTH, 'exp, nbf and iat are NumericDates (numbers of seconds)', ['invalid_claim'], 'RFC 7519 §2', ['exp', 'nbf', 'iat']),
  rule('exp', 'J4', BOTH, 'exp is present and has not passed', ['missing_claim', 'expired'], 'RFC 7523 §3 item 4', ['exp']),
  rule('nbf', 'J5', BOTH, 'nbf, if present, has passed', ['not_yet_valid'], 'RFC 7523 §3 item 5', ['nbf']),
  rule('iat', 'J5', BOTH, 'iat, if present, is not in the future', ['iat_in_future'], 'RFC 7523 §3 item 6', ['iat']),
  rule('lifetime', 'J6', BOTH, 'exp - iat is within the maximum assertion lifetime', ['lifetime_too_long'], 'decision (docs/rules.md J6) on RFC 7523 §3 item 4', ['exp']),
  rule('jti', 'J7', BOTH, 'jti is present (unless the issuer may omit it), a non-empty string', ['missing_jti', 'invalid_claim'], 'RFC 7523 §3 item 7', ['jti']),
  rule('id-jag-claims', 'G2', GRANT, 'an ID-JAG has client_id and iat, and no authorization_details (not supported: refused rather than ignored)', ['missing_claim', 'claim_not_supported'], 'RFC 7519 §4.1.6; draft-ietf-oauth-identity-assertion-authz-grant §3.1, §4.4.1', ['client_id', 'iat', 'authorization_details']),
  rule('id-jag-client', 'G3', GRANT, "an ID-JAG comes with client authentication, and its client_id is the authenticated client", ['client_auth_required', 'id_jag_client_mismatch'], 'RFC 7523 §3.1; draft-ietf-oauth-identity-assertion-authz-grant §4.4.1', ['client_id']),
  rule('key', 'J10', BOTH, 'a key of this registration matches the header (kid, alg)', ['key_not_found', 'jwks_unavailable'], 'RFC 8725 §3.10; OpenID Connect Core §10.1', ['kid']),
  rule('signature', 'J9', BOTH, 'the signature verifies with that key', ['signature_invalid'], 'RFC 7523 §3 item 9; RFC 7515 §5.2'),
  rule('claim-conditions', 'W2', GRANT, "every claim condition of the issuer returns true (CEL over claims and header; an evaluation error refuses)", ['claim_condition_failed'], 'decision (docs/rules.md W2); Kubernetes claimValidationRules'),
  rule('subject-sanity', 'W5', GRANT, "the subject (sub, or the issuer's subject_mapping) can name an access token: not empty, at most 255 characters, no control characters, not a registered client_id", ['sub_invalid'], 'RFC 9068 §5', ['sub']),
  rule('id-jag-binding', 'D1', GRANT, "a grant with cnf.jkt (an ID-JAG, or any issuer's key-bound assertion) comes with a DPoP proof (already verified) whose key has that thumbprint; cnf without jkt is refused", ['claim_not_supported', 'dpop_missing', 'dpop_jkt_mismatch'], 'RFC 9449 §6.1; draft-ietf-oauth-identity-assertion-authz-grant §9.8.1.2', ['cnf']),
  rule('resource', 'G4', GRANT, "each requested resource is one this server serves (resources) and, for an ID-JAG, one its resource claim names; an ID-JAG's resource and scope claims are well-formed", ['invalid_claim', 'resource_not_allowed', 'resource_not_governed'], 'RFC 8707 §2; draft-ietf-oauth-identity-assertion-authz-grant §3.1, §4.4.1', ['resource', 'scope']),
  rule('scope', 'R10', GRANT, 'the requested scope is within what may be granted (an ID-JAG: requested ∩ its scope claim ∩ the ceilings, not empty; rule G5)', ['scope_not_allowed'], 'RFC 6749 §3.3'),
  rule('replay', 'J7', BOTH, 'not used before (one use per assertion; not recorded for an issuer with one_time_use false, rule W4)', ['jti_replayed', 'replay_store_unavailable'], 'RFC 7523 §3 item 7; OpenID Connect Core §9', ['jti']),
]);

const BY_USE: Readonly<Record<AssertionUse, readonly AssertionRule[]>> = Object.freeze({
  client_authentication: Object.freeze(ASSERTION_RULES.filter((r) => r.uses.includes('client_authentication'))),
  authorization_grant: Object.freeze(ASSERTION_RULES.filter((r) => r.uses.includes('authorization_grant'))),
});

/** The steps of one use, in order (a frozen subsequence of {@link ASSERTION_RULES}). */
export function assertionRulesFor(use: AssertionUse): readonly AssertionRule[] {
  return BY_USE[use];
}

/**
 * The claim a refusal by `rule` names: `claim` as the step gave it, or, when the step gave none
 * (undefined), the rule's only claim; null means none. Throws an Error when the table does not list the
 * reason, or the claim, for the rule: a step failing in a way its entry does not list is a bug, answered
 * as a 500, never as a quiet 400.
 */
export function failureClaim(rule: AssertionRule, reason: ReasonCode, claim: string | null | undefined): string | undefined {
  const named = claim === undefined ? (rule.claims?.length === 1 ? rule.claims[0] : undefined) : (claim ?? undefined);
  if (!rule.reasons.includes(reason) || (named !== undefined && !rule.claims?.includes(named))) {
    throw new Error(`step ${rule.id} failed with ${reason}${named === undefined ? '' : `/${named}`}, which ASSERTION_RULES does not list`);
  }
  return named;
}
