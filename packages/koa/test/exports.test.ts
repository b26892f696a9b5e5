import * as adapter from '@rfc7523/koa';
import type { AuthorizationServerOptions, AccessTokenClaims, AuthenticatedClient, VerifiedGrant, Rfc7523Event, TrustConfig, ReplayStore, GrantHandler, HttpResponse, OAuthClientState, OAuthGrantState, AccessTokenState } from '@rfc7523/koa';
import { describeAdapterExports } from '../../../test/support/adapter-exports.js';

/** @rfc7523/koa's own API; the engine names it re-exports are listed in test/support/adapter-exports.ts. */
const OWN = ['tokenEndpoint', 'authenticateClient', 'verifyJwtBearerGrant', 'requireAccessToken', 'metadataHandler', 'jwksHandler', 'oauthErrors', 'authorizationServerRouter'];

describeAdapterExports('@rfc7523/koa', adapter, OWN);

// The types users name; tsc fails here when one is no longer exported.
export type UserTypes = [AuthorizationServerOptions | AccessTokenClaims | AuthenticatedClient | VerifiedGrant | Rfc7523Event | TrustConfig | ReplayStore | GrantHandler | HttpResponse | OAuthClientState | OAuthGrantState | AccessTokenState];
