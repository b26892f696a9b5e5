import { oauthErrorResponse, type AuthorizationServer } from '@rfc7523/core';
import type { Middleware } from 'koa';
import { respond } from './respond.js';

/**
 * Answers this suite's errors thrown downstream as RFC 6749 §5.2 / RFC 6750 §3.1 JSON, never as Koa's
 * text or with a stack trace: an `OAuthError` (or an error marked with `OAUTH_ERROR_MARK`) as it is, and a
 * request body reader's 4xx (koa-bodyparser's 400, 413 or 415) as `invalid_request` with its status — see
 * `oauthErrorResponse` in `@rfc7523/core`. Every other error (your app's own, its 404s, bugs) is rethrown
 * untouched to your error handling and Koa's (`ctx.onerror`, the app's `error` event), as is any error once
 * the headers are sent. With `server`, each error answered is also reported to its `onEvent`.
 * Mount it first, before the body parser and the router.
 */
export function oauthErrors(server?: AuthorizationServer): Middleware {
  return async function oauthErrorAnswer(ctx, next) {
    try {
      await next();
    } catch (err) {
      // Too late to answer: leave it to Koa, which ends the response and reports the error.
      const response = ctx.headerSent || !ctx.writable ? undefined : oauthErrorResponse(err, server);
      if (response === undefined) throw err;
      respond(ctx, response);
    }
  };
}
