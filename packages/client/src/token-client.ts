import { CLIENT_CREDENTIALS_GRANT_TYPE, JWT_BEARER_CLIENT_ASSERTION_TYPE, JWT_BEARER_GRANT_TYPE } from '@rfc7523/core/constants';
import { clientAssertionSigner, type ClientAssertionOptions } from './client-assertion.js';
import { ID_JAG_TOKEN_TYPE, ID_TOKEN_TOKEN_TYPE, MAX_ASSERTION_LIFETIME, TOKEN_CLIENT_DEFAULTS, TOKEN_EXCHANGE_GRANT_TYPE } from './constants.js';
import { discoverMetadata, type ServerMetadata } from './discovery.js';
import { DpopSession, isDpopKey, type DpopKey, type DpopKeyInput } from './dpop.js';
import { TokenResponseError } from './errors.js';
import { readIdJagResponse, type IdJagResponse } from './id-jag-response.js';
import { badOption, optionalFunction, optionsObject, requiredString, scopeTokens, serverUrl, wholeNumber } from './lib/checks.js';
import { fetchJson, isObject, type FetchFunction, type JsonAnswer } from './lib/http.js';
import { resourceList } from './lib/resource.js';
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
  /**
   * DPoP (RFC 9449): `true` signs a proof for every token request with an ES256 key generated once per
   * client (non-extractable); `{ key }` uses that key (a {@link DpopKey} or any {@link DpopKeyInput}).
   * On a 400 `use_dpop_nonce` with a `DPoP-Nonce` header the request is retried once with the nonce
   * (§8); the latest nonce per origin is remembered. Default off (Bearer tokens).
   */
  dpop?: boolean | { key: DpopKey | DpopKeyInput };
}

/** Leg 1 of ID-JAG: what to exchange at the enterprise IdP (RFC 8693 §2.1, draft-ietf-oauth-identity-assertion-authz-grant §4.3). */
export interface IdJagRequest {
  /** `subject_token`: the user's identity assertion, usually the ID Token the IdP issued to this client. Required. */
  subjectToken: string;
  /** `subject_token_type`. Default `urn:ietf:params:oauth:token-type:id_token`. */
  subjectTokenType?: string;
  /** `audience`: the resource authorization server's issuer identifier (RFC 8414). Required. */
  audience: string;
  /** `resource` (RFC 8707 §2): the resource server(s) the token is for. Default none. */
  resource?: string | readonly string[];
  /** `scope` (RFC 6749 §3.3), space-separated or a list. Default none. */
  scope?: string | readonly string[];
}

/** What to ask the token endpoint for. */
export interface TokenRequest {
  /** Default `client_credentials` when the client has a key, else `jwt-bearer`. */
  grant?: GrantName | typeof JWT_BEARER_GRANT_TYPE;
  /** Scope (RFC 6749 §3.3), space-separated or a list; order does not matter. Default none: the server's default set. */
  scope?: string | readonly string[];
  /** `resource` (RFC 8707 §2): absolute URI(s) of the resource server(s) the token is for. Default none. */
  resource?: string | readonly string[];
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
  'dpop',
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
  readonly #dpop: DpopSession | undefined;
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
    if (o.dpop === undefined || o.dpop === false) this.#dpop = undefined;
    else if (o.dpop === true) this.#dpop = new DpopSession(undefined, this.#now);
    else {
      const d = optionsObject(o.dpop, '"dpop"');
      for (const name of Object.keys(d)) if (name !== 'key') badOption(`dpop.${name}`, 'is not a known option');
      if (d.key === undefined) badOption('dpop.key', 'is required in { key } (or pass dpop: true to generate one)');
      this.#dpop = new DpopSession(isDpopKey(d.key) ? d.key : (d.key as DpopKeyInput), this.#now);
    }
  }

  /** The DPoP key (RFC 9449 §2), generated on the first call when none was given; undefined without `dpop`. */
  async dpopKey(): Promise<DpopKey | undefined> {
    return this.#dpop?.key();
  }

  /**
   * An access token for `request`: the cached one while it has more than `refreshSkew` seconds left,
   * else a new one — one request per (grant, scope) however many callers ask at once. A jwt-bearer
   * request takes its assertion from the `grantAssertion` option.
   */
  async getToken(request: TokenRequest = {}): Promise<AccessToken> {
    const { grant, scope, resource } = this.#resolve(request);
    if (grant === JWT_BEARER_GRANT_TYPE && this.#grantAssertion === undefined) {
      badOption('grantAssertion', 'is required to get jwt-bearer tokens with getToken (or pass the assertion to requestToken)');
    }
    return this.#cache.get(cacheKey(grant, scope, resource), () => this.#request(grant, scope, resource, undefined));
  }

  /** One token request, never cached: for a jwt-bearer grant, `assertion` is used, else the `grantAssertion` option. */
  async requestToken(request: TokenRequest & { assertion?: string } = {}): Promise<AccessToken> {
    const { grant, scope, resource } = this.#resolve(request);
    const assertion = request.assertion === undefined ? undefined : requiredString(request.assertion, 'assertion');
    if (grant === JWT_BEARER_GRANT_TYPE && assertion === undefined && this.#grantAssertion === undefined) {
      badOption('assertion', 'is required for a jwt-bearer request when there is no "grantAssertion" option');
    }
    return this.#request(grant, scope, resource, assertion);
  }

  /**
   * Leg 1 of ID-JAG (draft-ietf-oauth-identity-assertion-authz-grant §4.3): RFC 8693 token exchange at
   * this client's token endpoint — the enterprise IdP's — for an ID-JAG, with private_key_jwt client
   * authentication and, with `dpop`, a proof so that the IdP binds the ID-JAG (`cnf.jkt`, §9.8.1.1).
   * Never cached. The answer is checked strictly (see {@link readIdJagResponse}).
   */
  async requestIdJag(request: IdJagRequest): Promise<IdJagResponse> {
    const r = optionsObject(request, 'ID-JAG request');
    for (const name of Object.keys(r)) if (!['subjectToken', 'subjectTokenType', 'audience', 'resource', 'scope'].includes(name)) badOption(name, 'is not a known option');
    if (this.#signClientAssertion === undefined) badOption('key', 'and "clientId" are required for the token exchange: the IdP authenticates the client (private_key_jwt)');
    const body = new URLSearchParams({
      grant_type: TOKEN_EXCHANGE_GRANT_TYPE,
      requested_token_type: ID_JAG_TOKEN_TYPE,
      audience: requiredString(r.audience, 'audience'),
    });
    for (const resource of resourceList(r.resource, 'resource')) body.append('resource', resource);
    const scope = scopeTokens(r.scope, 'scope');
    if (scope.length > 0) body.set('scope', scope.join(' '));
    body.set('subject_token', requiredString(r.subjectToken, 'subjectToken'));
    body.set('subject_token_type', r.subjectTokenType === undefined ? ID_TOKEN_TOKEN_TYPE : requiredString(r.subjectTokenType, 'subjectTokenType'));
    const answer = await this.#post(body);
    return readIdJagResponse(answer, this.#now(), (await this.#dpop?.key())?.thumbprint);
  }

  /**
   * Calls a resource server with a token from {@link getToken} (for `request`): `Authorization: DPoP …`
   * plus a `DPoP` proof carrying `ath` (RFC 9449 §7.1) when the token is DPoP-bound, else
   * `Authorization: Bearer …` (RFC 6750 §2.1). A 401 whose `WWW-Authenticate` says
   * `use_dpop_nonce` with a `DPoP-Nonce` header is retried once with the nonce (RFC 9449 §9). Returns the
   * response as `fetch` does; `init.body` must be re-sendable (a string, bytes or URLSearchParams).
   */
  async fetch(url: string, init: RequestInit = {}, request: TokenRequest = {}): Promise<Response> {
    const token = await this.getToken(request);
    if (token.tokenType.toLowerCase() === 'dpop') {
      if (this.#dpop === undefined) throw new TokenResponseError('the server issued a DPoP token to a client without a DPoP key', 200);
      return this.#dpop.fetchResource(this.#fetch, url, init, token.accessToken);
    }
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${token.accessToken}`);
    return this.#fetch(url, { ...init, headers });
  }

  /** Forgets the cached token of `request` (e.g. after a resource server answered 401), or every token. */
  invalidate(request?: TokenRequest): void {
    if (request === undefined) {
      this.#cache.delete();
      return;
    }
    const { grant, scope, resource } = this.#resolve(request);
    this.#cache.delete(cacheKey(grant, scope, resource));
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

  #resolve(request: TokenRequest): { grant: string; scope: string[]; resource: string[] } {
    const r = optionsObject(request, 'token request');
    const name = r.grant ?? (this.#signClientAssertion === undefined ? 'jwt-bearer' : 'client_credentials');
    let grant: string;
    if (name === 'client_credentials') grant = CLIENT_CREDENTIALS_GRANT_TYPE;
    else if (name === 'jwt-bearer' || name === JWT_BEARER_GRANT_TYPE) grant = JWT_BEARER_GRANT_TYPE;
    else return badOption('grant', 'must be "client_credentials" or "jwt-bearer"');
    if (grant === CLIENT_CREDENTIALS_GRANT_TYPE && this.#signClientAssertion === undefined) {
      badOption('key', 'and "clientId" are required for client_credentials (private_key_jwt)');
    }
    return { grant, scope: scopeTokens(r.scope, 'scope'), resource: resourceList(r.resource, 'resource') };
  }

  async #request(grant: string, scope: readonly string[], resource: readonly string[], assertion: string | undefined): Promise<AccessToken> {
    const body = new URLSearchParams({ grant_type: grant });
    if (grant === JWT_BEARER_GRANT_TYPE) {
      const value = assertion ?? (await this.#grantAssertion!());
      if (typeof value !== 'string' || value.length === 0) badOption('grantAssertion', 'must return a non-empty string');
      body.set('assertion', value);
    }
    if (scope.length > 0) body.set('scope', scope.join(' '));
    for (const value of resource) body.append('resource', value);
    const answer = await this.#post(body);
    return readTokenResponse(answer, this.#now());
  }

  /**
   * POSTs `params` to the token endpoint, with a fresh client assertion and, with DPoP, a fresh proof
   * each time; retries once on 400 `use_dpop_nonce` with a `DPoP-Nonce` header (RFC 9449 §8).
   */
  async #post(params: URLSearchParams): Promise<JsonAnswer> {
    const endpoint = await this.tokenEndpoint();
    const send = async (): Promise<JsonAnswer> => {
      const body = new URLSearchParams(params);
      if (this.#signClientAssertion !== undefined) {
        // client_id is optional with an assertion (RFC 7521 §4.2) but some servers look the client up by it.
        body.set('client_id', this.clientId!);
        body.set('client_assertion_type', JWT_BEARER_CLIENT_ASSERTION_TYPE);
        body.set('client_assertion', await this.#signClientAssertion());
      }
      const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
      if (this.#dpop !== undefined) headers.dpop = await this.#dpop.proof('POST', endpoint);
      return fetchJson(this.#fetch, endpoint, { method: 'POST', headers, body: body.toString() }, this.#timeout);
    };
    let answer = await send();
    if (this.#dpop !== undefined) {
      const nonce = this.#dpop.remember(endpoint, answer.headers) || answer.headers.has('dpop-nonce');
      if (answer.status === 400 && nonce && isObject(answer.json) && answer.json.error === 'use_dpop_nonce') {
        answer = await send();
        this.#dpop.remember(endpoint, answer.headers);
      }
    }
    return answer;
  }
}

/** The cache key of a token request: grant, sorted scope, sorted resources. */
function cacheKey(grant: string, scope: readonly string[], resource: readonly string[]): string {
  return `${grant} ${scope.join(' ')} ${resource.join(' ')}`;
}
