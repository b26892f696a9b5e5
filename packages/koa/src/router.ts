import { endpointPaths, type AuthorizationServer } from '@rfc7523/core';
import { Router } from '@koa/router';
import { jwksHandler, metadataHandler, tokenEndpoint } from './middleware.js';

/**
 * A @koa/router Router with the token endpoint (every method, so a wrong one gets 405 from the
 * engine), the RFC 8414 §3 metadata and the JWKS mounted at the paths of the server's URLs
 * (e.g. `/token`, `/.well-known/oauth-authorization-server`, `/jwks`). Mount with `app.use(router.routes())`.
 */
export function authorizationServerRouter(server: AuthorizationServer): Router {
  const paths = endpointPaths(server);
  const router = new Router();
  router.all(paths.token, tokenEndpoint(server));
  router.get(paths.metadata, metadataHandler(server));
  router.get(paths.jwks, jwksHandler(server));
  return router;
}
