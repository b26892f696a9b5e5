import * as adapter from '@rfc7523/nestjs';
import type { AuthorizationServerOptions, PlainRequest, AuthenticatedClient, VerifiedGrant, Rfc7523Event, TrustConfig, ReplayStore, GrantHandler, HttpResponse, EndpointPaths, Rfc7523ModuleOptions, OAuthRequest } from '@rfc7523/nestjs';

/** What @rfc7523/nestjs gives its users: its own API, and the engine re-exported by name, not `export *`. */
const OWN = ['Rfc7523Module', 'authorizationServerFactory', 'REPLAY_STORE', 'RFC7523_OPTIONS', 'REQUIRED_SCOPES', 'readPlainRequest', 'ClientAuthenticationGuard', 'JwtBearerGrantGuard', 'AccessTokenGuard', 'RequireScopes', 'TokenEndpoint', 'OAuthClient', 'OAuthGrant', 'AccessTokenClaims', 'TokenEndpointInterceptor', 'OAuthExceptionFilter', 'OAuthErrorFilter'];
// The engine's public API an adapter user needs, by name (values only: types leave no trace at run time).
const ENGINE = ['createAuthorizationServer', 'AuthorizationServer', 'loadTrustConfig', 'parseTrustConfig', 'ConfigurationError', 'JWT_BEARER_GRANT_TYPE', 'JWT_BEARER_CLIENT_ASSERTION_TYPE', 'CLIENT_CREDENTIALS_GRANT_TYPE', 'ASSERTION_ALGORITHMS'];
const ERRORS = ['OAuthError', 'InvalidRequestError', 'InvalidClientError', 'InvalidGrantError', 'UnauthorizedClientError', 'UnsupportedGrantTypeError', 'InvalidScopeError', 'TemporarilyUnavailableError', 'InvalidTokenError', 'InsufficientScopeError', 'OAUTH_ERROR_MARK', 'oauthErrorResponse', 'toErrorResponse'];

// What a Nest app writes its metadata and JWKS routes with (README), from @rfc7523/core/node.
const NODE_HELPERS = ['documentResponse', 'writeNodeResponse', 'endpointPaths'];

describe('@rfc7523/nestjs exports', () => {
  it('exactly its own API and the chosen engine names, nothing more', () => {
    expect(Object.keys(adapter).sort()).toEqual([...OWN, ...ENGINE, ...ERRORS, ...NODE_HELPERS].sort());
  });

  it('leaves the engine internals out: safeDescription…', () => {
    for (const internal of ['safeDescription', 'plainRequestFromNode', 'formFields', 'asOAuthError', 'NO_STORE_HEADERS', 'MemoryReplayStore', 'REMOTE_KEY_SET_DEFAULTS']) expect(adapter).not.toHaveProperty(internal);
  });

  it('re-exports the engine objects themselves, so instanceof holds across the two imports', async () => {
    const core = await import('@rfc7523/core');
    expect(adapter.OAuthError).toBe(core.OAuthError);
    expect(adapter.createAuthorizationServer).toBe(core.createAuthorizationServer);
  });
});

// The types users name; tsc fails here when one is no longer exported.
export type UserTypes = [AuthorizationServerOptions | PlainRequest | AuthenticatedClient | VerifiedGrant | Rfc7523Event | TrustConfig | ReplayStore | GrantHandler | HttpResponse | EndpointPaths | Rfc7523ModuleOptions | OAuthRequest];
