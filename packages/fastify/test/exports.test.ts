import * as adapter from '@rfc7523/fastify';
import type { AuthorizationServerOptions, AccessTokenClaims, AuthenticatedClient, VerifiedGrant, Rfc7523Event, TrustConfig, ReplayStore, GrantHandler, HttpResponse, FastifyRfc7523Options, OAuthPreHandler } from '@rfc7523/fastify';

/** What @rfc7523/fastify gives its users: its own API, and the engine re-exported by name, not `export *`. */
const OWN = ['fastifyRfc7523', 'authorizationServerRoutes', 'tokenEndpoint', 'authenticateClient', 'verifyJwtBearerGrant', 'requireAccessToken', 'metadataHandler', 'jwksHandler', 'oauthErrorHandler', 'formBodyParser', 'FORM'];
// The engine's public API an adapter user needs, by name (values only: types leave no trace at run time).
const ENGINE = ['createAuthorizationServer', 'AuthorizationServer', 'loadTrustConfig', 'parseTrustConfig', 'ConfigurationError', 'JWT_BEARER_GRANT_TYPE', 'JWT_BEARER_CLIENT_ASSERTION_TYPE', 'CLIENT_CREDENTIALS_GRANT_TYPE', 'ASSERTION_ALGORITHMS'];
const ERRORS = ['OAuthError', 'InvalidRequestError', 'InvalidClientError', 'InvalidGrantError', 'UnauthorizedClientError', 'UnsupportedGrantTypeError', 'InvalidScopeError', 'TemporarilyUnavailableError', 'InvalidTokenError', 'InsufficientScopeError', 'OAUTH_ERROR_MARK', 'oauthErrorResponse', 'toErrorResponse'];

describe('@rfc7523/fastify exports', () => {
  it('exactly its own API and the chosen engine names, nothing more', () => {
    expect(Object.keys(adapter).sort()).toEqual([...OWN, ...ENGINE, ...ERRORS].sort());
  });

  it('leaves the engine internals out: writeNodeResponse…', () => {
    for (const internal of ['writeNodeResponse', 'documentResponse', 'safeDescription', 'plainRequestFromNode', 'formFields', 'asOAuthError', 'endpointPaths']) expect(adapter).not.toHaveProperty(internal);
  });

  it('re-exports the engine objects themselves, so instanceof holds across the two imports', async () => {
    const core = await import('@rfc7523/core');
    expect(adapter.OAuthError).toBe(core.OAuthError);
    expect(adapter.createAuthorizationServer).toBe(core.createAuthorizationServer);
  });
});

// The types users name; tsc fails here when one is no longer exported.
export type UserTypes = [AuthorizationServerOptions | AccessTokenClaims | AuthenticatedClient | VerifiedGrant | Rfc7523Event | TrustConfig | ReplayStore | GrantHandler | HttpResponse | FastifyRfc7523Options | OAuthPreHandler];
