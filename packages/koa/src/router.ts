import { createExplainHandler, endpointPaths, type AuthorizationServer, type ExplainOption } from '@rfc7523/core';
import { Checker } from '@rfc7523/core/validation';
import { Router } from '@koa/router';
import { explainEndpoint } from './explain.js';
import { jwksHandler, metadataHandler, tokenEndpoint } from './middleware.js';

/** Options of {@link authorizationServerRouter}. */
export interface AuthorizationServerRouterOptions {
  /**
   * The explain page (`GET`) and its dry-run endpoint (`POST`) at `/explain` (docs/explain.md): `true` for
   * the defaults, or ExplainOptions (path, rate limits). Default false: off, the path answers 404.
   */
  explain?: ExplainOption;
}

/**
 * A @koa/router Router with the token endpoint (every method, so a wrong one gets 405 from the
 * engine), the RFC 8414 §3 metadata and the JWKS mounted at the paths of the server's URLs
 * (e.g. `/token`, `/.well-known/oauth-authorization-server`, `/jwks`), and the explain page when
 * `options.explain` asks for it (an unknown option fails naming it). Mount with `app.use(router.routes())`.
 */
export function authorizationServerRouter(server: AuthorizationServer, options: AuthorizationServerRouterOptions = {}): Router {
  new Checker({ label: 'option' }).options(options, ['explain']);
  const explain = createExplainHandler(server, options.explain);
  const paths = endpointPaths(server);
  const router = new Router();
  router.all(paths.token, tokenEndpoint(server));
  router.get(paths.metadata, metadataHandler(server));
  router.get(paths.jwks, jwksHandler(server));
  if (explain !== undefined) router.all(explain.path, explainEndpoint(explain));
  return router;
}
