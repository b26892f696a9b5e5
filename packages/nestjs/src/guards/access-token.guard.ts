import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthorizationServer, type AccessTokenClaims } from '@rfc7523/core';
import type { OAuthRequest } from '../oauth-request.js';
import { REQUIRED_SCOPES } from '../tokens.js';

/**
 * Protects a route with access tokens issued by this server (RFC 6750 §2.1, RFC 9068), requiring every
 * scope named by `@RequireScopes()` on the controller and the method (default none). Puts the claims on
 * `request.accessToken` (`@AccessTokenClaims()`); refuses with 401 `invalid_token` or 403
 * `insufficient_scope` and a `WWW-Authenticate: Bearer` challenge (RFC 6750 §3).
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  constructor(
    @Inject(AuthorizationServer) protected readonly server: AuthorizationServer,
    @Inject(Reflector) protected readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = this.getRequest(context);
    request.accessToken = await this.verify(this.getAuthorization(request), this.getRequiredScopes(context));
    return true;
  }

  /** The Node request of the context. */
  protected getRequest(context: ExecutionContext): OAuthRequest {
    return context.switchToHttp().getRequest<OAuthRequest>();
  }

  /** The `Authorization` header (RFC 6750 §2.1). */
  protected getAuthorization(request: OAuthRequest): string | undefined {
    return request.headers.authorization;
  }

  /** Scopes of `@RequireScopes()` on the controller and on the method, all required. */
  protected getRequiredScopes(context: ExecutionContext): readonly string[] {
    return this.reflector.getAllAndMerge<string[]>(REQUIRED_SCOPES, [context.getClass(), context.getHandler()]);
  }

  /** Verifies the token; throws an OAuthError to refuse. */
  protected verify(authorization: string | undefined, scopes: readonly string[]): Promise<AccessTokenClaims> {
    return this.server.verifyAccessToken(authorization, scopes);
  }
}
