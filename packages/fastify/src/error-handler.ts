import { oauthErrorResponse, type AuthorizationServer } from '@rfc7523/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { sendResponse } from './reply.js';

/**
 * A Fastify error handler for the suite's errors only, as `oauthErrorResponse` of `@rfc7523/core` decides
 * for every adapter: an `OAuthError` — thrown by the form parser (413 `invalid_request`, rule R8) or by
 * your own handlers — or an error marked with `OAUTH_ERROR_MARK` is answered as RFC 6749 §5.2 / RFC 6750
 * §3.1 JSON with its status and headers, and reported to the engine's `onEvent`. Any other error, and any
 * error once the reply is sent, is thrown on to the error handler before it (yours, or Fastify's default).
 */
export function oauthErrorHandler(server: AuthorizationServer) {
  return function oauthErrors(error: FastifyError | Error, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
    const response = reply.sent ? undefined : oauthErrorResponse(error, server);
    if (response === undefined) throw error;
    return sendResponse(reply, response);
  };
}
