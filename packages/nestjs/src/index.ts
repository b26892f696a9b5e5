export { Rfc7523Module } from './rfc7523.module.js';
export type { Rfc7523ModuleExtras, Rfc7523ModuleForRootOptions, Rfc7523ModuleAsyncOptions } from './rfc7523.module-definition.js';
export type { Rfc7523ModuleOptions, ExistingAuthorizationServerOptions } from './module-options.js';
export { authorizationServerFactory } from './authorization-server.factory.js';
export { REPLAY_STORE, RFC7523_OPTIONS, REQUIRED_SCOPES } from './tokens.js';
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
// One import for users: the engine's factory, errors and types.
export * from '@rfc7523/core';
