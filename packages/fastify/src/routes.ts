import { createExplainHandler, endpointPaths, type AuthorizationServer, type ExplainOption } from '@rfc7523/core';
import type { FastifyInstance } from 'fastify';
import { oauthErrorHandler } from './error-handler.js';
import { explainRoutes } from './explain.js';
import { FORM, formBodyParser } from './form-parser.js';
import { jwksHandler, metadataHandler, tokenEndpoint } from './hooks.js';

/** Options of {@link authorizationServerRoutes}. */
export interface AuthorizationServerRoutesOptions {
  /** The engine made once with `createAuthorizationServer`. */
  server: AuthorizationServer;
  /**
   * The explain page (`GET`) and its dry-run endpoint (`POST`) at `/explain` (docs/explain.md): `true` for
   * the defaults, or ExplainOptions (path, rate limits); validated at registration. Default false: off (404).
   */
  explain?: ExplainOption;
}

/**
 * An encapsulated Fastify plugin with the token endpoint (every method, so a wrong one gets the engine's
 * 405), the RFC 8414 §3 metadata and the JWKS at the paths of the server's URLs (e.g. `/token`,
 * `/.well-known/oauth-authorization-server`, `/jwks`). In its own context it reads only the form, up to
 * `maxBodyLength` bytes (413 beyond, rule R8), and leaves any other body unread for the engine to refuse
 * as 400 `invalid_request` (rule R7) instead of Fastify's 415. `fastifyRfc7523` registers it (`routes`).
 */
export async function authorizationServerRoutes(instance: FastifyInstance, options: AuthorizationServerRoutesOptions): Promise<void> {
  const { server } = options;
  const explain = createExplainHandler(server, options.explain);
  const paths = endpointPaths(server);
  instance.setErrorHandler(oauthErrorHandler(server));
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser(FORM, formBodyParser(server.maxBodyLength));
  instance.addContentTypeParser('*', function leaveUnread(_request, _payload, done) {
    done(null, undefined);
  });
  instance.all(paths.token, tokenEndpoint(server));
  instance.get(paths.metadata, metadataHandler(server));
  instance.get(paths.jwks, jwksHandler(server));
  // Its own context: no body parser before the engine's rate limit, its own error answer (no token event).
  if (explain !== undefined) await instance.register(explainRoutes, { explain });
}
