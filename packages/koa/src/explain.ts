import type { ExplainHandler } from '@rfc7523/core';
import type { Middleware } from 'koa';

/** What a Koa body parser leaves on `ctx.request`. */
interface ParsedRequest {
  body?: unknown;
  rawBody?: unknown;
}

/**
 * Mounts the engine's explain handler (docs/explain.md): hands it the Node request, what a body parser
 * left (its text, else its object) and `ctx.ip` (for the rate limit; set `app.proxy` behind a proxy), and
 * writes its answer — the page, a dry-run report or an RFC 6749 error — as it is.
 */
export function explainEndpoint(explain: ExplainHandler): Middleware {
  return async function oauthExplain(ctx) {
    const parsed = ctx.request as ParsedRequest;
    const raw = parsed.rawBody;
    const response = await explain.handleNode(ctx.req, typeof raw === 'string' || raw instanceof Uint8Array ? raw : parsed.body, ctx.ip);
    ctx.status = response.status;
    ctx.set(response.headers);
    ctx.body = response.body;
  };
}
