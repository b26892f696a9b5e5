import {
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  JWT_BEARER_GRANT_TYPE,
  type AuthorizationServer,
  type GrantContext,
  type GrantHandler,
  type PlainRequest,
  type Rfc7523Event,
} from '@rfc7523/core';
import {
  clientClaims,
  clientCredentials,
  formRequest,
  frozenClock,
  grantClaims,
  jwks,
  jwtBearer,
  makeKey,
  makeServer,
  payloadOf,
  sign,
  type TestKey,
} from './support/fixtures.js';

const clock = frozenClock();
const events: Rfc7523Event[] = [];
let server: AuthorizationServer;
let workerKey: TestKey;
let issuerKey: TestKey;
const seen: GrantContext[] = [];

const authorizationCode: GrantHandler = {
  async handle(context) {
    seen.push(context);
    if (context.params.get('code') !== 'good') throw new Error('internal failure with secret detail');
    return context.issueAccessToken({ subject: context.client?.clientId ?? 'nobody', scope: context.requestedScope, clientId: context.client?.clientId });
  },
};
const openGrant: GrantHandler = {
  requireClient: false,
  handle: (context) => context.issueAccessToken({ subject: 'anonymous', scope: [] }),
};

beforeAll(async () => {
  workerKey = await makeKey('ES256', 'w1');
  issuerKey = await makeKey('ES256', 'i1');
  server = await makeServer({
    now: clock.now,
    onEvent: (e) => events.push(e),
    grants: { authorization_code: authorizationCode, 'urn:example:open': openGrant },
    clients: [{ client_id: 'worker', jwks: jwks(workerKey), grant_types: ['client_credentials', 'authorization_code', JWT_BEARER_GRANT_TYPE], scope: 'a b' }],
    trustedIssuers: [{ issuer: 'ci', jwks: jwks(issuerKey), allow_any_subject: true, scope: 'a' }],
  });
});

const clientAssertion = () => sign(workerKey, clientClaims(clock, 'worker'));
const auth = async () => ({ client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: await clientAssertion() });
const rejection = (req: PlainRequest) => server.exchange(req).then(
  () => {
    throw new Error('expected a rejection');
  },
  (err: { error: string; status: number; reason: string }) => ({ error: err.error, status: err.status, reason: err.reason }),
);

describe('R0 order of checks', () => {
  it('R0 method first: a GET with everything else wrong is 405', async () => {
    const req = { method: 'GET', headers: { 'content-type': 'application/json' }, body: 'grant_type=x&grant_type=y' };
    expect(await rejection(req)).toEqual({ error: 'invalid_request', status: 405, reason: 'method_not_allowed' });
  });

  it('R0 body type before repeated parameters', async () => {
    const req = { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'grant_type=x&grant_type=y' };
    expect(await rejection(req)).toEqual({ error: 'invalid_request', status: 400, reason: 'unsupported_content_type' });
  });

  it('R0 repeated parameters before grant_type', async () => {
    expect(await rejection(formRequest('assertion=a&assertion=b'))).toEqual({ error: 'invalid_request', status: 400, reason: 'repeated_parameter' });
  });

  it('R0 a missing grant_type is invalid_request', async () => {
    expect(await rejection(formRequest({ assertion: 'x' }))).toEqual({ error: 'invalid_request', status: 400, reason: 'missing_grant_type' });
    expect(await rejection(formRequest({ grant_type: '' }))).toEqual({ error: 'invalid_request', status: 400, reason: 'missing_grant_type' });
  });

  it('R0 no credentials and an unknown grant_type gives unsupported_grant_type', async () => {
    expect(await rejection(formRequest({ grant_type: 'password', username: 'u', password: 'p' }))).toEqual({
      error: 'unsupported_grant_type',
      status: 400,
      reason: 'unsupported_grant_type',
    });
  });

  it('R0 an unknown grant_type is reported before a bad client assertion', async () => {
    const req = formRequest({ grant_type: 'password', client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: 'garbage' });
    expect(await rejection(req)).toEqual({ error: 'unsupported_grant_type', status: 400, reason: 'unsupported_grant_type' });
  });

  it('R0 the client-authentication shape (R4-R6) before the client assertion', async () => {
    const req = formRequest({ grant_type: 'client_credentials', client_assertion: 'garbage' });
    expect(await rejection(req)).toEqual({ error: 'invalid_request', status: 400, reason: 'missing_client_assertion_type' });
    const both = formRequest({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: 'garbage', client_secret: 's' });
    expect(await rejection(both)).toEqual({ error: 'invalid_request', status: 400, reason: 'multiple_client_auth' });
  });

  it('R0 client authentication before the grant: a bad client assertion is invalid_client whatever the grant', async () => {
    const req = jwtBearer('', { client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: 'garbage' });
    expect(await rejection(req)).toEqual({ error: 'invalid_client', status: 401, reason: 'malformed_jwt' });
  });

  it('R0 R9 the client grant_types are checked before the grant itself', async () => {
    const other = await makeServer({
      now: clock.now,
      clients: [{ client_id: 'worker', jwks: jwks(workerKey) }],
      trustedIssuers: [{ issuer: 'ci', jwks: jwks(issuerKey), allow_any_subject: true }],
    });
    const req = jwtBearer('garbage', await auth());
    await expect(other.exchange(req)).rejects.toMatchObject({ error: 'unauthorized_client', status: 400, reason: 'grant_not_allowed' });
  });
});

describe('R1 grant_type', () => {
  it('R1 grant_type must equal the URN exactly', async () => {
    const token = await sign(issuerKey, grantClaims(clock, 'ci', 'alice'));
    for (const grant_type of [JWT_BEARER_GRANT_TYPE.toUpperCase(), `${JWT_BEARER_GRANT_TYPE} `, 'urn:ietf:params:oauth:grant-type:jwt_bearer', 'jwt-bearer', 'Client_Credentials']) {
      expect(await rejection(formRequest({ grant_type, assertion: token }))).toEqual({ error: 'unsupported_grant_type', status: 400, reason: 'unsupported_grant_type' });
    }
    await expect(server.exchange(formRequest({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: token }))).resolves.toBeDefined();
  });

  it('R1 does not resolve grant types through the prototype chain', async () => {
    for (const grant_type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      expect(await rejection(formRequest({ grant_type }))).toEqual({ error: 'unsupported_grant_type', status: 400, reason: 'unsupported_grant_type' });
    }
  });
});

describe('R7 R8 request shape', () => {
  it('R7 ignores unknown parameters', async () => {
    await expect(server.exchange(clientCredentials(await clientAssertion(), { foo: 'bar', resource: 'https://rs', audience: 'x' }))).resolves.toMatchObject({
      token_type: 'Bearer',
    });
  });

  it('R7 accepts a body already parsed by a framework, and bytes', async () => {
    const params = { grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: await clientAssertion() };
    await expect(server.exchange({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params })).resolves.toBeDefined();
    const bytes = new TextEncoder().encode(new URLSearchParams({ ...params, client_assertion: await clientAssertion() }).toString());
    await expect(server.exchange({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8' }, body: bytes })).resolves.toBeDefined();
  });

  it('R7 refuses a JSON body with invalid_request, never 500', async () => {
    const res = await server.handleTokenRequest({ method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' });
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('R7 answers a wrong method with 405 and Allow: POST', async () => {
    const res = await server.handleTokenRequest({ method: 'GET', headers: {} });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.body.error).toBe('invalid_request');
  });

  it('R8 refuses a body over the limit with 413', async () => {
    const res = await server.handleTokenRequest(formRequest({ grant_type: 'client_credentials', pad: 'x'.repeat(65_536) }));
    expect(res).toMatchObject({ status: 413, body: { error: 'invalid_request' } });
    expect(server.maxBodyLength).toBe(65_536);
  });

  it('R8 the body limit is configurable', async () => {
    const small = await makeServer({ now: clock.now, maxBodyLength: 2048 });
    expect(small.maxBodyLength).toBe(2048);
    await expect(small.exchange(formRequest({ grant_type: 'client_credentials', pad: 'x'.repeat(2048) }))).rejects.toMatchObject({ status: 413, reason: 'body_too_large' });
  });
});

describe('P1 P2 HTTP responses (handleTokenRequest)', () => {
  it('P1 success is 200 JSON with access_token, token_type Bearer, expires_in, scope, no-store and no-cache', async () => {
    const res = await server.handleTokenRequest(clientCredentials(await clientAssertion(), { scope: 'a' }));
    expect(res.status).toBe(200);
    expect(res.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', pragma: 'no-cache' });
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 300, scope: 'a' });
  });

  it('P2 an error is JSON {error, error_description} with no-store and no-cache', async () => {
    const res = await server.handleTokenRequest(formRequest({ grant_type: 'password' }));
    expect(res.status).toBe(400);
    expect(res.headers).toEqual({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', pragma: 'no-cache' });
    expect(res.body).toEqual({ error: 'unsupported_grant_type', error_description: expect.any(String) });
  });

  it('P2 invalid_client is 401 without WWW-Authenticate when the Authorization header was not used', async () => {
    const token = await sign(workerKey, clientClaims(clock, 'worker', { aud: 'https://elsewhere' }));
    const res = await server.handleTokenRequest(clientCredentials(token));
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers['www-authenticate']).toBeUndefined();
    const none = await server.handleTokenRequest(formRequest({ grant_type: 'client_credentials' }));
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toBeUndefined();
  });

  it('P2 invalid_grant is 400', async () => {
    const res = await server.handleTokenRequest(jwtBearer('a.b.c'));
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('P2 error_description is general, and never carries the precise reason, a library message or token content', async () => {
    const forged = `${(await sign(workerKey, clientClaims(clock, 'worker'))).slice(0, -4)}AAAA`;
    const res = await server.handleTokenRequest(clientCredentials(forged));
    expect(res.body).toEqual({ error: 'invalid_client', error_description: 'client authentication failed' });
    const typ = await server.handleTokenRequest(jwtBearer(await sign(issuerKey, grantClaims(clock, 'ci', 'a'), { typ: 'evil"\\\n+jwt' })));
    expect(typ.body).toEqual({ error: 'invalid_grant', error_description: 'the assertion is not valid' });
  });

  it('P2 every error_description uses only %x20-21 / %x23-5B / %x5D-7E', async () => {
    const requests: PlainRequest[] = [
      { method: 'GET', headers: {} },
      formRequest({}),
      formRequest('a=1&a=2'),
      formRequest({ grant_type: `x"\\\n` }),
      formRequest({ ['"\\\n'.repeat(10)]: '1', grant_type: 'client_credentials' }),
      jwtBearer('x.y.z'),
    ];
    for (const req of requests) {
      const res = await server.handleTokenRequest(req);
      expect(res.body.error_description).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/);
    }
  });

  it('P2 anything that is not an OAuthError becomes 500 server_error without detail', async () => {
    const res = await server.handleTokenRequest(formRequest({ grant_type: 'authorization_code', code: 'bad', ...(await auth()) }));
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'server_error' });
    expect(JSON.stringify(res)).not.toContain('secret');
    expect(events.at(-1)).toEqual({ type: 'request.failed', error: 'server_error', reason: 'server_error', detail: 'internal failure with secret detail' });
  });

  it('errorResponse reports OAuth and other errors as request.failed events', () => {
    expect(server.errorResponse('a string').status).toBe(500);
    expect(events.at(-1)).toEqual({ type: 'request.failed', error: 'server_error', reason: 'server_error', detail: 'a string' });
  });
});

describe('extra grant types reuse client authentication', () => {
  it('passes the authenticated client, parameters and requested scope to the handler', async () => {
    const body = await server.exchange(formRequest({ grant_type: 'authorization_code', code: 'good', scope: 'b', ...(await auth()) }));
    const context = seen.at(-1) as GrantContext;
    expect(context.grantType).toBe('authorization_code');
    expect(context.client?.clientId).toBe('worker');
    expect(context.params.get('code')).toBe('good');
    expect(context.requestedScope).toEqual(['b']);
    expect(payloadOf(body.access_token)).toMatchObject({ sub: 'worker', client_id: 'worker', scope: 'b' });
    expect(events).toContainEqual({ type: 'token.issued', grantType: 'authorization_code', subject: 'worker', clientId: 'worker', scope: 'b' });
  });

  it('requires client authentication by default', async () => {
    await expect(server.exchange(formRequest({ grant_type: 'authorization_code', code: 'good' }))).rejects.toMatchObject({
      error: 'invalid_client',
      reason: 'client_auth_required',
    });
  });

  it('R9 applies the client grant_types to extra grants', async () => {
    const other = await makeServer({ now: clock.now, grants: { authorization_code: authorizationCode }, clients: [{ client_id: 'worker', jwks: jwks(workerKey) }] });
    await expect(other.exchange(formRequest({ grant_type: 'authorization_code', code: 'good', ...(await auth()) }))).rejects.toMatchObject({
      error: 'unauthorized_client',
    });
  });

  it('a handler with requireClient false runs without a client', async () => {
    const body = await server.exchange(formRequest({ grant_type: 'urn:example:open' }));
    expect(payloadOf(body.access_token)).toMatchObject({ sub: 'anonymous' });
    expect(payloadOf(body.access_token).client_id).toBeUndefined();
    expect(events.at(-1)).toEqual({ type: 'token.issued', grantType: 'urn:example:open', subject: 'anonymous', scope: '' });
  });

  it('lists extra grant types in the metadata', () => {
    expect(server.metadata.grant_types_supported).toEqual([JWT_BEARER_GRANT_TYPE, 'client_credentials', 'authorization_code', 'urn:example:open']);
  });
});

describe('the server object', () => {
  it('is frozen, with the issuer, token endpoint and JWKS', () => {
    expect(Object.isFrozen(server)).toBe(true);
    expect(server.issuer).toBe('https://as.example.com');
    expect(server.tokenEndpoint).toBe('https://as.example.com/token');
    expect(server.jwks.keys).toHaveLength(1);
  });

  it('never emits a token in events (sanity check over everything this file did)', () => {
    const text = JSON.stringify(events);
    expect(events.length).toBeGreaterThan(10);
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
  });
});
