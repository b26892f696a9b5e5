import type { Middleware } from 'koa';

/**
 * Stands in for a form body parser (koa-bodyparser, koa-body): sets `ctx.request.body` to the parsed
 * form, a repeated key becoming an array, and throws a Koa-style 413 over `limit` bytes.
 */
export function formBodyParser(limit = 1024): Middleware {
  return async function formBody(ctx, next) {
    if (ctx.is('application/x-www-form-urlencoded')) {
      if (Number(ctx.get('content-length')) > limit) ctx.throw(413, `request entity too large: over ${limit} bytes`);
      const chunks: Buffer[] = [];
      for await (const chunk of ctx.req) chunks.push(chunk as Buffer);
      const body: Record<string, string | string[]> = {};
      for (const [name, value] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) {
        const previous = body[name];
        body[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
      }
      (ctx.request as { body?: unknown }).body = body;
    }
    await next();
  };
}
