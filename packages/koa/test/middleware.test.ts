import Koa from 'koa';
import { Router } from '@koa/router';
import request from 'supertest';
import {
  authenticateClient,
  JWT_BEARER_GRANT_TYPE,
  requireAccessToken,
  tokenEndpoint,
  verifyJwtBearerGrant,
} from '@rfc7523/koa';
import { clientAuth, expectOAuthError, form, FORM, GRANT_ISSUER, listen, makeFixture, SUBJECT, type Fixture, type Listening } from './support/fixture.js';

let fx: Fixture;
let http: Listening;
const koaErrors: unknown[] = [];

beforeAll(async () => {
  fx = await makeFixture();
  const app = new Koa();
  app.on('error', (err: unknown) => koaErrors.push(err));
  const router = new Router();
  router.post('/token', tokenEndpoint(fx.server));
  router.post('/introspect', authenticateClient(fx.server), async (ctx) => {
    ctx.body = { clientId: ctx.state.oauthClient?.clientId };
  });
  router.post('/own-token', verifyJwtBearerGrant(fx.server), async (ctx) => {
    const grant = ctx.state.oauthGrant!;
    ctx.body = { issuer: grant.issuer, subject: grant.subject, scope: grant.scope, clientId: ctx.state.oauthClient?.clientId ?? null };
  });
  router.get('/read', requireAccessToken(fx.server), async (ctx) => {
    ctx.body = { sub: ctx.state.accessToken?.sub, scope: ctx.state.accessToken?.scope };
  });
  router.get('/admin', requireAccessToken(fx.server, { scopes: ['read', 'admin'] }), async (ctx) => {
    ctx.body = { reached: true };
  });
  router.get(
    '/typed-earlier',
    async (ctx, next) => {
      ctx.type = 'text/html';
      ctx.set('cache-control', 'public, max-age=60');
      await next();
    },
    requireAccessToken(fx.server),
    async (ctx) => {
      ctx.body = '<p>never</p>';
    },
  );
  app.use(router.routes());
  http = await listen(app);
});

afterAll(() => http.close());

afterEach(() => {
  expect(koaErrors).toEqual([]);
});

const post = (path: string, fields: Record<string, string>) => request(http.url).post(path).set('content-type', FORM).send(form(fields));

async function accessToken(): Promise<string> {
  const res = await post('/token', { grant_type: 'client_credentials', ...clientAuth(await fx.clientAssertion()) });
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

describe('tokenEndpoint', () => {
  test('answers the token request itself, on a route of your own (RFC 6749 §3.2)', async () => {
    const res = await post('/token', { grant_type: JWT_BEARER_GRANT_TYPE, assertion: await fx.grantAssertion() });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'deploy' });
  });
});

describe('authenticateClient', () => {
  test('puts the authenticated client on ctx.state.oauthClient (RFC 7523 §2.2)', async () => {
    const res = await post('/introspect', { token: 'abc', ...clientAuth(await fx.clientAssertion()) });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ clientId: 'worker' });
  });

  test('refuses a request without client authentication with 401 invalid_client and does not call next (RFC 6749 §5.2)', async () => {
    const res = await post('/introspect', { token: 'abc' });
    expectOAuthError(res, 401, 'invalid_client');
    expect(res.body.clientId).toBeUndefined();
  });

  test('refuses a replayed client assertion with 401 invalid_client (RFC 7523 §3 item 7)', async () => {
    const fields = { token: 'abc', ...clientAuth(await fx.clientAssertion()) };
    expect((await post('/introspect', fields)).status).toBe(200);
    expectOAuthError(await post('/introspect', fields), 401, 'invalid_client');
  });
});

describe('verifyJwtBearerGrant', () => {
  test('puts the verified grant on ctx.state.oauthGrant, with no client when none authenticated (RFC 7523 §2.1)', async () => {
    const res = await post('/own-token', { grant_type: JWT_BEARER_GRANT_TYPE, assertion: await fx.grantAssertion() });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ issuer: GRANT_ISSUER, subject: SUBJECT, scope: ['deploy'], clientId: null });
  });

  test('puts the client on ctx.state.oauthClient when one authenticated alongside the grant (RFC 7523 §3.1)', async () => {
    const res = await post('/own-token', {
      grant_type: JWT_BEARER_GRANT_TYPE,
      assertion: await fx.grantAssertion(),
      ...clientAuth(await fx.clientAssertion()),
    });
    expect(res.status).toBe(200);
    expect(res.body.clientId).toBe('worker');
  });

  test('refuses a replayed grant assertion with 400 invalid_grant (RFC 7523 §3.1)', async () => {
    const fields = { grant_type: JWT_BEARER_GRANT_TYPE, assertion: await fx.grantAssertion() };
    expect((await post('/own-token', fields)).status).toBe(200);
    expectOAuthError(await post('/own-token', fields), 400, 'invalid_grant');
  });

  test('refuses another grant_type with 400 unsupported_grant_type (RFC 6749 §5.2)', async () => {
    expectOAuthError(await post('/own-token', { grant_type: 'client_credentials' }), 400, 'unsupported_grant_type');
  });
});

describe('requireAccessToken', () => {
  test('puts the access-token claims on ctx.state.accessToken (RFC 9068 §2.2)', async () => {
    const res = await request(http.url).get('/read').set('authorization', `Bearer ${await accessToken()}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ sub: 'worker', scope: 'read write' });
  });

  test('refuses a request without a token with 401 and bare Bearer and DPoP challenges (RFC 6750 §3.1, RFC 9449 §7.2)', async () => {
    const res = await request(http.url).get('/read');
    expectOAuthError(res, 401, 'invalid_token');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer, DPoP algs="ES256 [^"]*"$/);
  });

  test('refuses an invalid token with 401 and a Bearer invalid_token challenge (RFC 6750 §3.1)', async () => {
    const res = await request(http.url).get('/read').set('authorization', 'Bearer not.a.token');
    expectOAuthError(res, 401, 'invalid_token');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
  });

  test('refuses a token without every required scope with 403 insufficient_scope naming the scope (RFC 6750 §3.1)', async () => {
    const res = await request(http.url).get('/admin').set('authorization', `Bearer ${await accessToken()}`);
    expectOAuthError(res, 403, 'insufficient_scope');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope", .*scope="read admin"$/);
  });

  test('answers with application/json; charset=utf-8 and no-store whatever an earlier middleware set', async () => {
    const res = await request(http.url).get('/typed-earlier');
    expectOAuthError(res, 401, 'invalid_token');
    expect(res.text).not.toContain('never');
  });
});
