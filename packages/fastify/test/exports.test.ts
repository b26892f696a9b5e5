import * as adapter from '@rfc7523/fastify';
import type { AuthorizationServerOptions, AccessTokenClaims, AuthenticatedClient, VerifiedGrant, Rfc7523Event, TrustConfig, ReplayStore, GrantHandler, HttpResponse, FastifyRfc7523Options, OAuthPreHandler } from '@rfc7523/fastify';
import { describeAdapterExports } from '../../../test/support/adapter-exports.js';

/** @rfc7523/fastify's own API; the engine names it re-exports are listed in test/support/adapter-exports.ts. */
const OWN = ['fastifyRfc7523', 'authorizationServerRoutes', 'tokenEndpoint', 'authenticateClient', 'verifyJwtBearerGrant', 'requireAccessToken', 'metadataHandler', 'jwksHandler', 'oauthErrorHandler', 'formBodyParser', 'FORM'];

describeAdapterExports('@rfc7523/fastify', adapter, OWN);

// The types users name; tsc fails here when one is no longer exported.
export type UserTypes = [AuthorizationServerOptions | AccessTokenClaims | AuthenticatedClient | VerifiedGrant | Rfc7523Event | TrustConfig | ReplayStore | GrantHandler | HttpResponse | FastifyRfc7523Options | OAuthPreHandler];
