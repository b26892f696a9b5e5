import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { AccessTokenClaims as Claims, AuthenticatedClient, VerifiedGrant } from '@rfc7523/core';
import type { OAuthRequest } from '../oauth-request.js';

function fromRequest<T>(read: (request: OAuthRequest) => T) {
  return (_data: unknown, context: ExecutionContext): T => read(context.switchToHttp().getRequest<OAuthRequest>());
}

/**
 * The client `ClientAuthenticationGuard` or `JwtBearerGrantGuard` authenticated (RFC 7523 §2.2), as an
 * `AuthenticatedClient`; undefined when no guard did.
 */
export const OAuthClient = createParamDecorator(fromRequest<AuthenticatedClient | undefined>((r) => r.oauthClient));

/** The grant `JwtBearerGrantGuard` verified (RFC 7523 §2.1), as a `VerifiedGrant`; undefined when none did. */
export const OAuthGrant = createParamDecorator(fromRequest<VerifiedGrant | undefined>((r) => r.oauthGrant));

/** Claims of an access token issued by this server (RFC 9068 §2.2); `exp`/`iat` in seconds. */
export type AccessTokenClaims = Claims;

/** The claims `AccessTokenGuard` verified (RFC 9068 §2.2); undefined when the route has no such guard. */
export const AccessTokenClaims = createParamDecorator(fromRequest<Claims | undefined>((r) => r.accessToken));
