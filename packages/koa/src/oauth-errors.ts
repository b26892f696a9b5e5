import { InvalidRequestError, OAuthError, toErrorResponse } from '@rfc7523/core';
import type { Middleware } from 'koa';
import { respond } from './respond.js';

/**
 * Answers errors thrown downstream as RFC 6749 §5.2 JSON, never as Koa's text or with a stack trace:
 * OAuth errors as they are; client errors raised by other middleware (a body parser's 400 or 413) as
 * `invalid_request` with their status; anything else as 500 `server_error` without detail, and
 * emitted on the app's `error` event for logging. Mount it first, before the router.
 */
export function oauthErrors(): Middleware {
  return async function oauthErrorAnswer(ctx, next) {
    try {
      await next();
    } catch (err) {
      // Too late to answer: leave it to Koa, which ends the response and reports the error.
      if (ctx.headerSent || !ctx.writable) throw err;
      let error = err;
      if (!(err instanceof OAuthError)) {
        const status = (err as { status?: unknown } | null)?.status;
        if (typeof status === 'number' && status >= 400 && status < 500) {
          error = new InvalidRequestError('malformed_body', 'the request could not be read', { status, cause: err });
        } else {
          ctx.app.emit('error', err, ctx);
        }
      }
      respond(ctx, toErrorResponse(error));
    }
  };
}
