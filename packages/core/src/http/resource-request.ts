import type { IncomingMessage } from 'node:http';
import type { ResourceRequest } from '../access-tokens.js';
import { Checker } from '../config/checks.js';

/**
 * Where the URL a DPoP proof's `htu` is compared with comes from (RFC 9449 §4.3 item 9, §7.1): the URL
 * "as the client sees it". A string is the public base URL — an origin, optionally with a path prefix a
 * proxy strips (`https://api.example.com`, `https://example.com/api`) — to which the request path is
 * appended; a function returns the whole absolute URL of a request. For servers behind proxies.
 */
export type PublicUrl = string | ((request: IncomingMessage) => string);

/**
 * Checks a guard's `publicUrl` option once, at start-up (ConfigurationError naming `field` otherwise):
 * an absolute `http`/`https` URL without query or fragment, or a function. Returns it unchanged.
 */
export function checkPublicUrl(value: unknown, field = 'publicUrl'): PublicUrl | undefined {
  if (value === undefined || typeof value === 'function') return value as PublicUrl | undefined;
  const c = new Checker({ keys: 'option' });
  const url = c.url(value, field, 'must be an absolute http(s) URL or a function of the request');
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '') {
    c.fail(field, 'must be an absolute http(s) URL without query or fragment, or a function of the request');
  }
  return value as string;
}

/**
 * A `Host` header as RFC 9110 §7.2 allows it: a reg-name or IPv4 address, or a bracketed IPv6 literal,
 * and an optional port. Anything else (a `/` or `?` would let the client choose the path the DPoP `htu`
 * is compared with) leaves the URL unknown, so no proof matches.
 */
const HOST = /^(?:[A-Za-z0-9._~-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * What `verifyAccessToken` needs from a Node request to a protected resource (RFC 6750 §2.1, RFC 9449
 * §7): `Authorization`, every `DPoP` value, the method, and the absolute URL — `path` (the request target
 * as received, e.g. Express's `req.originalUrl`) under `publicUrl`, or by default under the scheme of the
 * connection (`https` on TLS) and the `Host` header. Without a `Host` and `publicUrl` the URL is unknown
 * and a DPoP proof cannot match (`invalid_dpop_proof`).
 */
export function resourceRequestFromNode(request: IncomingMessage, path: string, publicUrl?: PublicUrl): ResourceRequest {
  const target = path.startsWith('/') ? path : `/${path}`;
  let url: string | undefined;
  if (typeof publicUrl === 'function') url = publicUrl(request);
  else if (publicUrl !== undefined) url = publicUrl.replace(/\/+$/, '') + target;
  else if (request.headers.host !== undefined && HOST.test(request.headers.host)) {
    const tls = (request.socket as { encrypted?: boolean } | undefined)?.encrypted === true;
    url = `${tls ? 'https' : 'http'}://${request.headers.host}${target}`;
  }
  return {
    authorization: request.headers.authorization,
    dpop: request.headers['dpop'],
    method: request.method ?? 'GET',
    ...(url === undefined ? {} : { url }),
  };
}
