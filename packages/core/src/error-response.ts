import { OAuthError, safeDescription } from './errors.js';

/** An HTTP response ready for any framework to write: status, lower-case headers, JSON body. */
export interface HttpResponse {
  /** HTTP status code. */
  status: number;
  /** Response headers, lower-case names. `content-type` is JSON. */
  headers: Record<string, string>;
  /** JSON body. */
  body: Record<string, unknown>;
}

/** Headers every token-endpoint response carries (RFC 6749 §5.1, §5.2). */
export const NO_STORE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  pragma: 'no-cache',
});

/**
 * Turns any error into an RFC 6749 §5.2 JSON error response. An OAuthError keeps its status, headers
 * and public description; anything else is a bug and becomes 500 `server_error` with no detail.
 */
export function toErrorResponse(err: unknown): HttpResponse {
  if (err instanceof OAuthError) {
    return {
      status: err.status,
      headers: { ...NO_STORE_HEADERS, ...err.headers },
      body: { error: err.error, error_description: safeDescription(err.description) },
    };
  }
  return { status: 500, headers: { ...NO_STORE_HEADERS }, body: { error: 'server_error' } };
}
