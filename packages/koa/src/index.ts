import './state.js';

export {
  tokenEndpoint,
  authenticateClient,
  verifyJwtBearerGrant,
  requireAccessToken,
  metadataHandler,
  jwksHandler,
  type RequireAccessTokenOptions,
} from './middleware.js';
export { oauthErrors } from './oauth-errors.js';
export { authorizationServerRouter } from './router.js';
export type { OAuthClientState, OAuthGrantState, AccessTokenState } from './state.js';
// One import for users: the engine's factory, trust file, errors, error responses, protocol constants and
// types, re-exported by name so that the engine's internals (writeNodeResponse, safeDescription…) stay
// its own. test/exports.test.ts checks the list.
export { createAuthorizationServer, AuthorizationServer, loadTrustConfig, parseTrustConfig, ConfigurationError } from '@rfc7523/core';
export { JWT_BEARER_GRANT_TYPE, JWT_BEARER_CLIENT_ASSERTION_TYPE, CLIENT_CREDENTIALS_GRANT_TYPE, ASSERTION_ALGORITHMS } from '@rfc7523/core';
export { OAuthError, InvalidRequestError, InvalidClientError, InvalidGrantError, UnauthorizedClientError, UnsupportedGrantTypeError } from '@rfc7523/core';
export { InvalidScopeError, TemporarilyUnavailableError, InvalidTokenError, InsufficientScopeError, OAUTH_ERROR_MARK, oauthErrorResponse, toErrorResponse } from '@rfc7523/core';
export type { AuthorizationServerOptions, ClientMetadata, TrustedIssuerMetadata, PublicJwks, TrustConfig, AssertionAlgorithm } from '@rfc7523/core';
export type { AuthenticatedClient, VerifiedGrant, AccessTokenClaims, AuthorizationServerMetadata, ReplayStore, Rfc7523Event, EventSink } from '@rfc7523/core';
export type { GrantHandler, GrantContext, AccessTokenRequest, TokenResponseBody, OAuthErrorCode, ReasonCode, KnownOAuthError, HttpResponse, ErrorReporter } from '@rfc7523/core';
