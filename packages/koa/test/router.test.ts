import Koa from 'koa';
import request from 'supertest';
import { authorizationServerRouter, createAuthorizationServer } from '@rfc7523/koa';
import { clientAuth, expectOAuthError, form, FORM, ISSUER, listen, makeFixture, type Fixture, type Listening } from './support/fixture.js';

let fx: Fixture;
let app: Koa;
let http: Listening;
const koaErrors: unknown[] = [];

beforeAll(async () => {
  fx = await makeFixture();
  app = new Koa();
  // No oauthErrors(): every refusal must be answered by the adapter itself.
  app.on('error', (err: unknown) => koaErrors.push(err));
  app.use(authorizationServerRouter(fx.server).routes());
  app.use(async function fallThrough(ctx) {
    ctx.status = 404;
    ctx.body = { reached: 'next' };
  });
  http = await listen(app);
});

afterAll(() => http.close());

afterEach(() => {
  expect(koaErrors).toEqual([]);
});

const postToken = (body: string, type = FORM) => request(http.url).post('/token').set('content-type', type).send(body);

describe('authorizationServerRouter', () => {
  test('issues an access token for client_credentials with a private_key_jwt client assertion (RFC 7523 §2.2, RFC 6749 §5.1)', async () => {
    const res = await postToken(form({ grant_type: 'client_credentials', ...clientAuth(await fx.clientAssertion()) }));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.body).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 300, scope: 'read write' });
  });

  test('refuses a replayed client assertion with 401 invalid_client (RFC 7523 §3 item 7)', async () => {
    const body = form({ grant_type: 'client_credentials', ...clientAuth(await fx.clientAssertion()) });
    expect((await postToken(body)).status).toBe(200);
    expectOAuthError(await postToken(body), 401, 'invalid_client');
  });

  test('answers a wrong method at the token path with 405 invalid_request JSON and Allow: POST (rule R7)', async () => {
    for (const res of [await request(http.url).get('/token'), await request(http.url).put('/token').type('form').send('a=b')]) {
      expectOAuthError(res, 405, 'invalid_request');
      expect(res.headers.allow).toBe('POST');
    }
  });

  test('refuses a body that is not application/x-www-form-urlencoded with 400 invalid_request JSON (rule R7)', async () => {
    expectOAuthError(await postToken('{"grant_type":"client_credentials"}', 'application/json'), 400, 'invalid_request');
  });

  test('refuses a body over maxBodyLength with 413 invalid_request JSON before any crypto (rule R8)', async () => {
    const res = await postToken(form({ grant_type: 'client_credentials', client_assertion: 'x'.repeat(5000) }));
    expectOAuthError(res, 413, 'invalid_request');
    expect(res.body.error_description).toBe('the request body is too large');
  });

  test('refuses an unknown grant_type with 400 unsupported_grant_type (RFC 6749 §5.2)', async () => {
    expectOAuthError(await postToken('grant_type=password'), 400, 'unsupported_grant_type');
  });

  test('serves the RFC 8414 metadata and the JWKS as cacheable JSON', async () => {
    const metadata = await request(http.url).get('/.well-known/oauth-authorization-server');
    expect(metadata.status).toBe(200);
    expect(metadata.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(metadata.headers['cache-control']).toBe('public, max-age=300');
    expect(metadata.body).toMatchObject({ issuer: ISSUER, token_endpoint: `${ISSUER}/token`, jwks_uri: `${ISSUER}/jwks` });
    const jwks = await request(http.url).get('/jwks');
    expect(jwks.status).toBe(200);
    expect(jwks.body).toEqual(fx.server.jwks);
  });

  test('passes other paths and methods on to the next middleware', async () => {
    expect((await request(http.url).get('/elsewhere')).body).toEqual({ reached: 'next' });
    expect((await request(http.url).post('/jwks')).body).toEqual({ reached: 'next' });
  });

  test('mounts the endpoints at the paths of an issuer with a path (RFC 8414 §3.1)', async () => {
    const server = await createAuthorizationServer({ issuer: `${ISSUER}/tenant-a` });
    const tenantApp = new Koa();
    tenantApp.use(authorizationServerRouter(server).routes());
    const tenant = await listen(tenantApp);
    try {
      const metadata = await request(tenant.url).get('/.well-known/oauth-authorization-server/tenant-a');
      expect(metadata.body).toMatchObject({ issuer: `${ISSUER}/tenant-a`, token_endpoint: `${ISSUER}/tenant-a/token` });
      expect((await request(tenant.url).get('/tenant-a/jwks')).status).toBe(200);
      expectOAuthError(await request(tenant.url).get('/tenant-a/token'), 405, 'invalid_request');
    } finally {
      await tenant.close();
    }
  });
});
