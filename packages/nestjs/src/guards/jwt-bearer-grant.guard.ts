import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AuthorizationServer, type PlainRequest, type VerifiedGrant } from '@rfc7523/core';
import { readPlainRequest, type OAuthRequest } from '../oauth-request.js';

/**
 * Verifies a jwt-bearer grant request (RFC 7523 §2.1, §3) without issuing a token, for servers that keep
 * their own token endpoint. Puts the grant on `request.oauthGrant` (`@OAuthGrant()`) and, when the client
 * authenticated, the client on `request.oauthClient`; refuses with 400 `invalid_grant` (401 `invalid_client`
 * for bad client credentials). Reads the form body itself, up to `maxBodyLength` (default 65536 bytes).
 */
@Injectable()
export class JwtBearerGrantGuard implements CanActivate {
  constructor(@Inject(AuthorizationServer) protected readonly server: AuthorizationServer) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = this.getRequest(context);
    const grant = await this.verify(await this.readRequest(request));
    request.oauthGrant = grant;
    if (grant.client !== null) request.oauthClient = grant.client;
    return true;
  }

  /** The Node request of the context. */
  protected getRequest(context: ExecutionContext): OAuthRequest {
    return context.switchToHttp().getRequest<OAuthRequest>();
  }

  /** The engine's view of the request (see `readPlainRequest`). */
  protected readRequest(request: OAuthRequest): Promise<PlainRequest> {
    return readPlainRequest(this.server, request);
  }

  /** Verifies the grant; throws an OAuthError to refuse. */
  protected verify(request: PlainRequest): Promise<VerifiedGrant> {
    return this.server.verifyGrant(request);
  }
}
