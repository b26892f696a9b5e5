import { InvalidGrantError, OAuthError, safeDescription, type OAuthErrorCode, type OAuthErrorOptions, type ReasonCode } from '../errors.js';

/** Error codes RFC 9449 adds: a bad proof (§5, §7.1), and "retry with this nonce" (§8, §9). */
export type DpopErrorCode = 'invalid_dpop_proof' | 'use_dpop_nonce';

/**
 * Stable reason codes of a refused DPoP proof (RFC 9449 §4.3), safe to log, switch on and count:
 * `dpop_missing` no proof where one is needed; `dpop_multiple` more than one `DPoP` header value
 * (item 1); `dpop_malformed` not one well-formed compact JWS, a `crit` header, or a missing or bad
 * `jti` (items 2, 3); `dpop_typ` (item 4); `dpop_alg` (item 5); `dpop_jwk` missing, private,
 * symmetric, weak or unfit key (item 7); `dpop_signature` (item 6); `dpop_htm` (item 8); `dpop_htu`
 * (item 9); `dpop_nonce_required` nonce missing, wrong or stale (item 10); `dpop_iat` (item 11);
 * `dpop_ath` (item 12); `dpop_jkt_mismatch` proof key is not the key the token or grant is bound to
 * (item 12, §6.1); `dpop_replayed` `jti` seen before (§11.1); `dpop_bound_token_as_bearer` a
 * DPoP-bound token sent with the `Bearer` scheme (§7.1).
 */
export type DpopReasonCode =
  | 'dpop_missing'
  | 'dpop_multiple'
  | 'dpop_malformed'
  | 'dpop_typ'
  | 'dpop_alg'
  | 'dpop_jwk'
  | 'dpop_signature'
  | 'dpop_htm'
  | 'dpop_htu'
  | 'dpop_iat'
  | 'dpop_ath'
  | 'dpop_jkt_mismatch'
  | 'dpop_replayed'
  | 'dpop_nonce_required'
  | 'dpop_bound_token_as_bearer';

/** Why a proof was refused: the reason, the precise cause for logs, and what the response needs. */
export interface DpopRefusal {
  /** Stable reason code. */
  readonly reason: DpopReasonCode;
  /** Precise cause, for logs only; never sent to the client. */
  readonly detail: string;
  /** The JOSE header parameter or claim concerned (`typ`, `alg`, `jwk`, `htu`, `iat`, …), if any. */
  readonly claim?: string;
  /** For `dpop_nonce_required`: the fresh nonce to send in the `DPoP-Nonce` header (RFC 9449 §8.1). */
  readonly nonce?: string;
  /** Whether an expected key thumbprint (a bound token's or ID-JAG's `cnf.jkt`) was given. */
  readonly bound: boolean;
}

// Both unions are part of errors.ts' OAuthErrorCode and ReasonCode; these keep the calls below short.
const code = (error: DpopErrorCode | OAuthErrorCode): OAuthErrorCode => error;
const reasonCode = (reason: DpopReasonCode): ReasonCode => reason;

/**
 * The `WWW-Authenticate` challenge of the DPoP scheme (RFC 9449 §7.1): `algs` (space-separated, the
 * accepted proof algorithms) always, `error` and `error_description` when a request was refused.
 */
export function dpopChallenge(algorithms: readonly string[], error?: string, description?: string): string {
  const params: string[] = [];
  if (error !== undefined) params.push(`error="${error}"`);
  if (error !== undefined && description !== undefined) params.push(`error_description="${safeDescription(description)}"`);
  params.push(`algs="${algorithms.join(' ')}"`);
  return `DPoP ${params.join(', ')}`;
}

/**
 * `invalid_dpop_proof` (RFC 9449 §5, §7.1): the DPoP proof is missing, malformed or does not match the
 * request. 400 at the token endpoint; 401 with a `WWW-Authenticate: DPoP` challenge at a resource.
 */
export class InvalidDpopProofError extends OAuthError {
  /** The `error` code every instance carries (KnownOAuthError). */
  declare readonly error: 'invalid_dpop_proof';
  constructor(reason: DpopReasonCode, description: string, options: OAuthErrorOptions & { status?: 400 | 401 } = {}) {
    super(code('invalid_dpop_proof'), options.status ?? 400, reasonCode(reason), description, options);
  }
}

/**
 * `use_dpop_nonce` (RFC 9449 §8, §9): the server requires a nonce it issued in the proof; the response
 * carries a fresh one in `DPoP-Nonce` (and, at a resource, a `WWW-Authenticate: DPoP` challenge). 400 at
 * the token endpoint, 401 at a resource.
 */
export class UseDpopNonceError extends OAuthError {
  /** The `error` code every instance carries (KnownOAuthError). */
  declare readonly error: 'use_dpop_nonce';
  constructor(nonce: string, description: string, options: OAuthErrorOptions & { status?: 400 | 401 } = {}) {
    super(code('use_dpop_nonce'), options.status ?? 400, reasonCode('dpop_nonce_required'), description, {
      ...options,
      headers: { ...options.headers, 'dpop-nonce': nonce },
    });
  }
}

/**
 * `invalid_token`, 401, with a `WWW-Authenticate: DPoP` challenge (RFC 9449 §7.1): the access token is
 * not usable with this proof — bound to another key — or a DPoP-bound token came as `Bearer`.
 */
export class DpopInvalidTokenError extends OAuthError {
  /** The `error` code every instance carries (KnownOAuthError, as an `invalid_token`). */
  declare readonly error: 'invalid_token';
  constructor(reason: DpopReasonCode, description: string, algorithms: readonly string[], options: OAuthErrorOptions = {}) {
    super(code('invalid_token'), 401, reasonCode(reason), description, {
      ...options,
      headers: { ...options.headers, 'www-authenticate': dpopChallenge(algorithms, 'invalid_token', description) },
    });
  }
}

/** Public `error_description` of each refusal: general terms, nothing from the proof. */
const DESCRIPTIONS: Readonly<Record<DpopReasonCode, string>> = {
  dpop_missing: 'a DPoP proof is required',
  dpop_multiple: 'exactly one DPoP header is allowed',
  dpop_malformed: 'the DPoP proof is malformed',
  dpop_typ: 'the DPoP proof must have typ dpop+jwt',
  dpop_alg: 'the DPoP proof algorithm is not accepted',
  dpop_jwk: 'the DPoP proof jwk must be an accepted public key',
  dpop_signature: 'the DPoP proof signature is invalid',
  dpop_htm: 'the DPoP proof htm does not match the request method',
  dpop_htu: 'the DPoP proof htu does not match the request URL',
  dpop_iat: 'the DPoP proof iat is outside the accepted window',
  dpop_ath: 'the DPoP proof ath does not match the access token',
  dpop_jkt_mismatch: 'the DPoP proof key does not match the bound key',
  dpop_replayed: 'the DPoP proof has been used before',
  dpop_nonce_required: 'a DPoP nonce from the server is required',
  dpop_bound_token_as_bearer: 'a DPoP-bound access token must be sent with the DPoP scheme',
};

const logOptions = (refusal: DpopRefusal): OAuthErrorOptions => ({
  detail: refusal.detail,
  ...(refusal.claim === undefined ? {} : { claim: refusal.claim }),
});

/**
 * The token-endpoint error for a refused proof (RFC 9449 §5, §8): 400 `use_dpop_nonce` with `DPoP-Nonce`
 * for a missing or stale nonce; 400 `invalid_grant` when the proof key is not the one the grant (an
 * ID-JAG's `cnf.jkt`) is bound to, or no proof came for a bound grant (draft-ietf-oauth-identity-
 * assertion-authz-grant §9.8.1.2); 400 `invalid_dpop_proof` for anything else.
 */
export function dpopTokenEndpointError(refusal: DpopRefusal): OAuthError {
  const description = DESCRIPTIONS[refusal.reason];
  if (refusal.reason === 'dpop_nonce_required' && refusal.nonce !== undefined) {
    return new UseDpopNonceError(refusal.nonce, description, logOptions(refusal));
  }
  if (refusal.reason === 'dpop_jkt_mismatch' || (refusal.reason === 'dpop_missing' && refusal.bound)) {
    return new InvalidGrantError(reasonCode(refusal.reason), description, logOptions(refusal));
  }
  return new InvalidDpopProofError(refusal.reason, description, logOptions(refusal));
}

/**
 * The resource-server error for a refused proof (RFC 9449 §7.1, §9), always 401 with a
 * `WWW-Authenticate: DPoP` challenge listing `algorithms`: `use_dpop_nonce` (plus `DPoP-Nonce`) for a
 * missing or stale nonce; `invalid_token` when the token is bound to another key or came as `Bearer`;
 * `invalid_dpop_proof` for anything else.
 */
export function dpopResourceError(refusal: DpopRefusal, algorithms: readonly string[]): OAuthError {
  const description = DESCRIPTIONS[refusal.reason];
  const challenge = (error: DpopErrorCode) => ({ 'www-authenticate': dpopChallenge(algorithms, error, description) });
  if (refusal.reason === 'dpop_nonce_required' && refusal.nonce !== undefined) {
    return new UseDpopNonceError(refusal.nonce, description, { ...logOptions(refusal), status: 401, headers: challenge('use_dpop_nonce') });
  }
  if (refusal.reason === 'dpop_jkt_mismatch' || refusal.reason === 'dpop_bound_token_as_bearer') {
    return new DpopInvalidTokenError(refusal.reason, description, algorithms, logOptions(refusal));
  }
  return new InvalidDpopProofError(refusal.reason, description, { ...logOptions(refusal), status: 401, headers: challenge('invalid_dpop_proof') });
}
