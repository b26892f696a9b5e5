import './types.js';

export { fastifyRfc7523, type FastifyRfc7523Options } from './plugin.js';
export { authorizationServerRoutes, type AuthorizationServerRoutesOptions } from './routes.js';
export {
  tokenEndpoint,
  authenticateClient,
  verifyJwtBearerGrant,
  requireAccessToken,
  metadataHandler,
  jwksHandler,
  type OAuthPreHandler,
  type RequireAccessTokenOptions,
} from './hooks.js';
export { oauthErrorHandler } from './error-handler.js';
export { formBodyParser, FORM } from './form-parser.js';
// One import for users: the engine's factory, errors and types.
export * from '@rfc7523/core';
