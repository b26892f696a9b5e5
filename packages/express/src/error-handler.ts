import { InvalidRequestError, OAuthError, toErrorResponse, writeNodeResponse } from '@rfc7523/core';
import type { ErrorRequestHandler } from 'express';

/**
 * Express error handler answering as RFC 6749 §5.2 JSON, never with a stack trace: OAuth errors as they
 * are; client errors raised by other middleware (a body parser's 400 or 413) as `invalid_request` with
 * their status; anything else as 500 `server_error`. Mount it last.
 */
export function oauthErrorHandler(): ErrorRequestHandler {
  return (err: unknown, _req, res, _next) => {
    let error = err;
    if (!(err instanceof OAuthError)) {
      const status = (err as { status?: unknown })?.status;
      if (typeof status === 'number' && status >= 400 && status < 500) {
        error = new InvalidRequestError('malformed_body', 'the request could not be read', { status, cause: err });
      }
    }
    writeNodeResponse(res, toErrorResponse(error));
  };
}
