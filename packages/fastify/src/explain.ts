import type { ExplainHandler } from '@rfc7523/core';
import type { RouteHandlerMethod } from 'fastify';
import { plainRequest } from './reply.js';

/**
 * The route of the engine's explain handler (docs/explain.md): hands it the request with the form the
 * plugin's parser kept and `request.ip` (for the rate limit; set `trustProxy` behind a proxy), and sends
 * its answer — the page, a dry-run report or an RFC 6749 error — as it is.
 */
export function explainRoute(explain: ExplainHandler): RouteHandlerMethod {
  return async function oauthExplain(request, reply) {
    const response = await explain.handle({ ...plainRequest(request), clientAddress: request.ip });
    return reply.code(response.status).headers(response.headers).send(response.body);
  };
}
