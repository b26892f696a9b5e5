import type { ServerResponse } from 'node:http';
import { writeNodeResponse, type HttpResponse } from '@rfc7523/core';

/** The part of a Fastify reply (Nest's `FastifyAdapter`) the suite writes through. */
interface FastifyReplyLike {
  raw: ServerResponse;
  sent: boolean;
  code(status: number): FastifyReplyLike;
  headers(headers: Record<string, string>): FastifyReplyLike;
  send(payload: string): unknown;
}

function isFastifyReply(response: unknown): response is FastifyReplyLike {
  const reply = response as Partial<FastifyReplyLike> | null;
  return typeof reply === 'object' && reply !== null && typeof reply.code === 'function' && typeof reply.send === 'function' && typeof reply.raw === 'object';
}

/**
 * Writes an engine response (status, headers, JSON body; RFC 6749 §5.1/§5.2) to the response object of
 * either Nest platform: a Fastify reply (`FastifyAdapter`) through Fastify, a Node `ServerResponse`
 * (`ExpressAdapter`) directly. A response whose headers are already sent is only ended.
 */
export function writeResponse(response: unknown, result: HttpResponse): void {
  if (!isFastifyReply(response)) {
    writeNodeResponse(response as ServerResponse, result);
    return;
  }
  if (response.sent || response.raw.headersSent) {
    if (!response.raw.writableEnded) response.raw.end();
    return;
  }
  response.code(result.status).headers(result.headers).send(JSON.stringify(result.body));
}
