import type { IncomingMessage, ServerResponse } from 'node:http';
import { All, Controller, Inject, Req, Res, type Type } from '@nestjs/common';
import { writeExplainResponse, type ExplainHandler, type ExplainResponse } from '@rfc7523/core';
import type { OAuthRequest } from '../oauth-request.js';

/** Injection token of the engine's explain handler (`createExplainHandler`), provided when `explain` is on. */
export const EXPLAIN_HANDLER = Symbol('EXPLAIN_HANDLER');

/** The part of a Fastify reply (Nest's `FastifyAdapter`) the explain route writes through. */
interface ReplyLike {
  code(status: number): ReplyLike;
  headers(headers: Record<string, string>): ReplyLike;
  send(payload: string): unknown;
}

function send(response: unknown, result: ExplainResponse): void {
  const reply = response as Partial<ReplyLike>;
  if (typeof reply.code === 'function' && typeof reply.send === 'function') (reply as ReplyLike).code(result.status).headers(result.headers).send(result.body);
  else writeExplainResponse(response as ServerResponse, result);
}

/**
 * The controller of the explain page and its dry-run endpoint at `path` (docs/explain.md), for every method
 * (the engine answers 405 itself): hands the engine's handler the Node request (`raw` on Fastify), a body
 * Nest already parsed and `req.ip` (rate limit), and writes its answer as it is, on Express or Fastify.
 */
export function explainController(path: string): Type {
  @Controller()
  class ExplainController {
    constructor(@Inject(EXPLAIN_HANDLER) private readonly explain: ExplainHandler) {}

    @All(path)
    async handle(@Req() req: OAuthRequest & { ip?: string }, @Res() res: unknown): Promise<void> {
      send(res, await this.explain.handleNode(req.raw ?? (req as unknown as IncomingMessage), req.body, req.ip));
    }
  }
  return ExplainController;
}
