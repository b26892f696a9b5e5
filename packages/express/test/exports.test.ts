import * as adapter from '@rfc7523/express';
import type { AuthorizationServerOptions, AccessTokenClaims, AuthenticatedClient, VerifiedGrant, Rfc7523Event, TrustConfig, ReplayStore, GrantHandler, HttpResponse, RequireAccessTokenOptions } from '@rfc7523/express';
import { describeAdapterExports } from '../../../test/support/adapter-exports.js';

/** @rfc7523/express's own API; the engine names it re-exports are listed in test/support/adapter-exports.ts. */
const OWN = ['tokenEndpoint', 'authenticateClient', 'verifyJwtBearerGrant', 'requireAccessToken', 'metadataHandler', 'jwksHandler', 'oauthErrorHandler', 'authorizationServerRouter'];

describeAdapterExports('@rfc7523/express', adapter, OWN);

// The types users name; tsc fails here when one is no longer exported.
export type UserTypes = [AuthorizationServerOptions | AccessTokenClaims | AuthenticatedClient | VerifiedGrant | Rfc7523Event | TrustConfig | ReplayStore | GrantHandler | HttpResponse | RequireAccessTokenOptions];
