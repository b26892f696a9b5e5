import { CLIENT_CREDENTIALS_GRANT_TYPE, JWT_BEARER_CLIENT_ASSERTION_TYPE, JWT_BEARER_GRANT_TYPE } from '@rfc7523/core';
import { clientAssertionSigner, type ClientAssertionOptions } from './client-assertion.js';
import { MAX_ASSERTION_LIFETIME, TOKEN_CLIENT_DEFAULTS } from './constants.js';
import { discoverMetadata, type ServerMetadata } from './discovery.js';
import { badOption, optionalFunction, optionsObject, requiredString, scopeTokens, serverUrl, wholeNumber } from './lib/checks.js';
import { fetchJson, type FetchFunction } from './lib/http.js';
import { TokenCache } from './lib/token-cache.js';
import type { SigningAlgorithm, SigningKeyInput } from './signing-key.js';
import { readTokenResponse, type AccessToken } from './token-response.js';

/** The grants a {@link TokenClient} requests: `client_credentials` (RFC 6749 §4.4) or the JWT bearer grant (RFC 7523 §2.1). */
export type GrantName = 'client_credentials' | 'jwt-bearer';

/** Where jwt-bearer grant assertions come from: called once per token request, since each is used once (RFC 7523 §3 item 7). */
export type GrantAssertionSource = () => string | Promise<string>;

/** Options of {@link TokenClient}. Validated once, in the constructor. */
export interface TokenClientOptions {
  /**
   * The authorization server's issuer identifier (RFC 8414 §2): the token endpoint is discovered from its
   * metadata, and it is the `aud` of client assertions (rfc7523bis §4). `https`, or `http` on loopback.
   * Required unless `tokenEndpoint` is given and there is no client key.
   */
  issuer?: string;
  /** Token endpoint URL (RFC 6749 §3.2). Default: `token_endpoint` of the issuer's RFC 8414 metadata. */
  tokenEndpoint?: string;
  /** The client's `client_id` (RFC 6749 §2.2), with `key`: enables `private_key_jwt` (RFC 7523 §2.2). Default none. */
  clientId?: string;
  /** The client's private key (see {@link SigningKeyInput}), with `clientId`. Default none. */
  key?: SigningKeyInput;
  /** JWS algorithm of client assertions. Default: what the key implies (ES256/384/512, EdDSA, RS256). */
  alg?: SigningAlgorithm;
  /** JWS `kid` of client assertions. Default: the JWK's `kid`. */
  kid?: string;
  /** Lifetime of each client assertion, seconds (RFC 7523 §3 item 4). Default 60. */
  assertionLifetime?: number;
  /** `typ` of client assertions; `null` for none (rfc7523bis §4). Default `client-authentication+jwt`. */
  assertionTyp?: string | null;
  /** Source of jwt-bearer grant assertions for {@link TokenClient.getToken} (e.g. a CI system's OIDC token). Default none. */
  grantAssertion?: GrantAssertionSource;
  /** Seconds before expiry (RFC 6749 §5.1 `expires_in`) at which a cached token is replaced, 0 to 3600. Default 30. */
  refreshSkew?: number;
  /** Milliseconds each HTTP request may take. Default 10000. */
  timeout?: number;
  /** `fetch` to use. Default the global `fetch`. For tests. */
  fetch?: FetchFunction;
  /** Clock, milliseconds since the epoch. Default `Date.now`. For tests. */
  now?: () => number;
}

/** What to ask the token endpoint for. */
export interface TokenRequest {
  /** Default `client_credentials` when the client has a key, else `jwt-bearer`. */
  grant?: GrantName | typeof JWT_BEARER_GRANT_TYPE;
  /** Scope (RFC 6749 §3.3), space-separated or a list; order does not matter. Default none: the server's default set. */
  scope?: string | readonly string[];
}

const KNOWN = [
  'issuer',
  'tokenEndpoint',
  'clientId',
  'key',
  'alg',
  'kid',
  'assertionLifetime',
  'assertionTyp',
  'grantAssertion',
  'refreshSkew',
  'timeout',
  'fetch',
  'now',
];

/**
 * Gets access tokens for a workload (RFC 6749 §4.4 `client_credentials` with `private_key_jwt`, RFC 7523
 * §2.1 the jwt-bearer grant, with or without client authentication). Discovers the token endpoint from
 * RFC 8414 metadata, caches each token per (grant, scope) and replaces it 30 s before it expires, with at
 * most one request in flight per (grant, scope) however many callers ask at once. Refusals are
 * {@link TokenRequestError}s carrying the server's `error`, `error_description` and `status`.
 */
export class TokenClient {
  /** The issuer identifier, when configured. */
  readonly issuer: string | undefined;
  /** The client ID, when configured. */
  readonly clientId: string | undefined;

  readonly #tokenEndpoint: string | undefined;
  readonly #signClientAssertion: (() => Promise<string>) | undefined;
  readonly #grantAssertion: GrantAssertionSource | undefined;
  readonly #timeout: number;
  readonly #fetch: FetchFunction;
  readonly #now: () => number;
  readonly #cache: TokenCache;
  #metadata: Promise<ServerMetadata> | undefined;

  /** Validates the options (a TypeError names the wrong one). Makes no request. */
  constructor(options: TokenClientOptions) {
    const o = optionsObject(options, 'TokenClient');
    for (const name of Object.keys(o)) if (!KNOWN.includes(name)) badOption(name, 'is not a known option');
    this.issuer = o.issuer === undefined ? undefined : serverUrl(o.issuer, 'issuer');
    this.#tokenEndpoint = o.tokenEndpoint === undefined ? undefined : serverUrl(o.tokenEndpoint, 'tokenEndpoint');
    if (this.issuer === undefined && this.#tokenEndpoint === undefined) badOption('issuer', 'or "tokenEndpoint" is required');
    this.#now = optionalFunction<() => number>(o.now, 'now', Date.now);
    if ((o.clientId === undefined) !== (o.key === undefined)) badOption(o.key === undefined ? 'key' : 'clientId', 'is required with "clientId" and "key" (private_key_jwt)');
    this.clientId = o.clientId === undefined ? undefined : requiredString(o.clientId, 'clientId');
    if (this.clientId !== undefined) {
      if (this.issuer === undefined) badOption('issuer', 'is required with a client key: it is the aud of client assertions (rfc7523bis §4)');
      const assertion: ClientAssertionOptions = {
        clientId: this.clientId,
        issuer: this.issuer,
        key: o.key as SigningKeyInput,
        lifetime: wholeNumber(o.assertionLifetime, 'assertionLifetime', TOKEN_CLIENT_DEFAULTS.assertionLifetime, 1, MAX_ASSERTION_LIFETIME, 'seconds'),
        now: this.#now,
        ...(o.alg === undefined ? {} : { alg: o.alg as SigningAlgorithm }),
        ...(o.kid === undefined ? {} : { kid: o.kid as string }),
        ...(o.assertionTyp === undefined ? {} : { typ: o.assertionTyp as string | null }),
      };
      this.#signClientAssertion = clientAssertionSigner(assertion);
    } else if (o.alg !== undefined || o.kid !== undefined || o.assertionLifetime !== undefined || o.assertionTyp !== undefined) {
      badOption('key', 'is required when client assertion options (alg, kid, assertionLifetime, assertionTyp) are given');
    }
    this.#grantAssertion = optionalFunction<GrantAssertionSource | undefined>(o.grantAssertion, 'grantAssertion', undefined);
    const skew = wholeNumber(o.refreshSkew, 'refreshSkew', TOKEN_CLIENT_DEFAULTS.refreshSkew, 0, 3600, 'seconds');
    this.#timeout = wholeNumber(o.timeout, 'timeout', TOKEN_CLIENT_DEFAULTS.timeout, 1, 600_000, 'milliseconds');
    this.#fetch = optionalFunction<FetchFunction>(o.fetch, 'fetch', (input, init) => globalThis.fetch(input, init));
    this.#cache = new TokenCache(this.#now, skew * 1000);
  }

  /**
   * An access token for `request`: the cached one while it has more than `refreshSkew` seconds left,
   * else a new one — one request per (grant, scope) however many callers ask at once. A jwt-bearer
   * request takes its assertion from the `grantAssertion` option.
   */
  async getToken(request: TokenRequest = {}): Promise<AccessToken> {
    const { grant, scope } = this.#resolve(request);
    if (grant === JWT_BEARER_GRANT_TYPE && this.#grantAssertion === undefined) {
      badOption('grantAssertion', 'is required to get jwt-bearer tokens with getToken (or pass the assertion to requestToken)');
    }
    return this.#cache.get(`${grant} ${scope.join(' ')}`, () => this.#request(grant, scope, undefined));
  }

  /** One token request, never cached: for a jwt-bearer grant, `assertion` is used, else the `grantAssertion` option. */
  async requestToken(request: TokenRequest & { assertion?: string } = {}): Promise<AccessToken> {
    const { grant, scope } = this.#resolve(request);
    const assertion = request.assertion === undefined ? undefined : requiredString(request.assertion, 'assertion');
    if (grant === JWT_BEARER_GRANT_TYPE && assertion === undefined && this.#grantAssertion === undefined) {
      badOption('assertion', 'is required for a jwt-bearer request when there is no "grantAssertion" option');
    }
    return this.#request(grant, scope, assertion);
  }

  /** Forgets the cached token of `request` (e.g. after a resource server answered 401), or every token. */
  invalidate(request?: TokenRequest): void {
    if (request === undefined) {
      this.#cache.delete();
      return;
    }
    const { grant, scope } = this.#resolve(request);
    this.#cache.delete(`${grant} ${scope.join(' ')}`);
  }

  /** The issuer's RFC 8414 metadata, fetched once (a failure is retried on the next call). Needs `issuer`. */
  metadata(): Promise<ServerMetadata> {
    if (this.issuer === undefined) return Promise.reject(new TypeError('"issuer" option is required to discover metadata'));
    this.#metadata ??= discoverMetadata(this.issuer, { fetch: this.#fetch, timeout: this.#timeout }).catch((err: unknown) => {
      this.#metadata = undefined;
      throw err;
    });
    return this.#metadata;
  }

  /** The token endpoint: the `tokenEndpoint` option, else discovered from the issuer's metadata (RFC 8414 §2). */
  async tokenEndpoint(): Promise<string> {
    return this.#tokenEndpoint ?? (await this.metadata()).token_endpoint;
  }

  #resolve(request: TokenRequest): { grant: string; scope: string[] } {
    const r = optionsObject(request, 'token request');
    const name = r.grant ?? (this.#signClientAssertion === undefined ? 'jwt-bearer' : 'client_credentials');
    let grant: string;
    if (name === 'client_credentials') grant = CLIENT_CREDENTIALS_GRANT_TYPE;
    else if (name === 'jwt-bearer' || name === JWT_BEARER_GRANT_TYPE) grant = JWT_BEARER_GRANT_TYPE;
    else return badOption('grant', 'must be "client_credentials" or "jwt-bearer"');
    if (grant === CLIENT_CREDENTIALS_GRANT_TYPE && this.#signClientAssertion === undefined) {
      badOption('key', 'and "clientId" are required for client_credentials (private_key_jwt)');
    }
    return { grant, scope: scopeTokens(r.scope, 'scope') };
  }

  async #request(grant: string, scope: readonly string[], assertion: string | undefined): Promise<AccessToken> {
    const endpoint = await this.tokenEndpoint();
    const body = new URLSearchParams({ grant_type: grant });
    if (grant === JWT_BEARER_GRANT_TYPE) {
      const value = assertion ?? (await this.#grantAssertion!());
      if (typeof value !== 'string' || value.length === 0) badOption('grantAssertion', 'must return a non-empty string');
      body.set('assertion', value);
    }
    if (scope.length > 0) body.set('scope', scope.join(' '));
    if (this.#signClientAssertion !== undefined) {
      // client_id is optional with an assertion (RFC 7521 §4.2) but some servers look the client up by it.
      body.set('client_id', this.clientId!);
      body.set('client_assertion_type', JWT_BEARER_CLIENT_ASSERTION_TYPE);
      body.set('client_assertion', await this.#signClientAssertion());
    }
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body: body.toString(),
    };
    const answer = await fetchJson(this.#fetch, endpoint, init, this.#timeout);
    return readTokenResponse(answer, this.#now());
  }
}
