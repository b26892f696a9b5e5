import { TokenRequestError, TokenResponseError } from './errors.js';
import type { JsonAnswer } from './lib/http.js';
import { isObject } from './lib/http.js';

/** A successful token response (RFC 6749 §5.1), read once. */
export interface AccessToken {
  /** `access_token` (RFC 6749 §5.1): what goes in `Authorization: Bearer …` (RFC 6750 §2.1). */
  readonly accessToken: string;
  /** `token_type` (RFC 6749 §7.1), usually `Bearer`. */
  readonly tokenType: string;
  /** `expires_in` as sent, seconds; undefined when the server sent none. */
  readonly expiresIn: number | undefined;
  /** When the token expires by the local clock, milliseconds since the epoch; undefined without `expires_in`. */
  readonly expiresAt: number | undefined;
  /** `scope` granted (RFC 6749 §3.3), when the server sent it (it must when it differs from the request). */
  readonly scope: string | undefined;
  /** The whole JSON body as sent, for extension members. */
  readonly body: Readonly<Record<string, unknown>>;
}

/**
 * Turns a token endpoint answer into an {@link AccessToken} (RFC 6749 §5.1), or throws a
 * TokenRequestError for an RFC 6749 §5.2 error body, or a TokenResponseError for anything else.
 * `receivedAt` is the local time of the answer, milliseconds.
 */
export function readTokenResponse(answer: JsonAnswer, receivedAt: number): AccessToken {
  const { status, json } = answer;
  if (status !== 200) {
    if (isObject(json) && typeof json.error === 'string' && json.error.length > 0) {
      throw new TokenRequestError(
        {
          error: json.error,
          ...(typeof json.error_description === 'string' ? { error_description: json.error_description } : {}),
          ...(typeof json.error_uri === 'string' ? { error_uri: json.error_uri } : {}),
        },
        status,
      );
    }
    throw new TokenResponseError(`the token endpoint answered HTTP ${status} without an RFC 6749 error body`, status);
  }
  if (!isObject(json)) throw new TokenResponseError('the token endpoint answered 200 without a JSON object', status);
  const { access_token, token_type, expires_in, scope } = json;
  if (typeof access_token !== 'string' || access_token.length === 0) {
    throw new TokenResponseError('the token response has no access_token (RFC 6749 §5.1)', status);
  }
  if (typeof token_type !== 'string' || token_type.length === 0) {
    throw new TokenResponseError('the token response has no token_type (RFC 6749 §5.1)', status);
  }
  let expiresIn: number | undefined;
  if (expires_in !== undefined) {
    expiresIn = typeof expires_in === 'string' && /^\d+$/.test(expires_in) ? Number(expires_in) : (expires_in as number);
    if (typeof expiresIn !== 'number' || !Number.isFinite(expiresIn) || expiresIn < 0) {
      throw new TokenResponseError('the token response has an expires_in that is not a number of seconds', status);
    }
  }
  if (scope !== undefined && typeof scope !== 'string') throw new TokenResponseError('the token response has a scope that is not a string', status);
  return Object.freeze({
    accessToken: access_token,
    tokenType: token_type,
    expiresIn,
    expiresAt: expiresIn === undefined ? undefined : receivedAt + expiresIn * 1000,
    scope,
    body: Object.freeze(json),
  });
}
