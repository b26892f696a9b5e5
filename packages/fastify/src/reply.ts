import type { HttpResponse, PlainRequest } from '@rfc7523/core';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Sends an engine response through Fastify: status, the engine's headers (so `content-type` is the
 * engine's `application/json; charset=utf-8` whatever was set before) and the JSON text.
 */
export function sendResponse(reply: FastifyReply, response: HttpResponse): FastifyReply {
  return reply.code(response.status).headers(response.headers).send(JSON.stringify(response.body));
}

/**
 * The engine's request shape: method, headers and the body Fastify's content-type parser produced —
 * the raw form text from `formBodyParser` (up to `maxBodyLength` bytes), an object from another form
 * parser, or undefined. The engine checks the content type itself (rule R7).
 */
export function plainRequest(request: FastifyRequest): PlainRequest {
  return { method: request.method, headers: request.headers, body: request.body as PlainRequest['body'] };
}
