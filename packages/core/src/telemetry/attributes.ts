import { CLIENT_CREDENTIALS_GRANT_TYPE, JWT_BEARER_GRANT_TYPE } from '../constants.js';
import type { ReasonCode } from '../errors.js';
import type { AssertionUse } from '../events.js';

/**
 * Attribute names of the engine's spans and metrics (docs/operations.md). `error.type` is the
 * OpenTelemetry semantic-convention name; the others are namespaced `oauth.*` / `rfc7523.*`.
 */
export const ATTR = Object.freeze({
  /** `grant_type` of the request (RFC 6749 §4.5), from {@link GRANT_TYPES} or `other`. Spans and metrics. */
  grantType: 'oauth.grant_type',
  /** Which use of RFC 7523 (§2.1 grant, §2.2 client authentication), from {@link USE_CASES}. Spans and metrics. */
  useCase: 'rfc7523.use_case',
  /** How a token request ended, from {@link TOKEN_OUTCOMES}. Spans and metrics. */
  outcome: 'rfc7523.outcome',
  /** Stable reason code of a refusal, from {@link REASON_CODES} or `other`. Spans and metrics. */
  reason: 'rfc7523.reason',
  /** Result of a key fetch or replay-store call, from {@link KEY_FETCH_RESULTS} / {@link REPLAY_RESULTS}. */
  result: 'rfc7523.result',
  /** RFC 6749 §5.2 error code of a refusal, or `server_error` (semantic convention `error.type`). */
  errorType: 'error.type',
  /** Authenticated `client_id` (RFC 6749 §2.2). Spans only: unbounded. */
  clientId: 'oauth.client_id',
  /** `iss` of the assertion (RFC 7519 §4.1.1). Spans only: unbounded. */
  issuer: 'rfc7523.issuer',
  /** The `jwks_uri` fetched (semantic convention `url.full`). Spans only. */
  url: 'url.full',
  /** HTTP status of a key fetch response (semantic convention). Spans only. */
  httpStatus: 'http.response.status_code',
  /** Number of keys in a fetched set. Spans only. */
  keyCount: 'rfc7523.keys',
} as const);

/** Names of the engine's spans and metric instruments (docs/operations.md). */
export const NAMES = Object.freeze({
  /** Span: one token request (RFC 6749 §3.2), kind INTERNAL. */
  tokenRequestSpan: 'rfc7523.token_request',
  /** Span: one `jwks_uri` fetch (rule J10), kind INTERNAL. */
  keyFetchSpan: 'rfc7523.jwks_fetch',
  /** Counter {request}: token requests by grant type, outcome and reason. */
  tokenRequests: 'rfc7523.token_requests',
  /** Histogram, seconds: verification of one assertion, by use case, outcome and reason. */
  verificationDuration: 'rfc7523.assertion.verification.duration',
  /** Counter {fetch}: `jwks_uri` fetches by result. */
  keyFetches: 'rfc7523.key_fetches',
  /** Histogram, seconds: one replay-store call, by result. */
  replayStoreDuration: 'rfc7523.replay_store.duration',
  /** Counter {failure}: replay-store calls that rejected (the request then fails closed with 503). */
  replayStoreFailures: 'rfc7523.replay_store.failures',
} as const);

/** The value every unknown attribute value on a metric becomes, so that cardinality stays bounded. */
export const OTHER = 'other';

/** Grant types counted by name; any other `grant_type` is counted as `other`. */
export const GRANT_TYPES = Object.freeze([JWT_BEARER_GRANT_TYPE, CLIENT_CREDENTIALS_GRANT_TYPE, 'none', OTHER] as const);

/** Use cases of RFC 7523: §2.2 client authentication and §2.1 authorization grant. */
export const USE_CASES = Object.freeze(['client_authentication', 'authorization_grant'] as const satisfies readonly AssertionUse[]);

/**
 * How a token request ended: `issued` (200), `refused` (an RFC 6749 §5.2 error, 4xx),
 * `unavailable` (503 `temporarily_unavailable`: keys or replay store down), `error` (500).
 */
export const TOKEN_OUTCOMES = Object.freeze(['issued', 'refused', 'unavailable', 'error'] as const);

/** Verdict on one assertion. */
export const ASSERTION_OUTCOMES = Object.freeze(['accepted', 'rejected'] as const);

/** Result of one `jwks_uri` fetch. */
export const KEY_FETCH_RESULTS = Object.freeze(['ok', 'timeout', 'http_error', 'too_large', 'invalid', 'network_error'] as const);

/** Result of one replay-store call: `new` (may be used), `replay` (seen before), `failed` (rejected). */
export const REPLAY_RESULTS = Object.freeze(['new', 'replay', 'failed'] as const);

/** Every reason code the engine refuses with (errors.ts), plus `server_error` and `other`. */
export const REASON_CODES = Object.freeze([
  'method_not_allowed',
  'unsupported_content_type',
  'body_too_large',
  'malformed_body',
  'repeated_parameter',
  'missing_grant_type',
  'unsupported_grant_type',
  'missing_assertion',
  'assertion_too_large',
  'missing_client_assertion',
  'missing_client_assertion_type',
  'unsupported_client_assertion_type',
  'multiple_client_auth',
  'unsupported_client_auth',
  'client_auth_required',
  'client_id_mismatch',
  'unknown_client',
  'grant_not_allowed',
  'scope_not_allowed',
  'malformed_jwt',
  'jwe_not_supported',
  'duplicate_member',
  'alg_not_allowed',
  'typ_not_allowed',
  'explicit_typ_required',
  'crit_not_understood',
  'missing_claim',
  'invalid_claim',
  'iss_mismatch',
  'sub_mismatch',
  'sub_not_allowed',
  'sub_invalid',
  'untrusted_issuer',
  'aud_mismatch',
  'expired',
  'not_yet_valid',
  'iat_in_future',
  'lifetime_too_long',
  'missing_jti',
  'jti_replayed',
  'key_not_found',
  'signature_invalid',
  'jwks_unavailable',
  'claim_condition_failed',
  'id_jag_typ_required',
  'id_jag_issuer_required',
  'id_jag_client_mismatch',
  'claim_not_supported',
  'resource_not_allowed',
  'resource_not_governed',
  'replay_store_unavailable',
  'missing_token',
  'token_invalid',
  'token_expired',
  'insufficient_scope',
  'dpop_missing',
  'dpop_multiple',
  'dpop_malformed',
  'dpop_typ',
  'dpop_alg',
  'dpop_jwk',
  'dpop_signature',
  'dpop_htm',
  'dpop_htu',
  'dpop_iat',
  'dpop_ath',
  'dpop_jkt_mismatch',
  'dpop_replayed',
  'dpop_nonce_required',
  'dpop_bound_token_as_bearer',
  'server_error',
  OTHER,
] as const satisfies readonly (ReasonCode | 'server_error' | typeof OTHER)[]);

/** RFC 6749 §5.2 / RFC 6750 §3.1 / RFC 9449 §5, §8 error codes (the `error.type` values), plus `server_error` and `other`. */
export const ERROR_TYPES = Object.freeze([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
  'temporarily_unavailable',
  'invalid_token',
  'insufficient_scope',
  'invalid_dpop_proof',
  'use_dpop_nonce',
  'server_error',
  OTHER,
] as const);

function bounded<T extends string>(set: readonly T[]): (value: unknown) => T {
  const known = new Set<string>(set);
  return (value) => (typeof value === 'string' && known.has(value) ? (value as T) : (OTHER as T));
}

/** A reason code from {@link REASON_CODES}; anything else becomes `other`. */
export const boundedReason = bounded(REASON_CODES);
/** An error code from {@link ERROR_TYPES}; anything else becomes `other`. */
export const boundedErrorType = bounded(ERROR_TYPES);
/** A grant type from {@link GRANT_TYPES}; anything else becomes `other`. */
export const boundedGrantType = bounded(GRANT_TYPES);
