import type { Middleware } from 'koa';

/**
 * Stands in for a form body parser that keeps no copy of the text (koa-body without `includeUnparsed`):
 * sets `ctx.request.body` to the parsed form, a repeated key becoming an array, and reads up to `limit` bytes.
 */
export function formBodyParser(limit = 1024): Middleware {
  return async function formBody(ctx, next) {
    if (ctx.is('application/x-www-form-urlencoded')) {
      const chunks: Buffer[] = [];
      let length = 0;
      for await (const chunk of ctx.req) {
        length += (chunk as Buffer).length;
        if (length > limit) throw new Error('test parser: body over its limit');
        chunks.push(chunk as Buffer);
      }
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
