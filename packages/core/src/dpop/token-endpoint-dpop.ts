import type { AuthenticatedClient } from '../client-authentication.js';
import type { PlainRequest } from '../request/plain-request.js';
import { dpopTokenEndpointError } from './dpop-errors.js';
import type { DpopVerifier } from './dpop-verifier.js';
import type { DpopProof } from './verify-dpop-proof.js';

/**
 * Rule D1 at the token endpoint: the request's `DPoP` proof (RFC 9449 §4.3, §5) checked against `POST` and
 * the token endpoint URL. Resolves undefined when the request has no `DPoP` header (the token stays a
 * Bearer token); throws 400 `invalid_dpop_proof` (or `use_dpop_nonce` with `DPoP-Nonce`) for a bad one.
 * Every value of a repeated header counts (Node joins them with ", ", which the verifier refuses as
 * `dpop_multiple`), and an empty header is a bad proof, not an absent one.
 */
export async function tokenRequestProof(verifier: DpopVerifier, request: PlainRequest, tokenEndpoint: string): Promise<DpopProof | undefined> {
  const values = request.headers['dpop'];
  if (values === undefined) return undefined;
  const result = await verifier.verify(values, { method: request.method, url: tokenEndpoint });
  if (!result.ok) throw verifier.tokenEndpointError(result.refusal);
  return result.proof;
}

/**
 * `dpop_bound_access_tokens` (RFC 9449 §5.2: the server "MUST reject token requests from the client that
 * do not contain the DPoP header"). §5.2 names no error code; this is a DPoP failure at the token
 * endpoint, so it is §5's `invalid_dpop_proof`, 400, reason `dpop_missing`.
 */
export function requireClientProof(client: AuthenticatedClient | null, proof: DpopProof | undefined): void {
  if (proof !== undefined || client === null || client.metadata.dpop_bound_access_tokens !== true) return;
  throw dpopTokenEndpointError({
    reason: 'dpop_missing',
    detail: `client ${client.clientId} is registered with dpop_bound_access_tokens and sent no DPoP proof`,
    bound: false,
  });
}

/**
 * For a grant bound to a key, such as an ID-JAG with `cnf.jkt` (draft-ietf-oauth-identity-assertion-
 * authz-grant §9.8.1; RFC 9449 §6.1): the request's proof must be signed with the key of thumbprint `jkt`.
 * Throws 400 `invalid_grant` with reason `dpop_missing` (no proof) or `dpop_jkt_mismatch` (another key).
 */
export function requireProofFor(proof: DpopProof | undefined, jkt: string): void {
  if (proof !== undefined && proof.jkt === jkt) return;
  throw dpopTokenEndpointError(
    proof === undefined
      ? { reason: 'dpop_missing', detail: 'the grant is bound to a key (cnf.jkt) and the request has no DPoP proof', bound: true }
      : { reason: 'dpop_jkt_mismatch', detail: 'the DPoP proof key thumbprint is not the grant cnf.jkt', claim: 'jwk', bound: true },
  );
}
