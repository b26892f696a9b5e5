import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, Optional, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AuthorizationServer, checkPublicUrl, resourceRequestFromNode, type AccessTokenClaims, type PublicUrl, type ResourceRequest } from '@rfc7523/core';
import type { OAuthRequest } from '../oauth-request.js';
import { PUBLIC_URL, REQUIRED_SCOPES } from '../tokens.js';

/**
 * Protects a route with access tokens issued by this server (RFC 6750 §2.1, RFC 9068, RFC 9449 §7),
 * requiring every scope named by `@RequireScopes()` on the controller and the method (default none):
 * `Authorization: Bearer`, or `Authorization: DPoP` with a `DPoP` proof for a DPoP-bound token, checked
 * against the URL under the `PUBLIC_URL` provider when there is one (rule D2). Puts the claims on
 * `request.accessToken` (`@AccessTokenClaims()`); refuses with 401 `invalid_token` / `invalid_dpop_proof`
 * or 403 `insufficient_scope` and the `WWW-Authenticate: Bearer` or `DPoP` challenge.
 */
@Injectable()
export class AccessTokenGuard implements CanActivate {
  /** The `PUBLIC_URL` provider, checked once. */
  protected readonly publicUrl: PublicUrl | undefined;

  constructor(
    @Inject(AuthorizationServer) protected readonly server: AuthorizationServer,
    @Inject(Reflector) protected readonly reflector: Reflector,
    @Optional() @Inject(PUBLIC_URL) publicUrl?: PublicUrl,
  ) {
    this.publicUrl = checkPublicUrl(publicUrl ?? undefined, 'PUBLIC_URL');
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = this.getRequest(context);
    request.accessToken = await this.verify(this.getResourceRequest(request), this.getRequiredScopes(context));
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

  /**
   * What the engine checks (RFC 9449 §7): `Authorization`, the `DPoP` values, the method and the URL —
   * the request target as received (`originalUrl` on Express, `url` on Fastify) under `PUBLIC_URL`.
   */
  protected getResourceRequest(request: OAuthRequest): ResourceRequest {
    const node = request.raw ?? (request as unknown as IncomingMessage);
    const path = (request as { originalUrl?: string }).originalUrl ?? node.url ?? '/';
    return { ...resourceRequestFromNode(node, path, this.publicUrl), authorization: this.getAuthorization(request) };
  }

  /** Scopes of `@RequireScopes()` on the controller and on the method, all required. */
  protected getRequiredScopes(context: ExecutionContext): readonly string[] {
    return this.reflector.getAllAndMerge<string[]>(REQUIRED_SCOPES, [context.getClass(), context.getHandler()]);
  }

  /** Verifies the token (and its DPoP proof); throws an OAuthError to refuse. */
  protected verify(request: ResourceRequest, scopes: readonly string[]): Promise<AccessTokenClaims> {
    return this.server.verifyAccessToken(request, scopes);
  }
}
