import { Catch, HttpException, Inject, Optional, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { AuthorizationServer, oauthErrorResponse, toErrorResponse, type HttpResponse } from '@rfc7523/core';
import { writeResponse } from '../platform/write-response.js';

/**
 * Answers errors as RFC 6749 §5.2 / RFC 6750 §3 JSON with the engine's headers (`Cache-Control: no-store`,
 * `WWW-Authenticate`): an OAuthError as the engine words it, and a body reader's 4xx as `invalid_request`,
 * both through `oauthErrorResponse` of `@rfc7523/core` as every adapter does; anything else that is not a Nest
 * `HttpException` — a bug — as 500 `server_error` without detail (the detail goes to the engine's
 * `onEvent` only). An `HttpException` your own code throws keeps Nest's usual `{ statusCode, message }` JSON.
 * Bind it with `@UseFilters(OAuthExceptionFilter)` where the guards are; `@TokenEndpoint()` binds it itself.
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  constructor(@Optional() @Inject(AuthorizationServer) protected readonly server?: AuthorizationServer) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    writeResponse(host.switchToHttp().getResponse<unknown>(), this.toResponse(exception));
  }

  /** The response for an exception: see the class. */
  protected toResponse(exception: unknown): HttpResponse {
    // This suite's errors and a body reader's 4xx: the response every adapter gives (core's oauthErrorResponse).
    const oauth = oauthErrorResponse(exception, this.server);
    if (oauth !== undefined) return oauth;
    if (exception instanceof HttpException) return this.httpExceptionResponse(exception);
    return this.server?.errorResponse(exception) ?? toErrorResponse(exception);
  }

  /** Nest's own JSON for an `HttpException` (what its default filter would send). */
  protected httpExceptionResponse(exception: HttpException): HttpResponse {
    const status = exception.getStatus();
    const body = exception.getResponse();
    return {
      status,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : { statusCode: status, message: body },
    };
  }
}
