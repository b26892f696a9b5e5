import { oauthErrorResponse, writeNodeResponse, type AuthorizationServer } from '@rfc7523/core';
import type { ErrorRequestHandler } from 'express';

/**
 * Express error handler for this suite's errors, answered as RFC 6749 §5.2 / RFC 6750 §3.1 JSON, never
 * with a stack trace: an `OAuthError` (or an error marked with `OAUTH_ERROR_MARK`) as it is, and a request
 * body reader's 4xx (body-parser's 400, 413 or 415) as `invalid_request` with its status — see
 * `oauthErrorResponse` in `@rfc7523/core`. Every other error (your app's own, its 404s, bugs) goes on to
 * your next error handler with `next(err)`, as does any error once the response's headers are sent.
 * With `server`, each error answered is also reported to its `onEvent`. Mount it after your routes.
 */
export function oauthErrorHandler(server?: AuthorizationServer): ErrorRequestHandler {
  return function oauthErrorAnswer(err: unknown, _req, res, next) {
    const response = res.headersSent ? undefined : oauthErrorResponse(err, server);
    if (response === undefined) {
      next(err);
      return;
    }
    writeNodeResponse(res, response);
  };
}
