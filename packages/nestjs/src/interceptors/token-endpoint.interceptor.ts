import { Inject, Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { AuthorizationServer, type HttpResponse, type PlainRequest } from '@rfc7523/core';
import { of, type Observable } from 'rxjs';
import { readPlainRequest, type OAuthRequest } from '../oauth-request.js';
import { writeResponse } from '../platform/write-response.js';

/**
 * Answers a route as the token endpoint (RFC 6749 §3.2, RFC 7523 §2): reads the form body (up to
 * `maxBodyLength`, default 65536 bytes), runs the engine's whole exchange and writes its status, headers
 * and JSON body (RFC 6749 §5.1, §5.2) itself, on Express or Fastify; the route method is not called. For
 * routes that want the exchange as an interceptor (`@UseInterceptors(TokenEndpointInterceptor)`), or a
 * subclass overriding `exchange`; `@TokenEndpoint()` answers in the route method instead, which spares
 * Nest's RxJS interceptor pipeline.
 */
@Injectable()
export class TokenEndpointInterceptor implements NestInterceptor {
  constructor(@Inject(AuthorizationServer) protected readonly server: AuthorizationServer) {}

  async intercept(context: ExecutionContext, _next: CallHandler): Promise<Observable<undefined>> {
    const http = context.switchToHttp();
    const request = await readPlainRequest(this.server, http.getRequest<OAuthRequest>());
    writeResponse(http.getResponse<unknown>(), await this.exchange(request));
    return of(undefined);
  }

  /** The engine's response to a token request, success or error; never throws. */
  protected exchange(request: PlainRequest): Promise<HttpResponse> {
    return this.server.handleTokenRequest(request);
  }
}
