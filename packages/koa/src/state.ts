import type { AccessTokenClaims, AuthenticatedClient, VerifiedGrant } from '@rfc7523/core';

/** `ctx.state` after `authenticateClient`: the authenticated client (RFC 7523 §2.2). */
export interface OAuthClientState {
  /** The client that authenticated with `private_key_jwt` (RFC 7523 §2.2). */
  oauthClient: AuthenticatedClient;
}

/** `ctx.state` after `verifyJwtBearerGrant`: the grant and, when one authenticated, its client (RFC 7523 §2.1). */
export interface OAuthGrantState {
  /** The verified jwt-bearer grant (RFC 7523 §2.1). */
  oauthGrant: VerifiedGrant;
  /** The client that authenticated alongside the grant; absent when none did (RFC 7523 §3.1). */
  oauthClient?: AuthenticatedClient;
}

/** `ctx.state` after `requireAccessToken`: the access token's claims (RFC 9068 §2.2). */
export interface AccessTokenState {
  /** Claims of the verified access token (RFC 9068 §2.2). */
  accessToken: AccessTokenClaims;
}

declare module 'koa' {
  interface DefaultState {
    /** The client authenticated by `authenticateClient` or `verifyJwtBearerGrant` (RFC 7523 §2.2). */
    oauthClient?: AuthenticatedClient;
    /** The grant verified by `verifyJwtBearerGrant` (RFC 7523 §2.1). */
    oauthGrant?: VerifiedGrant;
    /** Claims of the access token checked by `requireAccessToken` (RFC 9068 §2.2). */
    accessToken?: AccessTokenClaims;
  }
}
