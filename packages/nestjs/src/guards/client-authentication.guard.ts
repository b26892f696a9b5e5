import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { AuthorizationServer, type AuthenticatedClient, type PlainRequest } from '@rfc7523/core';
import { readPlainRequest, type OAuthRequest } from '../oauth-request.js';

/**
 * Client authentication with a `private_key_jwt` assertion (RFC 7523 §2.2, §3) for endpoints other than
 * the token endpoint: introspection, revocation, your own token endpoint. Puts the client on
 * `request.oauthClient` (read it with `@OAuthClient()`); refuses with 401 `invalid_client`.
 * Reads the form body itself, up to the server's `maxBodyLength` (default 65536 bytes).
 */
@Injectable()
export class ClientAuthenticationGuard implements CanActivate {
  constructor(@Inject(AuthorizationServer) protected readonly server: AuthorizationServer) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = this.getRequest(context);
    request.oauthClient = await this.authenticate(await this.readRequest(request));
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

  /** Authenticates the client; throws an OAuthError to refuse. */
  protected authenticate(request: PlainRequest): Promise<AuthenticatedClient> {
    return this.server.authenticateClient(request);
  }
}
