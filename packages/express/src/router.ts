import { endpointPaths, type AuthorizationServer } from '@rfc7523/core';
import { Router } from 'express';
import { jwksHandler, metadataHandler, tokenEndpoint } from './handlers.js';

/**
 * A router with the token endpoint, the RFC 8414 metadata and the JWKS mounted at the paths of the
 * server's URLs (e.g. `/token`, `/.well-known/oauth-authorization-server`, `/jwks`).
 */
export function authorizationServerRouter(server: AuthorizationServer): Router {
  const paths = endpointPaths(server);
  const router = Router();
  router.all(paths.token, tokenEndpoint(server));
  router.get(paths.metadata, metadataHandler(server));
  router.get(paths.jwks, jwksHandler(server));
  return router;
}
