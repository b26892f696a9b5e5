import * as adapter from '@rfc7523/nestjs';
import type { AuthorizationServerOptions, PlainRequest, AuthenticatedClient, VerifiedGrant, Rfc7523Event, TrustConfig, ReplayStore, GrantHandler, HttpResponse, EndpointPaths, Rfc7523ModuleOptions, OAuthRequest } from '@rfc7523/nestjs';
import { describeAdapterExports } from '../../../test/support/adapter-exports.js';

/** @rfc7523/nestjs's own API; the engine names it re-exports are listed in test/support/adapter-exports.ts. */
const OWN = [
  ...['Rfc7523Module', 'authorizationServerFactory', 'REPLAY_STORE', 'RFC7523_OPTIONS', 'REQUIRED_SCOPES', 'PUBLIC_URL', 'readPlainRequest'],
  ...['ClientAuthenticationGuard', 'JwtBearerGrantGuard', 'AccessTokenGuard', 'RequireScopes', 'TokenEndpoint', 'OAuthClient', 'OAuthGrant', 'AccessTokenClaims'],
  ...['TokenEndpointInterceptor', 'OAuthExceptionFilter', 'OAuthErrorFilter'],
  // A Nest app writes its metadata and JWKS routes with these (README), from @rfc7523/core/node.
  ...['documentResponse', 'writeNodeResponse', 'endpointPaths'],
];

describeAdapterExports('@rfc7523/nestjs', adapter, OWN);

// The types users name; tsc fails here when one is no longer exported.
export type UserTypes = [AuthorizationServerOptions | PlainRequest | AuthenticatedClient | VerifiedGrant | Rfc7523Event | TrustConfig | ReplayStore | GrantHandler | HttpResponse | EndpointPaths | Rfc7523ModuleOptions | OAuthRequest];
