import type { AuthenticatedClient } from '../client-authentication.js';
import type { DpopProof } from '../dpop/verify-dpop-proof.js';

/** What a grant handler asks the server to issue (RFC 9068 claims). */
export interface AccessTokenRequest {
  /** `sub` of the access token. */
  subject: string;
  /** Granted scopes. */
  scope: readonly string[];
  /** `client_id` claim, when a client is involved. */
  clientId?: string;
  /** Latest `exp` allowed, seconds since the epoch (e.g. the grant assertion's `exp`, RFC 7521 §4.1). */
  notAfter?: number;
  /** `aud` of the token: the granted resources (RFC 8707 §2; rule G4). Default the server's access-token audience. */
  audience?: readonly string[];
}

/** Successful token response body (RFC 6749 §5.1). */
export interface TokenResponseBody {
  access_token: string;
  /** `Bearer` (RFC 6750), or `DPoP` for a token bound to the request's DPoP proof key (RFC 9449 §5). */
  token_type: 'Bearer' | 'DPoP';
  /** Seconds. */
  expires_in: number;
  /** Granted scopes, space-separated; absent when none. */
  scope?: string;
  [extra: string]: unknown;
}

/** What a grant handler receives. */
export interface GrantContext {
  /** The grant type being handled. */
  grantType: string;
  /** Form parameters of the request, each present once. */
  params: ReadonlyMap<string, string>;
  /** The authenticated client, or null when the request carried no client credentials. */
  client: AuthenticatedClient | null;
  /** Scopes the request asked for (RFC 6749 §3.3); empty when `scope` was absent. */
  requestedScope: readonly string[];
  /**
   * Signs an RFC 9068 access token and builds the RFC 6749 §5.1 response body; when the request carried a
   * valid DPoP proof, the token is bound to its key (`cnf.jkt`, `token_type` `DPoP`; RFC 9449 §5, §6.1).
   */
  issueAccessToken(request: AccessTokenRequest): Promise<TokenResponseBody>;
  /** The request's verified DPoP proof (RFC 9449 §4.3, rule D1), or undefined when it carried none. */
  dpop?: DpopProof;
  /**
   * For a grant bound to a key — an ID-JAG with `cnf.jkt` (rule D1): refuses with 400 `invalid_grant`
   * (reason `dpop_missing` or `dpop_jkt_mismatch`) unless the request's DPoP proof has that thumbprint.
   */
  requireDpopProof(jkt: string): void;
}

/**
 * A grant type served by the token endpoint. The server has already checked the request shape,
 * authenticated the client and, when there is one, checked that its `grant_types` allow this grant.
 */
export interface GrantHandler {
  /** Refuse the grant when no client authenticated (`invalid_client`, 401). Default `true`. */
  requireClient?: boolean;
  /** Performs the grant; throws an OAuthError to refuse. */
  handle(context: GrantContext): Promise<TokenResponseBody>;
}
