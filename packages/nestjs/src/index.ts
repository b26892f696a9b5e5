export { Rfc7523Module } from './rfc7523.module.js';
export type { Rfc7523ModuleExtras, Rfc7523ModuleForRootOptions, Rfc7523ModuleAsyncOptions } from './rfc7523.module-definition.js';
export type { Rfc7523ModuleOptions, ExistingAuthorizationServerOptions } from './module-options.js';
export { authorizationServerFactory } from './authorization-server.factory.js';
export { REPLAY_STORE, RFC7523_OPTIONS, REQUIRED_SCOPES, PUBLIC_URL } from './tokens.js';
export { readPlainRequest, type OAuthRequest } from './oauth-request.js';
export { ClientAuthenticationGuard } from './guards/client-authentication.guard.js';
export { JwtBearerGrantGuard } from './guards/jwt-bearer-grant.guard.js';
export { AccessTokenGuard } from './guards/access-token.guard.js';
export { RequireScopes } from './decorators/require-scopes.decorator.js';
export { TokenEndpoint } from './decorators/token-endpoint.decorator.js';
export { OAuthClient, OAuthGrant, AccessTokenClaims } from './decorators/oauth-params.decorator.js';
export { TokenEndpointInterceptor } from './interceptors/token-endpoint.interceptor.js';
export { OAuthExceptionFilter } from './filters/oauth-exception.filter.js';
export { OAuthErrorFilter } from './filters/oauth-error.filter.js';
// One import for users: the engine's factory, trust file, errors, error responses, protocol constants and
// types, re-exported by name so that the engine's internals (safeDescription…) stay its own; the core type
// AccessTokenClaims is left out for the decorator of that name. test/exports.test.ts checks the list.
export { createAuthorizationServer, AuthorizationServer, loadTrustConfig, parseTrustConfig, ConfigurationError } from '@rfc7523/core';
export { JWT_BEARER_GRANT_TYPE, JWT_BEARER_CLIENT_ASSERTION_TYPE, CLIENT_CREDENTIALS_GRANT_TYPE, ASSERTION_ALGORITHMS } from '@rfc7523/core';
export { OAuthError, InvalidRequestError, InvalidClientError, InvalidGrantError, UnauthorizedClientError, UnsupportedGrantTypeError } from '@rfc7523/core';
export { InvalidScopeError, TemporarilyUnavailableError, InvalidTokenError, InsufficientScopeError, OAUTH_ERROR_MARK, oauthErrorResponse, toErrorResponse } from '@rfc7523/core';
export type { AuthorizationServerOptions, ClientMetadata, TrustedIssuerMetadata, PublicJwks, TrustConfig, AssertionAlgorithm } from '@rfc7523/core';
export type { AuthenticatedClient, VerifiedGrant, AuthorizationServerMetadata, ReplayStore, Rfc7523Event, EventSink, PlainRequest } from '@rfc7523/core';
export type { GrantHandler, GrantContext, AccessTokenRequest, TokenResponseBody, OAuthErrorCode, ReasonCode, KnownOAuthError, HttpResponse, ErrorReporter } from '@rfc7523/core';
// A Nest app writes the metadata and JWKS routes itself (README): the Node http response helpers it needs.
export { documentResponse, writeNodeResponse, endpointPaths, type EndpointPaths } from '@rfc7523/core/node';
