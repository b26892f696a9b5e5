import { plainRequestFromNode, type AuthorizationServer, type HttpResponse, type PlainRequest } from '@rfc7523/core';
import type { Context } from 'koa';

/**
 * Writes an engine response to Koa: status, then the JSON body, then the engine's headers, so that
 * `content-type` ends as the engine's `application/json; charset=utf-8` whatever was set before.
 */
export function respond(ctx: Context, response: HttpResponse): void {
  ctx.status = response.status;
  ctx.body = response.body;
  ctx.set(response.headers);
}

/** The engine's request shape; uses a body a body parser already read (limit: `server.maxBodyLength`, bytes). */
export function plainRequest(server: AuthorizationServer, ctx: Context): Promise<PlainRequest> {
  return plainRequestFromNode(ctx.req, (ctx.request as { body?: unknown }).body, server.maxBodyLength);
}

/** Marks a request the engine refused and that has been answered already. */
export const ANSWERED: unique symbol = Symbol('answered');

/**
 * Runs `work` against the engine; on any error answers it as RFC 6749 §5.2 / RFC 6750 §3.1 JSON
 * itself (so it never reaches Koa's text error handler) and returns {@link ANSWERED}.
 */
export async function orAnswer<T>(server: AuthorizationServer, ctx: Context, work: () => Promise<T>): Promise<T | typeof ANSWERED> {
  try {
    return await work();
  } catch (err) {
    respond(ctx, server.errorResponse(err));
    return ANSWERED;
  }
}
