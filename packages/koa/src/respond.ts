import { formFields, plainRequestFromNode, type AuthorizationServer, type HttpResponse, type PlainRequest } from '@rfc7523/core';
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

/** What a Koa body parser leaves on `ctx.request`: the parsed body and, for koa-bodyparser and @koa/bodyparser, its text. */
interface ParsedRequest {
  body?: unknown;
  rawBody?: unknown;
}

/**
 * The engine's request shape (limit: `server.maxBodyLength`, bytes). Uses what a body parser already read:
 * the text it kept (`ctx.request.rawBody`), so that the engine parses and measures the form itself and
 * never takes a JSON body for one (rule R7, R8), else the parsed `ctx.request.body`.
 */
export function plainRequest(server: AuthorizationServer, ctx: Context): Promise<PlainRequest> {
  const parsed = ctx.request as ParsedRequest;
  const raw = parsed.rawBody;
  const body = typeof raw === 'string' || raw instanceof Uint8Array ? raw : parsed.body;
  return plainRequestFromNode(ctx.req, body, server.maxBodyLength);
}

/**
 * Once the engine accepted a request whose form it read itself (no body parser ran), keeps the fields on
 * `ctx.request.body`, as a body parser would, for the middleware that follows (introspection's `token`).
 */
export function keepForm(ctx: Context, request: PlainRequest): void {
  const parsed = ctx.request as ParsedRequest;
  const fields = formFields(request.body, parsed.body);
  if (fields !== undefined) parsed.body = fields;
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
