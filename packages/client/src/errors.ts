/**
 * Every error the client throws for bad *input or answers*. Bad *options* throw a `TypeError` naming
 * the option instead, when the function or constructor is called. Each class has a stable `code`, so
 * both `instanceof` and `switch (err.code)` work.
 */

/** Stable codes of {@link ClientError} subclasses. */
export type ClientErrorCode =
  | 'ERR_TOKEN_REQUEST_REFUSED'
  | 'ERR_TOKEN_RESPONSE_INVALID'
  | 'ERR_DISCOVERY_FAILED'
  | 'ERR_HTTP_REQUEST_FAILED'
  | 'ERR_PLATFORM_TOKEN_UNAVAILABLE';

/** Base class of every error in {@link ClientErrors}. */
export abstract class ClientError extends Error {
  /** Stable machine-readable code. */
  abstract readonly code: ClientErrorCode;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The RFC 6749 §5.2 error body the server answered with. */
export interface OAuthErrorBody {
  /** RFC 6749 §5.2 `error` code, e.g. `invalid_client`. */
  error: string;
  /** RFC 6749 §5.2 `error_description`, when the server sent one. */
  error_description?: string;
  /** RFC 6749 §5.2 `error_uri`, when the server sent one. */
  error_uri?: string;
}

/**
 * The token endpoint refused the request with an RFC 6749 §5.2 error (`invalid_client` 401,
 * `invalid_grant` 400, …). `error`, `error_description` and `status` are the server's own words.
 */
export class TokenRequestError extends ClientError {
  readonly code = 'ERR_TOKEN_REQUEST_REFUSED';
  /** RFC 6749 §5.2 `error` code. */
  readonly error: string;
  /** RFC 6749 §5.2 `error_description`, when sent. */
  readonly error_description: string | undefined;
  /** RFC 6749 §5.2 `error_uri`, when sent. */
  readonly error_uri: string | undefined;
  /** HTTP status of the answer (400, 401, …). */
  readonly status: number;

  constructor(body: OAuthErrorBody, status: number) {
    super(`the token endpoint refused the request: ${body.error}${body.error_description ? ` (${body.error_description})` : ''}, HTTP ${status}`);
    this.error = body.error;
    this.error_description = body.error_description;
    this.error_uri = body.error_uri;
    this.status = status;
  }
}

/**
 * The token endpoint answered something that is neither an RFC 6749 §5.1 success nor a §5.2 error:
 * no JSON, no `access_token`, a 5xx page… `status` is the HTTP status.
 */
export class TokenResponseError extends ClientError {
  readonly code = 'ERR_TOKEN_RESPONSE_INVALID';
  /** HTTP status of the answer. */
  readonly status: number;

  constructor(message: string, status: number, options?: { cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

/**
 * The RFC 8414 metadata could not be used: not found, not JSON, an `issuer` other than the one asked
 * for (RFC 8414 §3.3), or no usable `token_endpoint`.
 */
export class DiscoveryError extends ClientError {
  readonly code = 'ERR_DISCOVERY_FAILED';
  /** The metadata URL that was asked. */
  readonly url: string;

  constructor(message: string, url: string, options?: { cause?: unknown }) {
    super(message, options);
    this.url = url;
  }
}

/** An HTTP request could not be made or timed out (no answer at all). `cause` holds fetch's error. */
export class HttpRequestError extends ClientError {
  readonly code = 'ERR_HTTP_REQUEST_FAILED';
  /** The URL that was asked. */
  readonly url: string;

  constructor(message: string, url: string, options?: { cause?: unknown }) {
    super(message, options);
    this.url = url;
  }
}

/** The platforms whose workload tokens the client picks up (see `githubActionsToken` and its siblings). */
export type PlatformName = 'github-actions' | 'gitlab' | 'kubernetes' | 'file';

/**
 * The platform's own token (the jwt-bearer grant of RFC 7523 §2.1) could not be obtained: an environment
 * variable is not set (the message names it and the platform setting that provides it), the token file is
 * missing, too large or holds no JWT, or GitHub's ID-token endpoint refused or did not answer in time.
 * The token itself never appears in the message.
 */
export class PlatformTokenError extends ClientError {
  readonly code = 'ERR_PLATFORM_TOKEN_UNAVAILABLE';
  /** Which source failed. */
  readonly platform: PlatformName;

  constructor(platform: PlatformName, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.platform = platform;
  }
}

/** Every error the client throws for input or answers, as a discriminated union on `code`. */
export type ClientErrors = TokenRequestError | TokenResponseError | DiscoveryError | HttpRequestError | PlatformTokenError;
