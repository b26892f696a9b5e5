import { resolveExplainOptions, type AuthorizationServer, type ExplainOption } from '@rfc7523/core';
import type { FastifyInstance } from 'fastify';
import { fastifyPlugin } from 'fastify-plugin';
import { Checker } from '@rfc7523/core/validation';
import { oauthErrorHandler } from './error-handler.js';
import { FORM, formBodyParser } from './form-parser.js';
import { authorizationServerRoutes } from './routes.js';
import './types.js';

/** Options of {@link fastifyRfc7523}. */
export interface FastifyRfc7523Options {
  /** The engine made once with `createAuthorizationServer`. Required. */
  server: AuthorizationServer;
  /** Register the token endpoint, metadata and JWKS routes (`authorizationServerRoutes`). Default true. */
  routes?: boolean;
  /**
   * Add the `application/x-www-form-urlencoded` parser that keeps the raw form for the engine, up to its
   * `maxBodyLength` (default 65536 bytes; 413 beyond, rule R8). Default true. Set false to keep a form
   * parser you registered yourself (e.g. `@fastify/formbody`): the engine then reads the object it parses
   * — a repeated parameter as an array is still refused (rule R3) — under that parser's body limit.
   */
  formParser?: boolean;
  /** Set the error handler answering OAuthErrors as RFC 6749 §5.2 JSON (others go on to yours or Fastify's). Default true. */
  errorHandler?: boolean;
  /**
   * The explain page (`GET`) and its dry-run endpoint (`POST`) at `/explain` among the routes
   * (docs/explain.md): `true` for the defaults, or ExplainOptions (path, rate limits). Default false: off.
   * Needs `routes`.
   */
  explain?: ExplainOption;
}

async function rfc7523(fastify: FastifyInstance, options: FastifyRfc7523Options): Promise<void> {
  const server = options?.server;
  if (typeof server?.handleTokenRequest !== 'function') {
    throw new TypeError('"server" option must be an AuthorizationServer made with createAuthorizationServer');
  }
  // A typo (`explian`) must fail, not silently keep a default; Fastify's own registration options pass.
  new Checker({ label: 'option' }).options(options, ['server', 'routes', 'formParser', 'errorHandler', 'explain', 'prefix', 'logLevel', 'logSerializers']);
  for (const name of ['routes', 'formParser', 'errorHandler'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'boolean') throw new TypeError(`"${name}" option must be a boolean`);
  }
  // Validated before anything is registered: a bad field fails start-up naming it (`explain.burst`).
  if (resolveExplainOptions(options.explain) !== undefined && options.routes === false) {
    throw new TypeError('"explain" option needs the routes: drop routes: false, or register authorizationServerRoutes with { explain } yourself');
  }
  fastify.decorate('authorizationServer', server);
  for (const name of ['oauthClient', 'oauthGrant', 'accessToken'] as const) {
    if (!fastify.hasRequestDecorator(name)) fastify.decorateRequest(name, null);
  }
  if (options.formParser !== false) {
    if (fastify.hasContentTypeParser(FORM)) {
      throw new TypeError(
        `"formParser" option: a parser for ${FORM} is already registered here (e.g. @fastify/formbody); ` +
          'register @rfc7523/fastify with { formParser: false } to keep it, or remove it so the engine reads the form under its maxBodyLength',
      );
    }
    fastify.addContentTypeParser(FORM, formBodyParser(server.maxBodyLength));
  }
  if (options.errorHandler !== false) fastify.setErrorHandler(oauthErrorHandler(server));
  if (options.routes !== false) await fastify.register(authorizationServerRoutes, { server, ...(options.explain === undefined ? {} : { explain: options.explain }) });
}

/**
 * The RFC 7523 authorization server as a Fastify plugin, not encapsulated (fastify-plugin) so that what it
 * adds is visible in the context you register it in: the request decorators `oauthClient`, `oauthGrant`,
 * `accessToken` (null until a hook sets them), `fastify.authorizationServer`, the form parser, the OAuth
 * error handler, and the token endpoint, metadata and JWKS routes (their own encapsulated context).
 * Protect routes with the `preHandler` hooks `requireAccessToken`, `authenticateClient`, `verifyJwtBearerGrant`.
 */
export const fastifyRfc7523 = fastifyPlugin(rfc7523, { fastify: '5.x', name: '@rfc7523/fastify' });
