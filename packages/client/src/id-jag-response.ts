import { decodeJwt, decodeProtectedHeader } from 'jose';
import { ID_JAG_TOKEN_TYPE, ID_JAG_TYP } from './constants.js';
import { TokenResponseError } from './errors.js';
import type { JsonAnswer } from './lib/http.js';
import { isObject } from './lib/http.js';
import { readTokenResponse } from './token-response.js';

/** The IdP's answer to an ID-JAG token exchange (RFC 8693 §2.2.1, draft-ietf-oauth-identity-assertion-authz-grant §4.3.4). */
export interface IdJagResponse {
  /** The ID-JAG itself (sent as `access_token` "for historical reasons"): the `assertion` of leg 2. */
  readonly idJag: string;
  /** `issued_token_type`: always `urn:ietf:params:oauth:token-type:id-jag`. */
  readonly issuedTokenType: typeof ID_JAG_TOKEN_TYPE;
  /** `token_type`: always `N_A` (the ID-JAG is not an access token). */
  readonly tokenType: string;
  /** `expires_in`, seconds, when sent (RECOMMENDED). */
  readonly expiresIn: number | undefined;
  /** When the ID-JAG expires by the local clock, milliseconds since the epoch; undefined without `expires_in`. */
  readonly expiresAt: number | undefined;
  /** `scope` granted, when sent (REQUIRED when it differs from the request). */
  readonly scope: string | undefined;
  /**
   * `cnf.jkt` of the ID-JAG when it is a readable JWS (draft §9.8.1.1): the DPoP key it is bound to.
   * Undefined when unbound or encrypted. A client that sent a proof and gets no `jkt` back was silently downgraded.
   */
  readonly jkt: string | undefined;
  /** The whole JSON body as sent. */
  readonly body: Readonly<Record<string, unknown>>;
}

/**
 * Reads a token exchange answer strictly (draft §4.3.4): an RFC 6749 §5.2 error becomes a
 * TokenRequestError; a 200 must carry `issued_token_type` = `…:token-type:id-jag`, `token_type` `N_A`,
 * and an `access_token` that is a JWS whose `typ` is `oauth-id-jag+jwt` (or a five-part JWE, opaque to
 * the client) — anything else is a TokenResponseError. With `expectedJkt` (a DPoP proof was sent), a
 * `cnf.jkt` naming another key is a TokenResponseError too.
 */
export function readIdJagResponse(answer: JsonAnswer, receivedAt: number, expectedJkt?: string): IdJagResponse {
  // Shared checks: status, error body, access_token, token_type, expires_in, scope.
  const token = readTokenResponse(answer, receivedAt);
  const { status } = answer;
  const body = token.body;
  if (body.issued_token_type !== ID_JAG_TOKEN_TYPE) {
    throw new TokenResponseError(
      `the token exchange answered issued_token_type ${JSON.stringify(body.issued_token_type)}, not ${ID_JAG_TOKEN_TYPE} (draft-ietf-oauth-identity-assertion-authz-grant §4.3.4)`,
      status,
    );
  }
  if (token.tokenType.toLowerCase() !== 'n_a') {
    throw new TokenResponseError(`the token exchange answered token_type ${JSON.stringify(token.tokenType)}, not N_A (RFC 8693 §2.2.1)`, status);
  }
  const parts = token.accessToken.split('.');
  let jkt: string | undefined;
  if (parts.length === 3) {
    let typ: unknown;
    let claims: Record<string, unknown>;
    try {
      typ = decodeProtectedHeader(token.accessToken).typ;
      claims = decodeJwt(token.accessToken);
    } catch (err) {
      throw new TokenResponseError('the ID-JAG in access_token is not a readable JWT', status, { cause: err });
    }
    if (typeof typ !== 'string' || typ.toLowerCase().replace(/^application\//, '') !== ID_JAG_TYP) {
      throw new TokenResponseError(`the ID-JAG has typ ${JSON.stringify(typ)}, not ${ID_JAG_TYP} (draft §3.1): the authorization server would refuse it`, status);
    }
    const cnf = claims.cnf;
    if (cnf !== undefined) {
      if (!isObject(cnf) || (cnf.jkt !== undefined && typeof cnf.jkt !== 'string')) throw new TokenResponseError('the ID-JAG has a malformed cnf claim (RFC 7800 §3.1)', status);
      jkt = cnf.jkt as string | undefined;
    }
    if (expectedJkt !== undefined && jkt !== undefined && jkt !== expectedJkt) {
      throw new TokenResponseError('the ID-JAG is bound (cnf.jkt) to a key other than the DPoP key that asked for it (draft §9.8.1.1)', status);
    }
  } else if (parts.length !== 5) {
    throw new TokenResponseError('the access_token of the token exchange is not a JWT (draft §3: the ID-JAG is a JWT)', status);
  }
  return Object.freeze({
    idJag: token.accessToken,
    issuedTokenType: ID_JAG_TOKEN_TYPE,
    tokenType: token.tokenType,
    expiresIn: token.expiresIn,
    expiresAt: token.expiresAt,
    scope: token.scope,
    jkt,
    body,
  });
}
