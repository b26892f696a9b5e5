import type { Attempt, PipelineSettings, StepResult } from '../assertion/steps.js';
import { typMediaType } from '../assertion/typ.js';
import { resourceProblem } from '../config/id-jag-fields.js';
import { SCOPE_PATTERN } from '../scope.js';
import { ID_JAG_TYP } from './constants.js';

/**
 * Rule G1 (draft-ietf-oauth-identity-assertion-authz-grant §3.1, §4.4.1; RFC 8725 §3.11): a grant from an
 * `id_jag` issuer must be typed `oauth-id-jag+jwt` (case-insensitive, optional `application/`, RFC 7515
 * §4.1.9), and a grant typed so is accepted from no other issuer (rule J12).
 */
export function idJagTypStep(a: Attempt): StepResult {
  const typed = typMediaType(a.jwt.header.typ) === ID_JAG_TYP;
  if (a.registration.idJag === true) {
    return typed ? undefined : { reason: 'id_jag_typ_required', detail: `a grant from this issuer must have typ ${ID_JAG_TYP}` };
  }
  return typed ? { reason: 'id_jag_issuer_required', detail: `typ ${ID_JAG_TYP} is accepted only from an id_jag issuer` } : undefined;
}

/**
 * Rule G2 (draft §3.1): an ID-JAG carries `client_id` (a non-empty string) and `iat`; `iss`, `sub`, `aud`,
 * `exp` and `jti` are required by the steps every grant passes. `authorization_details` (RFC 9396) is
 * refused, not ignored: the draft (§4.4.1) says a server MUST process it, and this one does not, so it
 * fails closed.
 */
export function idJagClaimsStep(a: Attempt): StepResult {
  if (a.registration.idJag !== true) return undefined;
  const { client_id: clientId, iat, authorization_details: details } = a.jwt.claims;
  if (typeof clientId !== 'string' || clientId === '') return { reason: 'missing_claim', detail: 'an ID-JAG needs client_id, a non-empty string', claim: 'client_id' };
  if (iat === undefined) return { reason: 'missing_claim', detail: 'an ID-JAG needs iat', claim: 'iat' };
  if (details !== undefined) return { reason: 'claim_not_supported', detail: 'authorization_details (RFC 9396) is not supported', claim: 'authorization_details' };
  return undefined;
}

/**
 * Rule G3 (draft §4.4.1, §9.1): an ID-JAG is presented by an authenticated client (else `invalid_client`),
 * and its `client_id` is that client (else `invalid_grant`).
 */
export function idJagClientStep(a: Attempt): StepResult {
  if (a.registration.idJag !== true) return undefined;
  const presenter = a.options.presenter;
  if (presenter === undefined) return { reason: 'client_auth_required', detail: 'an ID-JAG must be presented with client authentication', claim: null };
  return a.jwt.claims.client_id === presenter ? undefined : { reason: 'id_jag_client_mismatch', detail: 'client_id of the ID-JAG is not the authenticated client' };
}

/**
 * Rule D1 for grants (draft §9.8.1.2; RFC 9449 §6.1): a grant assertion with `cnf` — an ID-JAG or any
 * trusted issuer's — must carry `jkt` (other confirmation methods are refused, not ignored), and the request's DPoP proof — verified by the token
 * endpoint before client authentication — must have been signed with the key of that thumbprint: no
 * proof or another key is `invalid_grant`. The access token is then bound to the same key.
 */
export function idJagBindingStep(a: Attempt): StepResult {
  // Any grant, not only an ID-JAG: a confirmation this server cannot check is refused, never ignored.
  if (a.jwt.claims.cnf === undefined) return undefined;
  const cnf = a.jwt.claims.cnf as Record<string, unknown> | null;
  const jkt = typeof cnf === 'object' && cnf !== null && !Array.isArray(cnf) ? cnf.jkt : undefined;
  if (typeof jkt !== 'string' || jkt === '' || Object.keys(cnf as object).length !== 1) {
    return { reason: 'claim_not_supported', detail: 'cnf must hold exactly jkt (RFC 9449 §6.1); other confirmation methods are not supported' };
  }
  const proof = a.options.proofJkt;
  if (proof === undefined) return { reason: 'dpop_missing', detail: 'the grant is bound to a key (cnf.jkt) and the request has no DPoP proof' };
  return proof === jkt ? undefined : { reason: 'dpop_jkt_mismatch', detail: 'the DPoP proof key thumbprint is not the grant cnf.jkt' };
}

/** An ID-JAG's `resource` claim as a list (draft §3.1: one URI or an array of URIs); null when absent, a string when malformed. */
function claimedResources(value: unknown): readonly string[] | null | string {
  if (value === undefined) return null;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0) return 'resource must be a URI or a non-empty array of URIs';
  for (const item of list) {
    const problem = resourceProblem(item);
    if (problem !== undefined) return `each resource ${problem}`;
  }
  return list as string[];
}

/**
 * Rule G4 (RFC 8707 §2; draft §3.1, §4.4.1): the resources the access token is for. Each requested
 * `resource` must be an absolute URI without fragment, one of the server's `resources` when that list is
 * set, and — for an ID-JAG with a `resource` claim — one the claim names; otherwise `invalid_target`.
 * Nothing requested: an ID-JAG's claimed resources, each of which must be one of the server's `resources`
 * (else `invalid_grant`: the IdP issued it for a resource this server does not govern). Also checks the
 * shape of an ID-JAG's `scope` claim (RFC 6749 §3.3) for rule G5.
 */
export function resourceStep(a: Attempt, s: PipelineSettings): StepResult {
  const requested = a.options.resources ?? [];
  let claimed: readonly string[] | null = null;
  if (a.registration.idJag === true) {
    const parsed = claimedResources(a.jwt.claims.resource);
    if (typeof parsed === 'string') return { reason: 'invalid_claim', detail: parsed, claim: 'resource' };
    claimed = parsed;
    const scope = a.jwt.claims.scope;
    if (scope !== undefined && (typeof scope !== 'string' || !SCOPE_PATTERN.test(scope))) {
      return { reason: 'invalid_claim', detail: 'scope must be space-separated scope tokens', claim: 'scope' };
    }
  }
  for (const resource of requested) {
    const problem = resourceProblem(resource);
    if (problem !== undefined) return { reason: 'resource_not_allowed', detail: `the resource parameter ${problem}`, claim: null };
    if (s.resources != null && !s.resources.has(resource)) return { reason: 'resource_not_allowed', detail: 'a requested resource is not one this server issues tokens for', claim: null };
    if (claimed !== null && !claimed.includes(resource)) return { reason: 'resource_not_allowed', detail: "a requested resource is not in the ID-JAG's resource claim", claim: null };
  }
  if (requested.length === 0 && claimed !== null && s.resources != null && claimed.some((r) => !s.resources?.has(r))) {
    return { reason: 'resource_not_governed', detail: 'the ID-JAG names a resource this server does not issue tokens for', claim: 'resource' };
  }
  a.resource = requested.length > 0 ? [...requested] : [...(claimed ?? [])];
  return undefined;
}

/**
 * Rule G5 (draft §4.4.1: "MAY be a subset"): an ID-JAG's scope is the request (or, with none, everything)
 * ∩ its `scope` claim (no claim: no limit from the IdP) ∩ the issuer's `scope` ∩ the presenting client's
 * `scope`. An empty result is `invalid_scope`.
 */
export function idJagScope(a: Attempt): StepResult {
  const ceiling = a.options.scopeCeiling;
  const claim = a.jwt.claims.scope;
  const claimed = typeof claim === 'string' ? new Set(claim.split(' ')) : null;
  const allowed = (scope: string) => a.registration.scope.has(scope) && (ceiling === undefined || ceiling.has(scope)) && (claimed === null || claimed.has(scope));
  const requested = a.options.requestedScope ?? [];
  const granted = (requested.length > 0 ? requested : [...a.registration.scope]).filter(allowed);
  if (granted.length === 0) return { reason: 'scope_not_allowed', detail: 'no requested scope is in the ID-JAG, the issuer and the client scope at once' };
  a.scope = granted;
  return undefined;
}
