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
// One import for users: the engine's factory, errors and types.
export * from '@rfc7523/core';
