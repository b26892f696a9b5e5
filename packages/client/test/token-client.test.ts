import { jwtVerify } from 'jose';
import {
  DiscoveryError,
  HttpRequestError,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  JWT_BEARER_GRANT_TYPE,
  TokenClient,
  TokenRequestError,
  TokenResponseError,
  type TokenClientOptions,
} from '@rfc7523/client';
import { decode, deferred, FakeClock, FakeServer, ISSUER, jsonResponse, makeKey, TOKEN_ENDPOINT, type TestKey } from './support/fixtures.js';

let key: TestKey;
let clock: FakeClock;
let server: FakeServer;

beforeAll(async () => {
  key = await makeKey('ES256', 'worker-1');
});

beforeEach(() => {
  clock = new FakeClock();
  server = new FakeServer();
});

const client = (options: Partial<TokenClientOptions> = {}) =>
  new TokenClient({ issuer: ISSUER, clientId: 'worker', key: key.privateJwk, fetch: server.fetch, now: clock.now, ...options });

describe('TokenClient: discovery (RFC 8414)', () => {
  it('finds the token endpoint in /.well-known/oauth-authorization-server, once', async () => {
    const c = client();
    await c.getToken();
    await c.getToken({ scope: 'other' });
    expect(server.metadataRequests.map((r) => r.url)).toEqual([`${ISSUER}/.well-known/oauth-authorization-server`]);
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('skips discovery when tokenEndpoint is given', async () => {
    await client({ tokenEndpoint: TOKEN_ENDPOINT }).getToken();
    expect(server.metadataRequests).toHaveLength(0);
    expect(server.tokenRequests).toHaveLength(1);
  });

  it('falls back to /.well-known/openid-configuration when the RFC 8414 document is 404', async () => {
    server.metadata = null;
    const fetch: TokenClientOptions['fetch'] = (url, init) =>
      url === `${ISSUER}/.well-known/openid-configuration` ? Promise.resolve(jsonResponse(200, { issuer: ISSUER, token_endpoint: TOKEN_ENDPOINT })) : server.fetch(url, init);
    await expect(client({ fetch }).tokenEndpoint()).resolves.toBe(TOKEN_ENDPOINT);
    expect(server.metadataRequests.map((r) => r.url)).toEqual([`${ISSUER}/.well-known/oauth-authorization-server`]);
  });

  it('refuses metadata naming another issuer (RFC 8414 §3.3) with a DiscoveryError', async () => {
    server.metadata = { issuer: `${ISSUER}/`, token_endpoint: TOKEN_ENDPOINT };
    const error = await client().getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiscoveryError);
    expect(error).toMatchObject({ code: 'ERR_DISCOVERY_FAILED', url: `${ISSUER}/.well-known/oauth-authorization-server` });
    expect((error as Error).message).toContain('names the issuer "https://as.example.com/", not "https://as.example.com"');
  });

  it('refuses a token endpoint over plain http to a remote host', async () => {
    server.metadata = { issuer: ISSUER, token_endpoint: 'http://as.example.com/token' };
    await expect(client().getToken()).rejects.toThrow('has no https token_endpoint');
  });

  it('asks again after a failed discovery', async () => {
    server.metadata = null;
    const c = client();
    await expect(c.getToken()).rejects.toBeInstanceOf(DiscoveryError);
    server.metadata = { issuer: ISSUER, token_endpoint: TOKEN_ENDPOINT };
    await expect(c.getToken()).resolves.toMatchObject({ accessToken: 'token-1' });
  });

  it('inserts the well-known path before the path of an issuer that has one (RFC 8414 §3.1)', async () => {
    const seen: string[] = [];
    const fetch: TokenClientOptions['fetch'] = async (url) => {
      seen.push(url);
      return jsonResponse(200, { issuer: 'https://as.example.com/tenant-a', token_endpoint: 'https://as.example.com/tenant-a/token' });
    };
    await client({ issuer: 'https://as.example.com/tenant-a', fetch }).tokenEndpoint();
    expect(seen).toEqual(['https://as.example.com/.well-known/oauth-authorization-server/tenant-a']);
  });
});

describe('TokenClient: what it sends', () => {
  it('client_credentials with a private_key_jwt client assertion, form-encoded', async () => {
    await client().getToken({ scope: 'logs:read' });
    const [request] = server.tokenRequests;
    expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(request!.form)).toEqual({
      grant_type: 'client_credentials',
      scope: 'logs:read',
      client_id: 'worker',
      client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE,
      client_assertion: expect.any(String),
    });
  });

  it('the client assertion has aud = the issuer identifier, typ client-authentication+jwt, and verifies', async () => {
    await client().getToken();
    const assertion = server.tokenRequests[0]!.form.get('client_assertion')!;
    const { payload, protectedHeader } = await jwtVerify(assertion, key.publicKey, { currentDate: new Date(clock.ms) });
    expect(protectedHeader).toEqual({ alg: 'ES256', typ: 'client-authentication+jwt', kid: 'worker-1' });
    expect(payload).toMatchObject({ iss: 'worker', sub: 'worker', aud: ISSUER, iat: clock.seconds(), exp: clock.seconds() + 60 });
  });

  it('a fresh client assertion (new jti) for every request', async () => {
    const c = client();
    await c.requestToken();
    await c.requestToken();
    const [a, b] = server.tokenRequests.map((r) => decode(r.form.get('client_assertion')!).claims.jti);
    expect(a).not.toBe(b);
  });

  it('the jwt-bearer grant with an assertion from grantAssertion, authenticated when there is a key', async () => {
    let n = 0;
    await client({ grantAssertion: () => `grant-${++n}` }).getToken({ grant: 'jwt-bearer', scope: 'deploy' });
    expect(Object.fromEntries(server.tokenRequests[0]!.form)).toMatchObject({
      grant_type: JWT_BEARER_GRANT_TYPE,
      assertion: 'grant-1',
      scope: 'deploy',
      client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE,
    });
  });

  it('the jwt-bearer grant without client authentication when there is no key (the default grant then)', async () => {
    const c = new TokenClient({ issuer: ISSUER, grantAssertion: async () => 'ci-token', fetch: server.fetch, now: clock.now });
    await c.getToken();
    expect(Object.fromEntries(server.tokenRequests[0]!.form)).toEqual({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: 'ci-token' });
  });

  it('requestToken sends the assertion it is given, and is never cached', async () => {
    const c = new TokenClient({ tokenEndpoint: TOKEN_ENDPOINT, fetch: server.fetch, now: clock.now });
    await c.requestToken({ grant: 'jwt-bearer', assertion: 'one' });
    await c.requestToken({ grant: 'jwt-bearer', assertion: 'two' });
    expect(server.tokenRequests.map((r) => r.form.get('assertion'))).toEqual(['one', 'two']);
  });
});

describe('TokenClient: caching per (grant, scope)', () => {
  it('reuses a token until 30 s before it expires, then gets a new one', async () => {
    const c = client();
    expect((await c.getToken()).accessToken).toBe('token-1');
    clock.advance(269);
    expect((await c.getToken()).accessToken).toBe('token-1');
    clock.advance(1);
    expect((await c.getToken()).accessToken).toBe('token-2');
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('honours refreshSkew', async () => {
    const c = client({ refreshSkew: 120 });
    await c.getToken();
    clock.advance(180);
    expect((await c.getToken()).accessToken).toBe('token-2');
  });

  it('reuses a short-lived token for half its life when it lives less than twice the skew', async () => {
    server.expiresIn = 40;
    const c = client();
    await c.getToken();
    clock.advance(19);
    expect((await c.getToken()).accessToken).toBe('token-1');
    clock.advance(1);
    expect((await c.getToken()).accessToken).toBe('token-2');
  });

  it('keeps one token per grant and per scope; the order of scopes does not matter', async () => {
    const c = client({ grantAssertion: () => 'g' });
    const a = await c.getToken({ scope: 'read write' });
    const b = await c.getToken({ scope: ['write', 'read'] });
    const d = await c.getToken({ scope: 'read' });
    const e = await c.getToken({ grant: 'jwt-bearer', scope: 'read' });
    expect([a, b, d, e].map((t) => t.accessToken)).toEqual(['token-1', 'token-1', 'token-2', 'token-3']);
    expect(server.tokenRequests[0]!.form.get('scope')).toBe('read write');
  });

  it('does not keep a token the server gave no expires_in', async () => {
    server.tokenReply = () => jsonResponse(200, { access_token: `t${++server.issued}`, token_type: 'Bearer' });
    const c = client();
    await c.getToken();
    await c.getToken();
    expect(server.tokenRequests).toHaveLength(2);
  });

  it('invalidate forgets a token, so the next caller gets a new one', async () => {
    const c = client();
    await c.getToken({ scope: 'a' });
    await c.getToken({ scope: 'b' });
    c.invalidate({ scope: 'a' });
    expect((await c.getToken({ scope: 'a' })).accessToken).toBe('token-3');
    expect((await c.getToken({ scope: 'b' })).accessToken).toBe('token-2');
    c.invalidate();
    expect((await c.getToken({ scope: 'b' })).accessToken).toBe('token-4');
  });
});

describe('TokenClient: one request in flight per key', () => {
  it('twenty concurrent callers share one request and one token', async () => {
    const reply = deferred<Response>();
    server.tokenReply = () => reply.promise;
    const c = client();
    const callers = Array.from({ length: 20 }, () => c.getToken({ scope: 'logs:read' }));
    await server.tokenRequestsSeen(1);
    expect(server.tokenRequests).toHaveLength(1);
    reply.resolve(jsonResponse(200, { access_token: 'shared', token_type: 'Bearer', expires_in: 300 }));
    const tokens = await Promise.all(callers);
    expect(new Set(tokens.map((t) => t.accessToken))).toEqual(new Set(['shared']));
    expect(server.tokenRequests).toHaveLength(1);
  });

  it('concurrent callers for different keys do not wait for each other', async () => {
    // Replies by scope: the two requests may reach the server in either order (signing is asynchronous).
    const replies = { a: deferred<Response>(), b: deferred<Response>() };
    server.tokenReply = (request) => replies[request.form.get('scope') as 'a' | 'b'].promise;
    const c = client();
    const a = c.getToken({ scope: 'a' });
    const b = c.getToken({ scope: 'b' });
    await server.tokenRequestsSeen(2);
    expect(server.tokenRequests.map((r) => r.form.get('scope')).sort()).toEqual(['a', 'b']);
    replies.b.resolve(jsonResponse(200, { access_token: 'for-b', token_type: 'Bearer', expires_in: 300 }));
    await expect(b).resolves.toMatchObject({ accessToken: 'for-b' });
    replies.a.resolve(jsonResponse(200, { access_token: 'for-a', token_type: 'Bearer', expires_in: 300 }));
    await expect(a).resolves.toMatchObject({ accessToken: 'for-a' });
  });

  it('a failure reaches every waiting caller, is not cached, and the next call asks again', async () => {
    const reply = deferred<Response>();
    server.tokenReply = () => reply.promise;
    const c = client();
    const callers = Array.from({ length: 5 }, () => c.getToken().catch((e: unknown) => e));
    await server.tokenRequestsSeen(1);
    reply.resolve(jsonResponse(503, { error: 'temporarily_unavailable' }));
    const errors = await Promise.all(callers);
    expect(errors.every((e) => e instanceof TokenRequestError && e.error === 'temporarily_unavailable')).toBe(true);
    expect(server.tokenRequests).toHaveLength(1);
    server.tokenReply = () => jsonResponse(200, { access_token: 'later', token_type: 'Bearer', expires_in: 300 });
    await expect(c.getToken()).resolves.toMatchObject({ accessToken: 'later' });
  });

  it('a token in flight when invalidate is called is handed to its callers but not kept', async () => {
    const reply = deferred<Response>();
    server.tokenReply = () => reply.promise;
    const c = client();
    const first = c.getToken();
    await server.tokenRequestsSeen(1);
    c.invalidate();
    reply.resolve(jsonResponse(200, { access_token: 'stale', token_type: 'Bearer', expires_in: 300 }));
    await expect(first).resolves.toMatchObject({ accessToken: 'stale' });
    server.tokenReply = () => jsonResponse(200, { access_token: 'fresh', token_type: 'Bearer', expires_in: 300 });
    await expect(c.getToken()).resolves.toMatchObject({ accessToken: 'fresh' });
  });
});

describe('TokenClient: answers', () => {
  it('returns access token, type, expiry by the local clock, scope and the whole body', async () => {
    server.tokenReply = () => jsonResponse(200, { access_token: 'at', token_type: 'Bearer', expires_in: 300, scope: 'a', extra: 1 });
    await expect(client().getToken()).resolves.toEqual({
      accessToken: 'at',
      tokenType: 'Bearer',
      expiresIn: 300,
      expiresAt: clock.ms + 300_000,
      scope: 'a',
      body: { access_token: 'at', token_type: 'Bearer', expires_in: 300, scope: 'a', extra: 1 },
    });
  });

  it('an RFC 6749 error becomes a TokenRequestError with error, error_description and status', async () => {
    server.tokenReply = () => jsonResponse(401, { error: 'invalid_client', error_description: 'client authentication failed' });
    const error = await client().getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'ERR_TOKEN_REQUEST_REFUSED', error: 'invalid_client', error_description: 'client authentication failed', status: 401 });
    expect((error as Error).message).toBe('the token endpoint refused the request: invalid_client (client authentication failed), HTTP 401');
  });

  it('a 5xx page without an error body becomes a TokenResponseError', async () => {
    server.tokenReply = () => new Response('<html>bad gateway</html>', { status: 502 });
    await expect(client().getToken()).rejects.toMatchObject({ code: 'ERR_TOKEN_RESPONSE_INVALID', status: 502 });
  });

  it.each([
    ['no access_token', { token_type: 'Bearer' }, 'no access_token'],
    ['no token_type', { access_token: 'x' }, 'no token_type'],
    ['a negative expires_in', { access_token: 'x', token_type: 'Bearer', expires_in: -1 }, 'expires_in'],
  ])('a 200 with %s becomes a TokenResponseError', async (_name, body, message) => {
    server.tokenReply = () => jsonResponse(200, body);
    const error = await client().getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenResponseError);
    expect((error as Error).message).toContain(message);
  });

  it('no answer at all becomes an HttpRequestError with the cause', async () => {
    const cause = new TypeError('fetch failed');
    const error = await client({ tokenEndpoint: TOKEN_ENDPOINT, fetch: () => Promise.reject(cause) }).getToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpRequestError);
    expect(error).toMatchObject({ code: 'ERR_HTTP_REQUEST_FAILED', url: TOKEN_ENDPOINT, cause });
  });

  it('a timeout says so', async () => {
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    await expect(client({ tokenEndpoint: TOKEN_ENDPOINT, timeout: 2500, fetch: () => Promise.reject(timeout) }).getToken()).rejects.toThrow(
      `POST ${TOKEN_ENDPOINT}: no answer within 2500 ms`,
    );
  });

  it('passes an abort signal to fetch', async () => {
    let signal: AbortSignal | null | undefined;
    await client({ fetch: (url, init) => ((signal = init.signal), server.fetch(url, init)) }).getToken();
    expect(signal).toBeInstanceOf(AbortSignal);
  });
});

describe('TokenClient: options are checked once, naming the option', () => {
  it.each([
    ['neither issuer nor tokenEndpoint', { issuer: undefined, clientId: undefined, key: undefined }, '"issuer" option or "tokenEndpoint" is required'],
    ['an http issuer on a remote host', { issuer: 'http://as.example.com' }, '"issuer" option must be an https URL'],
    ['a relative tokenEndpoint', { tokenEndpoint: '/token' }, '"tokenEndpoint" option must be an absolute URL'],
    ['a key without clientId', { clientId: undefined }, '"clientId" option is required with "clientId" and "key"'],
    ['a clientId without key', { key: undefined }, '"key" option is required with "clientId" and "key"'],
    ['a client key without issuer', { issuer: undefined, tokenEndpoint: TOKEN_ENDPOINT }, '"issuer" option is required with a client key'],
    ['a negative refreshSkew', { refreshSkew: -1 }, '"refreshSkew" option must be a whole number of seconds from 0 to 3600'],
    ['a zero timeout', { timeout: 0 }, '"timeout" option must be a whole number of milliseconds'],
    ['a grantAssertion that is a string', { grantAssertion: 'jwt' }, '"grantAssertion" option must be a function'],
    ['an unknown option', { scopes: 'a' }, '"scopes" option is not a known option'],
  ])('refuses %s', (_name, change, message) => {
    expect(() => client(change as never)).toThrow(TypeError);
    expect(() => client(change as never)).toThrow(message);
  });

  it('refuses a public JWK as key when constructed', () => {
    expect(() => client({ key: key.publicJwk })).toThrow('"key" option must be a private key');
  });

  it('refuses client_credentials without a key, and jwt-bearer getToken without grantAssertion', async () => {
    const keyless = new TokenClient({ issuer: ISSUER, fetch: server.fetch });
    await expect(keyless.getToken({ grant: 'client_credentials' })).rejects.toThrow('"key" option and "clientId" are required for client_credentials');
    await expect(keyless.getToken()).rejects.toThrow('"grantAssertion" option is required to get jwt-bearer tokens');
    await expect(client().getToken({ grant: 'password' as never })).rejects.toThrow('"grant" option must be "client_credentials" or "jwt-bearer"');
  });

  it('makes no request when constructed', () => {
    client();
    expect(server.requests).toHaveLength(0);
  });
});
