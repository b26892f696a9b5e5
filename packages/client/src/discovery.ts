import { OAUTH_METADATA_PATH, OIDC_METADATA_PATH, TOKEN_CLIENT_DEFAULTS } from './constants.js';
import { DiscoveryError } from './errors.js';
import { isSecureUrl, optionalFunction, serverUrl, wholeNumber } from './lib/checks.js';
import { fetchJson, isObject, type FetchFunction } from './lib/http.js';

/** The RFC 8414 §2 metadata members the client uses; the rest is kept as sent. */
export interface ServerMetadata {
  /** Issuer identifier, equal to the one asked for (RFC 8414 §3.3). */
  readonly issuer: string;
  /** Token endpoint URL (RFC 8414 §2). */
  readonly token_endpoint: string;
  /** Grant types the server supports (RFC 8414 §2), when it says. */
  readonly grant_types_supported?: readonly string[];
  /** Client authentication methods at the token endpoint (RFC 8414 §2), when it says. */
  readonly token_endpoint_auth_methods_supported?: readonly string[];
  /** Algorithms accepted on client assertions (RFC 8414 §2), when it says. */
  readonly token_endpoint_auth_signing_alg_values_supported?: readonly string[];
  readonly [member: string]: unknown;
}

/** Options of {@link discoverMetadata}. */
export interface DiscoveryOptions {
  /** `fetch` to use. Default the global `fetch`. For tests. */
  fetch?: FetchFunction;
  /** Milliseconds each request may take. Default 10000. */
  timeout?: number;
}

/**
 * Where the metadata of `issuer` lives, in the order they are tried: RFC 8414 §3.1 (the well-known
 * path inserted between host and path), then OpenID Connect Discovery §4 (appended to the issuer).
 */
export function metadataUrls(issuer: string): [oauth: string, openid: string] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  return [`${url.origin}${OAUTH_METADATA_PATH}${path}`, `${url.origin}${path}${OIDC_METADATA_PATH}`];
}

/**
 * Fetches the authorization server metadata of `issuer` (RFC 8414 §3): the RFC 8414 document, or the
 * OpenID Connect one when that answers 404. Checks that its `issuer` is exactly the one asked for
 * (RFC 8414 §3.3) and that `token_endpoint` is an https URL (http only on loopback). Throws a
 * DiscoveryError or an HttpRequestError.
 */
export async function discoverMetadata(issuer: string, options: DiscoveryOptions = {}): Promise<ServerMetadata> {
  serverUrl(issuer, 'issuer');
  const fetch = optionalFunction<FetchFunction>(options.fetch, 'fetch', globalThis.fetch);
  const timeout = wholeNumber(options.timeout, 'timeout', TOKEN_CLIENT_DEFAULTS.timeout, 1, 600_000, 'milliseconds');
  const urls = metadataUrls(issuer);
  for (const [i, url] of urls.entries()) {
    const answer = await fetchJson(fetch, url, { method: 'GET', headers: { accept: 'application/json' } }, timeout);
    if (answer.status === 404 && i < urls.length - 1) continue;
    if (answer.status !== 200) throw new DiscoveryError(`${url} answered HTTP ${answer.status}`, url);
    return checkMetadata(answer.json, issuer, url);
  }
  throw new DiscoveryError('no metadata document was found', urls[0]);
}

function checkMetadata(json: unknown, issuer: string, url: string): ServerMetadata {
  if (!isObject(json)) throw new DiscoveryError(`${url} did not answer a JSON object`, url);
  if (json.issuer !== issuer) {
    throw new DiscoveryError(`${url} names the issuer ${JSON.stringify(json.issuer)}, not ${JSON.stringify(issuer)} (RFC 8414 §3.3)`, url);
  }
  const endpoint = json.token_endpoint;
  let secure = false;
  try {
    secure = typeof endpoint === 'string' && isSecureUrl(new URL(endpoint));
  } catch {
    secure = false;
  }
  if (!secure) throw new DiscoveryError(`${url} has no https token_endpoint (http only on loopback)`, url);
  return Object.freeze(structuredClone(json)) as ServerMetadata;
}
