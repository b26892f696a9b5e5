import 'reflect-metadata';
import { All, Inject, Req, Res, UseFilters } from '@nestjs/common';
import { AuthorizationServer } from '@rfc7523/core';
import { OAuthExceptionFilter } from '../filters/oauth-exception.filter.js';
import { readPlainRequest, type OAuthRequest } from '../oauth-request.js';
import { writeResponse } from '../platform/write-response.js';

/** The controller property Nest fills with the module's AuthorizationServer (property injection). */
const SERVER: unique symbol = Symbol('rfc7523.authorizationServer');

/** A controller whose token endpoint method `@TokenEndpoint()` has replaced. */
interface WithServer {
  [SERVER]: AuthorizationServer;
}

/**
 * Makes a controller method the token endpoint (RFC 6749 §3.2, RFC 7523 §2) at `path` (default `token`,
 * under the controller's prefix) for every HTTP method, so that a wrong one gets the engine's 405 JSON with
 * `Allow: POST`. The engine answers (`handleTokenRequest`, RFC 6749 §5.1/§5.2), so leave the method empty:
 * its body is replaced by one that reads the form (up to `maxBodyLength`, default 65536 bytes), runs the
 * engine and writes the response itself (as a `@Res()` route does), on Express or Fastify. The route needs
 * no interceptor, so Nest calls it without its RxJS pipeline; your own interceptors still wrap it. Create
 * the app with `bodyParser: false` so that the engine reads the raw form under its own limit.
 */
export function TokenEndpoint(path = 'token'): MethodDecorator {
  return (target, key, descriptor) => {
    Inject(AuthorizationServer)(target, SERVER);
    const original = (descriptor as PropertyDescriptor).value as (...args: unknown[]) => unknown;
    // Its parameters would get Nest's pipes and arguments the engine never reads: refuse at start-up.
    if (typeof original !== 'function' || original.length > 0) {
      throw new TypeError(`@TokenEndpoint(): ${String(key)}() must be a method without parameters (the engine reads the request itself)`);
    }
    const tokenEndpoint = async function (this: WithServer, request: OAuthRequest, response: unknown): Promise<void> {
      const server = this[SERVER];
      writeResponse(response, await server.handleTokenRequest(await readPlainRequest(server, request)));
    };
    // The method's own name, for what reads context.getHandler().name (logs, rate-limit keys).
    Object.defineProperty(tokenEndpoint, 'name', { value: String(key) });
    // Decorators written below this one have already put their metadata (guards, interceptors, pipes,
    // SetMetadata…) on the original method: carry it over, or they would silently stop applying.
    for (const metadataKey of Reflect.getOwnMetadataKeys(original)) {
      Reflect.defineMetadata(metadataKey, Reflect.getOwnMetadata(metadataKey, original), tokenEndpoint);
    }
    (descriptor as PropertyDescriptor).value = tokenEndpoint;
    Req()(target, key, 0);
    Res()(target, key, 1);
    All(path)(target, key, descriptor);
    UseFilters(OAuthExceptionFilter)(target, key, descriptor);
    return descriptor;
  };
}
