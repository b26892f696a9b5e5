import { createExplainHandler, endpointPaths, type AuthorizationServer, type ExplainOption } from '@rfc7523/core';
import { Checker } from '@rfc7523/core/validation';
import { Router } from 'express';
import { explainEndpoint } from './explain.js';
import { jwksHandler, metadataHandler, tokenEndpoint } from './handlers.js';

/** Options of {@link authorizationServerRouter}. */
export interface AuthorizationServerRouterOptions {
  /**
   * The explain page (`GET`) and its dry-run endpoint (`POST`) at `/explain` (docs/explain.md): `true` for
   * the defaults, or ExplainOptions (path, rate limits). Default false: off, the path answers 404.
   */
  explain?: ExplainOption;
}

/**
 * A router with the token endpoint, the RFC 8414 metadata and the JWKS mounted at the paths of the
 * server's URLs (e.g. `/token`, `/.well-known/oauth-authorization-server`, `/jwks`), and the explain page
 * when `options.explain` asks for it. Options are validated here: an unknown field fails naming it.
 */
export function authorizationServerRouter(server: AuthorizationServer, options: AuthorizationServerRouterOptions = {}): Router {
  new Checker({ label: 'option' }).options(options, ['explain']);
  const explain = createExplainHandler(server, options.explain);
  const paths = endpointPaths(server);
  const router = Router();
  router.all(paths.token, tokenEndpoint(server));
  router.get(paths.metadata, metadataHandler(server));
  router.get(paths.jwks, jwksHandler(server));
  if (explain !== undefined) router.all(explain.path, explainEndpoint(explain));
  return router;
}
