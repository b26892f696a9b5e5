import { SetMetadata, type CustomDecorator } from '@nestjs/common';
import { REQUIRED_SCOPES } from '../tokens.js';

/**
 * The scopes a route guarded by `AccessTokenGuard` needs, all of them (RFC 6750 §3.1; RFC 6749 §3.3
 * scope tokens). On a controller and a method, both lists apply. Default none: any valid token.
 */
export function RequireScopes(...scopes: string[]): CustomDecorator<symbol> {
  return SetMetadata(REQUIRED_SCOPES, Object.freeze([...scopes]));
}
