import './types.js';

export {
  tokenEndpoint,
  authenticateClient,
  verifyJwtBearerGrant,
  requireAccessToken,
  metadataHandler,
  jwksHandler,
  type RequireAccessTokenOptions,
} from './handlers.js';
export { oauthErrorHandler } from './error-handler.js';
export { authorizationServerRouter } from './router.js';
// One import for users: the engine's factory, errors and types.
export * from '@rfc7523/core';
