import type { ExplainHandler, ExplainResponse } from '@rfc7523/core';
import type { FastifyInstance, FastifyReply } from 'fastify';

function send(reply: FastifyReply, response: ExplainResponse): FastifyReply {
  return reply.code(response.status).headers(response.headers).send(response.body);
}

/**
 * The engine's explain handler at its path (docs/explain.md), in its own encapsulated context so that the
 * token endpoint's body parser and error handler never see it: no content-type parser reads the body, so
 * the engine decides first (method, cross-site, rate limit) and only then reads the form from the Node
 * request itself, up to `maxBodyLength` (413 beyond) — a refused client costs no read. Errors are answered
 * by the handler's own `errorResponse`, with the explain headers and no token-endpoint event. The client
 * address is `request.ip` (set `trustProxy` to your proxies' hop count or addresses behind a proxy, never `true`).
 */
export async function explainRoutes(instance: FastifyInstance, options: { explain: ExplainHandler }): Promise<void> {
  const { explain } = options;
  instance.removeAllContentTypeParsers();
  instance.addContentTypeParser('*', function leaveForTheEngine(_request, _payload, done) {
    done(null, undefined);
  });
  instance.setErrorHandler(function explainErrors(error, _request, reply) {
    if (reply.sent) throw error;
    return send(reply, explain.errorResponse(error));
  });
  instance.all(explain.path, async function oauthExplain(request, reply) {
    return send(reply, await explain.handleNode(request.raw, undefined, request.ip));
  });
}
