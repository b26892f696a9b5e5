import { createServer, type RequestListener } from 'node:http';
import {
  fastifyRfc7523,
  InvalidRequestError,
  OAuthError,
  requireAccessToken,
  toErrorResponse,
  type AuthorizationServer,
} from '@rfc7523/fastify';
import type { DemoApp } from '@rfc7523/demo-kit';
import Fastify, { type FastifyError } from 'fastify';

/**
 * The Fastify demo (docs/demo-interface.md): token endpoint, metadata, JWKS and one protected route. The demo
 * runner owns the HTTP server, so Fastify hands its request handler over through `serverFactory`.
 */
export async function fastifyDemo(server: AuthorizationServer): Promise<DemoApp> {
  let handler: RequestListener | undefined;
  const app = Fastify({
    logger: false,
    serverFactory: (fastifyHandler) => {
      handler = fastifyHandler;
      return createServer(fastifyHandler);
    },
  });
  // Errors the plugin does not answer: another 4xx (e.g. Fastify's 415 on the protected route) as
  // invalid_request JSON with its status, anything else as 500 server_error without detail, logged.
  app.setErrorHandler(function demoErrors(error: FastifyError, _request, reply) {
    const status = error.statusCode ?? 500;
    const oauth =
      error instanceof OAuthError || status >= 500 || status < 400
        ? error
        : new InvalidRequestError('malformed_body', 'the request could not be read', { status, cause: error });
    if (oauth === error && !(error instanceof OAuthError)) process.stderr.write(`fastify-demo: ${error.stack ?? String(error)}\n`);
    const response = toErrorResponse(oauth);
    return reply.code(response.status).headers(response.headers).send(JSON.stringify(response.body));
  });
  // In a child context, so that the plugin's error handler sits in front of the demo's, not over it.
  await app.register(async function authorizationServer(scope) {
    // The explain page and its dry-run endpoint (docs/explain.md): off by default in the package, on in the demo.
    await scope.register(fastifyRfc7523, { server, explain: true });
    // Rule D2: DPoP proofs name the URL as clients see it, ISSUER's origin plus the request path.
    scope.get('/api/whoami', { preHandler: requireAccessToken(server, { publicUrl: new URL(server.issuer).origin }) }, async function whoami(request) {
      const { sub, client_id, scope: granted, iss, exp } = request.accessToken!;
      return { sub, client_id, scope: granted ?? '', iss, exp };
    });
  });
  app.setNotFoundHandler(function notFound(_request, reply) {
    return reply.code(404).send({ error: 'not_found' });
  });
  await app.ready();
  return { handler: handler!, close: () => app.close() };
}
