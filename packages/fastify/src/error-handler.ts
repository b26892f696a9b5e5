import { OAuthError, type AuthorizationServer } from '@rfc7523/core';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { sendResponse } from './reply.js';

/**
 * A Fastify error handler for the suite's errors only: an OAuthError — thrown by the form parser (413
 * `invalid_request`, rule R8) or by your own handlers — is answered as RFC 6749 §5.2 / RFC 6750 §3.1 JSON
 * with its status and headers. Any other error is thrown on, to the error handler before it (yours, or
 * Fastify's default).
 */
export function oauthErrorHandler(server: AuthorizationServer) {
  return function oauthErrors(error: FastifyError | Error, _request: FastifyRequest, reply: FastifyReply): FastifyReply {
    if (!(error instanceof OAuthError)) throw error;
    return sendResponse(reply, server.errorResponse(error));
  };
}
