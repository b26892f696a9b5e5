import { All, applyDecorators, Res, UseFilters, UseInterceptors } from '@nestjs/common';
import { OAuthExceptionFilter } from '../filters/oauth-exception.filter.js';
import { TokenEndpointInterceptor } from '../interceptors/token-endpoint.interceptor.js';

/** Tells Nest the route writes its own response, as a `@Res()` parameter would; the method is never called. */
const answersItself: MethodDecorator = (target, key) => Res()(target, key, 0);

/**
 * Makes a controller method the token endpoint (RFC 6749 §3.2, RFC 7523 §2) at `path` (default `token`,
 * under the controller's prefix) for every HTTP method, so that a wrong one gets the engine's 405 JSON with
 * `Allow: POST`. The engine answers (`handleTokenRequest`, RFC 6749 §5.1/§5.2), so leave the method empty.
 * Create the app with `bodyParser: false` so that the engine reads the raw form under its own
 * `maxBodyLength` (default 65536 bytes).
 */
export function TokenEndpoint(path = 'token'): MethodDecorator {
  return applyDecorators(All(path), UseFilters(OAuthExceptionFilter), UseInterceptors(TokenEndpointInterceptor), answersItself);
}
