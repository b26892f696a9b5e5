import type { FastifyInstance } from 'fastify';
import {
  authenticateClient,
  fastifyRfc7523,
  JWT_BEARER_GRANT_TYPE,
  requireAccessToken,
  verifyJwtBearerGrant,
} from '@rfc7523/fastify';
import { app, clientAuth, expectOAuthError, form, GRANT_ISSUER, makeFixture, postForm, SUBJECT, type Fixture } from './support/fixture.js';
import { inject } from './support/inject.js';

let fx: Fixture;
let fastify: FastifyInstance;
const reached: string[] = [];

beforeAll(async () => {
  fx = await makeFixture();
  fastify = app();
  await fastify.register(fastifyRfc7523, { server: fx.server });
  fastify.post('/introspect', { preHandler: authenticateClient(fx.server) }, async (request) => {
    reached.push('introspect');
    return { clientId: request.oauthClient?.clientId, token: (request.body as { token?: string }).token };
  });
  fastify.post('/own-token', { preHandler: verifyJwtBearerGrant(fastify.authorizationServer) }, async (request) => {
    const grant = request.oauthGrant!;
    return { issuer: grant.issuer, subject: grant.subject, scope: grant.scope, clientId: request.oauthClient?.clientId ?? null };
  });
  fastify.get('/read', { preHandler: requireAccessToken(fx.server) }, async (request) => {
    return { sub: request.accessToken?.sub, scope: request.accessToken?.scope };
  });
  fastify.get('/admin', { preHandler: requireAccessToken(fx.server, { scopes: ['read', 'admin'] }) }, async () => ({ reached: true }));
  fastify.get(
    '/typed-earlier',
    {
      onRequest: async (_request, reply) => {
        reply.type('text/html').header('cache-control', 'public, max-age=60');
      },
      preHandler: requireAccessToken(fx.server),
    },
    async () => '<p>never</p>',
  );
  fastify.get('/plain', async (request) => ({ client: request.oauthClient, grant: request.oauthGrant, token: request.accessToken }));
  await fastify.ready();
});

afterAll(() => fastify.close());

beforeEach(() => {
  reached.length = 0;
});

async function accessToken(): Promise<string> {
  const res = await postForm(fastify, '/token', form({ grant_type: 'client_credentials', ...clientAuth(await fx.clientAssertion()) }));
  expect(res.statusCode).toBe(200);
  return res.json().access_token as string;
}

const get = (url: string, token?: string) => inject(fastify, { method: 'GET', url, headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

describe('request decorators', () => {
  test('are null on a route no hook ran for', async () => {
    expect((await get('/plain')).json()).toEqual({ client: null, grant: null, token: null });
  });
});

describe('authenticateClient', () => {
  test('sets request.oauthClient and leaves the form fields on request.body for the handler (RFC 7523 §2.2, RFC 7662 §2.1)', async () => {
    const res = await postForm(fastify, '/introspect', form({ token: 'abc', ...clientAuth(await fx.clientAssertion()) }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ clientId: 'worker', token: 'abc' });
  });

  test('refuses a request without client authentication with 401 invalid_client; the handler never runs (RFC 6749 §5.2)', async () => {
    const res = await postForm(fastify, '/introspect', form({ token: 'abc' }));
    expectOAuthError(res, 401, 'invalid_client');
    expect(reached).toEqual([]);
  });

  test('refuses a replayed client assertion with 401 invalid_client (RFC 7523 §3 item 7)', async () => {
    const body = form({ token: 'abc', ...clientAuth(await fx.clientAssertion()) });
    expect((await postForm(fastify, '/introspect', body)).statusCode).toBe(200);
    expectOAuthError(await postForm(fastify, '/introspect', body), 401, 'invalid_client');
  });

  test('refuses a form over maxBodyLength on your route with 413 invalid_request JSON, from the plugin form parser (rule R8)', async () => {
    const res = await postForm(fastify, '/introspect', form({ token: 'x'.repeat(5000) }));
    expectOAuthError(res, 413, 'invalid_request');
    expect(reached).toEqual([]);
  });

  test('refuses a JSON body with 400 invalid_request (rule R7)', async () => {
    const res = await inject(fastify, { method: 'POST', url: '/introspect', headers: { 'content-type': 'application/json' }, payload: '{"token":"abc"}' });
    expectOAuthError(res, 400, 'invalid_request');
  });
});

describe('verifyJwtBearerGrant', () => {
  test('sets request.oauthGrant, with no client when none authenticated (RFC 7523 §2.1)', async () => {
    const res = await postForm(fastify, '/own-token', form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await fx.grantAssertion() }));
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ issuer: GRANT_ISSUER, subject: SUBJECT, scope: ['deploy'], clientId: null });
  });

  test('sets request.oauthClient when a client authenticated alongside the grant (RFC 7523 §3.1)', async () => {
    const res = await postForm(
      fastify,
      '/own-token',
      form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await fx.grantAssertion(), ...clientAuth(await fx.clientAssertion()) }),
    );
    expect(res.json().clientId).toBe('worker');
  });

  test('refuses a replayed grant assertion with 400 invalid_grant (RFC 7523 §3.1)', async () => {
    const body = form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await fx.grantAssertion() });
    expect((await postForm(fastify, '/own-token', body)).statusCode).toBe(200);
    expectOAuthError(await postForm(fastify, '/own-token', body), 400, 'invalid_grant');
  });

  test('refuses another grant_type with 400 unsupported_grant_type (RFC 6749 §5.2)', async () => {
    expectOAuthError(await postForm(fastify, '/own-token', 'grant_type=client_credentials'), 400, 'unsupported_grant_type');
  });
});

describe('requireAccessToken', () => {
  test('sets request.accessToken to the claims (RFC 9068 §2.2)', async () => {
    const res = await get('/read', await accessToken());
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ sub: 'worker', scope: 'read write' });
  });

  test('refuses a request without a token with 401 and bare Bearer and DPoP challenges (RFC 6750 §3.1, RFC 9449 §7.2)', async () => {
    const res = await get('/read');
    expectOAuthError(res, 401, 'invalid_token');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer, DPoP algs="ES256 [^"]*"$/);
  });

  test('refuses an invalid token with 401 and a Bearer invalid_token challenge (RFC 6750 §3.1)', async () => {
    const res = await get('/read', 'not.a.token');
    expectOAuthError(res, 401, 'invalid_token');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
  });

  test('refuses a token without every required scope with 403 insufficient_scope naming the scope (RFC 6750 §3.1)', async () => {
    const res = await get('/admin', await accessToken());
    expectOAuthError(res, 403, 'insufficient_scope');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="insufficient_scope", .*scope="read admin"$/);
  });

  test('answers with application/json; charset=utf-8 and no-store whatever an earlier hook set', async () => {
    const res = await get('/typed-earlier');
    expectOAuthError(res, 401, 'invalid_token');
    expect(res.body).not.toContain('never');
  });
});
