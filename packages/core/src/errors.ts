/**
 * The OAuthError family: every rejection the engine makes is one of these. Each carries the
 * RFC 6749 §5.2 / RFC 6750 §3.1 `error` code, the HTTP `status` (and `statusCode`), ready-made
 * `headers`, a safe public `description`, a stable machine-readable `reason`, and the precise
 * cause for logs (`detail`, `cause`) which never reaches the client.
 */
import type { DpopInvalidTokenError, DpopReasonCode, InvalidDpopProofError, UseDpopNonceError } from './dpop/dpop-errors.js';

/**
 * RFC 6749 §5.2 and RFC 6750 §3.1 error codes, plus `temporarily_unavailable` (RFC 6749 §4.1.2.1) and the
 * DPoP codes `invalid_dpop_proof` and `use_dpop_nonce` (RFC 9449 §5, §7.1, §8, §9).
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'temporarily_unavailable'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce';

/** Stable reason codes, one per rule of docs/rules.md that can fail. Safe to log, switch on and count. */
export type ReasonCode =
  // request shape (R0–R11)
  | 'method_not_allowed'
  | 'unsupported_content_type'
  | 'body_too_large'
  | 'malformed_body'
  | 'repeated_parameter'
  | 'missing_grant_type'
  | 'unsupported_grant_type'
  | 'missing_assertion'
  | 'assertion_too_large'
  | 'missing_client_assertion'
  | 'missing_client_assertion_type'
  | 'unsupported_client_assertion_type'
  | 'multiple_client_auth'
  | 'unsupported_client_auth'
  | 'client_auth_required'
  | 'client_id_mismatch'
  | 'unknown_client'
  | 'grant_not_allowed'
  | 'scope_not_allowed'
  // the JWT (J1–J13)
  | 'malformed_jwt'
  | 'jwe_not_supported'
  | 'duplicate_member'
  | 'alg_not_allowed'
  | 'typ_not_allowed'
  | 'explicit_typ_required'
  | 'crit_not_understood'
  | 'missing_claim'
  | 'invalid_claim'
  | 'iss_mismatch'
  | 'sub_mismatch'
  | 'sub_not_allowed'
  | 'sub_invalid'
  | 'untrusted_issuer'
  | 'aud_mismatch'
  | 'expired'
  | 'not_yet_valid'
  | 'iat_in_future'
  | 'lifetime_too_long'
  | 'missing_jti'
  | 'jti_replayed'
  | 'key_not_found'
  | 'signature_invalid'
  | 'jwks_unavailable'
  // workload identity issuers (W1–W6)
  | 'claim_condition_failed'
  // ID-JAG and resource indicators (G1–G5)
  | 'id_jag_typ_required'
  | 'id_jag_issuer_required'
  | 'id_jag_client_mismatch'
  | 'claim_not_supported'
  | 'resource_not_allowed'
  | 'resource_not_governed'
  // infrastructure
  | 'replay_store_unavailable'
  // access tokens (RFC 6750)
  | 'missing_token'
  | 'token_invalid'
  | 'token_expired'
  | 'insufficient_scope'
  // DPoP (D1–D3, RFC 9449; each explained on DpopReasonCode)
  | DpopReasonCode;

/** Options shared by every OAuthError constructor. */
export interface OAuthErrorOptions {
  /** Precise reason for logs and events; never sent to the client. */
  detail?: string;
  /** The underlying error, for logs; never sent to the client. */
  cause?: unknown;
  /** Extra response headers (e.g. `WWW-Authenticate`, `Retry-After`). */
  headers?: Record<string, string>;
  /** The JWT claim or JOSE header parameter the refusal concerns (`exp`, `aud`, `typ`, …). Default none. */
  claim?: string;
}

/** Base class of every error the engine answers to a client with. */
export class OAuthError extends Error {
  /** RFC 6749 §5.2 `error` code. */
  readonly error: OAuthErrorCode;
  /** HTTP status of the response. */
  readonly status: number;
  /** Same as `status`, for frameworks that read `statusCode` (Express finalhandler). */
  readonly statusCode: number;
  /** Stable machine-readable reason code. */
  readonly reason: ReasonCode;
  /** Public `error_description`: general terms, no secrets. */
  readonly description: string;
  /** Precise reason, for logs only. */
  readonly detail: string | undefined;
  /**
   * The JWT claim or JOSE header parameter (RFC 7519 §4, RFC 7515 §4) the refusal concerns — `iss`,
   * `sub`, `aud`, `exp`, `nbf`, `iat`, `jti`, `alg`, `typ`, `kid`, `crit` — or undefined when it
   * concerns none. With `reason` it names the failed rule exactly; for logs and tooling, never sent.
   */
  readonly claim: string | undefined;
  /** Response headers this error needs. */
  readonly headers: Readonly<Record<string, string>>;
  /** Koa's `ctx.onerror` convention: the message is safe to show. */
  readonly expose = true;

  constructor(
    error: OAuthErrorCode,
    status: number,
    reason: ReasonCode,
    description: string,
    options: OAuthErrorOptions = {},
  ) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.error = error;
    this.status = status;
    this.statusCode = status;
    this.reason = reason;
    this.description = description;
    this.detail = options.detail;
    this.claim = options.claim;
    this.headers = Object.freeze({ ...options.headers });
  }
}

/** `invalid_request`, 400 (RFC 6749 §5.2); 405 or 413 for a wrong method or an oversized body. */
export class InvalidRequestError extends OAuthError {
  /** The `error` code every instance carries: switch on it to narrow a KnownOAuthError. */
  declare readonly error: 'invalid_request';
  constructor(reason: ReasonCode, description: string, options?: OAuthErrorOptions & { status?: number }) {
    super('invalid_request', options?.status ?? 400, reason, description, options);
  }
}

/** `invalid_client`, 401 (RFC 6749 §5.2, RFC 7523 §3.2): client authentication failed. */
export class InvalidClientError extends OAuthError {
  /** The `error` code every instance carries: switch on it to narrow a KnownOAuthError. */
  declare readonly error: 'invalid_client';
  constructor(reason: ReasonCode, description: string, options?: OAuthErrorOptions) {
    super('invalid_client', 401, reason, description, options);
  }
}

/** `invalid_grant`, 400 (RFC 6749 §5.2, RFC 7523 §3.1): the grant assertion is not valid. */
export class InvalidGrantError extends OAuthError {
  /** The `error` code every instance carries: switch on it to narrow a KnownOAuthError. */
  declare readonly error: 'invalid_grant';
  constructor(reason: ReasonCode, description: string, options?: OAuthErrorOptions) {
    super('invalid_grant', 400, reason, description, options);
  }
}

/** `unauthorized_client`, 400 (RFC 6749 §5.2): the client may not use this grant type. */
export class UnauthorizedClientError extends OAuthError {
  /** The `error` code every instance carries: switch on it to narrow a KnownOAuthError. */
  declare readonly error: 'unauthorized_client';
  constructor(reason: ReasonCode, description: string, options?: OAuthErrorOptions) {
    super('unauthorized_client', 400, reason, description, options);
  }
}

/** `unsupported_grant_type`, 400 (RFC 6749 §5.2). */
export class UnsupportedGrantTypeError extends OAuthError {
  /** The `error` code every instance carries: switch on it to narrow a KnownOAuthError. */
  declare readonly error: 'unsupported_grant_type';
  constructor(reason: ReasonCode, description: string, options?: OAuthErrorOptions) {
    super('unsupported_grant_type', 400, reason, description, options);
  }
}

/** `invalid_scope`, 400 (RFC 6749 §5.2, §3.3). */
export class InvalidScopeError extends OAuthError {
  /** The `error` code every instance carries: switch on it to narrow a KnownOAuthError. */
  declare readonly error: 'invalid_scope';
  constructor(reason: ReasonCode, description: string, options?: OAuthErrorOptions) {
    super('invalid_scope', 400, reason, description, options);
  }
}

/**
 * `invalid_target`, 400 (RFC 8707 §2): a requested resource is invalid, unknown, or not one the grant
 * allows (rule G4).
 */
export class InvalidTargetError extends OAuthError {
  /** The `error` code every instance carries: switch on it to narrow a KnownOAuthError. */
  declare readonly error: 'invalid_target';
  constructor(reason: ReasonCode, description: string, options?: OAuthErrorOptions) {
    super('invalid_target', 400, reason, description, options);
  }
}

/** `temporarily_unavailable`, 503 with `Retry-After` (seconds, default 5): fail closed when a dependency is down. */
export class TemporarilyUnavailableError extends OAuthError {
  /** The `error` code every instance carries: switch on it to narrow a KnownOAuthError. */
  declare readonly error: 'temporarily_unavailable';
  constructor(reason: ReasonCode, description: string, options?: OAuthErrorOptions & { retryAfter?: number }) {
    super('temporarily_unavailable', 503, reason, description, {
      ...options,
      headers: { 'retry-after': String(options?.retryAfter ?? 5), ...options?.headers },
    });
  }
}

/**
 * `invalid_token`, 401 with a `Bearer` challenge (RFC 6750 §3.1); no error code when no token was sent.
 * A `www-authenticate` in `options.headers` replaces the challenge (the DPoP scheme's, RFC 9449 §7.1).
 */
export class InvalidTokenError extends OAuthError {
  /** The `error` code every instance carries: switch on it to narrow a KnownOAuthError. */
  declare readonly error: 'invalid_token';
  constructor(reason: ReasonCode, description: string, options?: OAuthErrorOptions) {
    const challenge =
      reason === 'missing_token' ? 'Bearer' : `Bearer error="invalid_token", error_description="${safeDescription(description)}"`;
    super('invalid_token', 401, reason, description, { ...options, headers: { 'www-authenticate': challenge, ...options?.headers } });
  }
}

/** `insufficient_scope`, 403 with a `Bearer` challenge naming the scope needed (RFC 6750 §3.1). */
export class InsufficientScopeError extends OAuthError {
  /** The `error` code every instance carries: switch on it to narrow a KnownOAuthError. */
  declare readonly error: 'insufficient_scope';
  constructor(requiredScope: string, options?: OAuthErrorOptions) {
    const description = 'the access token does not grant the required scope';
    super('insufficient_scope', 403, 'insufficient_scope', description, {
      ...options,
      headers: {
        'www-authenticate': `Bearer error="insufficient_scope", error_description="${description}", scope="${safeDescription(requiredScope)}"`,
      },
    });
  }
}

/**
 * Every error the engine throws at a client, as a union discriminated by `error` (jose's `errors`
 * module is the model): `switch (err.error) { case 'invalid_client': … }` narrows `err` to the subclass.
 * Narrow an unknown value with `instanceof OAuthError` first; the engine only ever throws these classes.
 */
export type KnownOAuthError =
  | InvalidRequestError
  | InvalidClientError
  | InvalidGrantError
  | UnauthorizedClientError
  | UnsupportedGrantTypeError
  | InvalidScopeError
  | InvalidTargetError
  | TemporarilyUnavailableError
  | InvalidTokenError
  | InsufficientScopeError
  | InvalidDpopProofError
  | UseDpopNonceError
  | DpopInvalidTokenError;

/**
 * Restricts text to the characters RFC 6749 §5.2 allows in `error_description`
 * (%x20-21 / %x23-5B / %x5D-7E); anything else becomes a space.
 */
export function safeDescription(text: string): string {
  return text.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, ' ');
}
