import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { createAuthorizationServer, fastifyRfc7523 } from '@rfc7523/fastify';
import { app, clientAuth, expectOAuthError, form, FORM, ISSUER, makeFixture, postForm, type Fixture } from './support/fixture.js';
import { inject } from './support/inject.js';

let fx: Fixture;
let fastify: FastifyInstance;

beforeAll(async () => {
  fx = await makeFixture();
  fastify = app();
  await fastify.register(fastifyRfc7523, { server: fx.server });
  await fastify.ready();
});

afterAll(() => fastify.close());

const postToken = (body: string, type = FORM) => inject(fastify, { method: 'POST', url: '/token', headers: { 'content-type': type }, payload: body });

describe('the routes of fastifyRfc7523', () => {
  test('issue an access token for client_credentials with a private_key_jwt client assertion (RFC 7523 §2.2, RFC 6749 §5.1)', async () => {
    const res = await postToken(form({ grant_type: 'client_credentials', ...clientAuth(await fx.clientAssertion()) }));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers.pragma).toBe('no-cache');
    expect(res.json()).toEqual({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 300, scope: 'read write' });
  });

  test('refuse a replayed client assertion with 401 invalid_client (RFC 7523 §3 item 7)', async () => {
    const body = form({ grant_type: 'client_credentials', ...clientAuth(await fx.clientAssertion()) });
    expect((await postToken(body)).statusCode).toBe(200);
    expectOAuthError(await postToken(body), 401, 'invalid_client');
  });

  test('refuse a repeated parameter with 400 invalid_request: the engine reads the raw form (RFC 6749 §3.2, rule R3)', async () => {
    const res = await postToken(`grant_type=client_credentials&grant_type=client_credentials&${form(clientAuth(await fx.clientAssertion()))}`);
    expectOAuthError(res, 400, 'invalid_request');
    expect(res.json().error_description).toBe('parameter grant_type must not be repeated');
  });

  test.each(['GET', 'PUT', 'DELETE', 'PATCH'] as const)('answer %s at the token path with 405 invalid_request JSON and Allow: POST (rule R7)', async (method) => {
    const res = await inject(fastify, { method, url: '/token', ...(method === 'GET' || method === 'DELETE' ? {} : { headers: { 'content-type': FORM }, payload: 'a=b' }) });
    expectOAuthError(res, 405, 'invalid_request');
    expect(res.headers.allow).toBe('POST');
  });

  test.each([
    ['application/json', '{"grant_type":"client_credentials"}'],
    ['application/xml', '<grant_type>client_credentials</grant_type>'],
    ['text/plain', 'grant_type=client_credentials'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="grant_type"\r\n\r\nclient_credentials\r\n--x--'],
  ])('refuse a %s body with 400 invalid_request JSON, not Fastify 415 (rule R7)', async (type, body) => {
    const res = await postToken(body, type);
    expectOAuthError(res, 400, 'invalid_request');
    expect(res.json().error_description).toBe('the body must be application/x-www-form-urlencoded');
  });

  test('refuse malformed JSON as the wrong body type, not with a JSON parse error (rule R7)', async () => {
    const res = await postToken('{"grant_type":', 'application/json');
    expectOAuthError(res, 400, 'invalid_request');
    expect(res.body).not.toContain('JSON');
  });

  test('refuse a body declared over maxBodyLength with 413 invalid_request JSON before any crypto, closing the connection (rule R8)', async () => {
    const res = await postToken(form({ grant_type: 'client_credentials', client_assertion: 'x'.repeat(5000) }));
    expectOAuthError(res, 413, 'invalid_request');
    expect(res.json().error_description).toBe('the request body is too large');
    expect(res.headers.connection).toBe('close');
  });

  test('refuse a body without content-length once it passes maxBodyLength, with 413 (rule R8)', async () => {
    const chunks = function* () {
      for (let i = 0; i < 100; i++) {
        yield Buffer.from(`${i === 0 ? 'grant_type=client_credentials&pad=' : ''}${'x'.repeat(i === 0 ? 990 : 1024)}`);
      }
    };
    const res = await inject(fastify, { method: 'POST', url: '/token', headers: { 'content-type': FORM }, payload: Readable.from(chunks()) });
    expectOAuthError(res, 413, 'invalid_request');
  });

  test('accept a body of exactly maxBodyLength bytes (rule R8 boundary)', async () => {
    const base = form({ grant_type: 'password', pad: '' });
    const res = await postToken(base + 'x'.repeat(4096 - base.length));
    expectOAuthError(res, 400, 'unsupported_grant_type');
  });

  test('refuse an unknown grant_type with 400 unsupported_grant_type (RFC 6749 §5.2)', async () => {
    expectOAuthError(await postToken('grant_type=password'), 400, 'unsupported_grant_type');
  });

  test('serve the RFC 8414 metadata and the JWKS as cacheable JSON', async () => {
    const metadata = await inject(fastify, { method: 'GET', url: '/.well-known/oauth-authorization-server' });
    expect(metadata.statusCode).toBe(200);
    expect(metadata.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(metadata.headers['cache-control']).toBe('public, max-age=300');
    expect(metadata.json()).toMatchObject({ issuer: ISSUER, token_endpoint: `${ISSUER}/token`, jwks_uri: `${ISSUER}/jwks` });
    const jwks = await inject(fastify, { method: 'GET', url: '/jwks' });
    expect(jwks.statusCode).toBe(200);
    expect(jwks.json()).toEqual(JSON.parse(JSON.stringify(fx.server.jwks)));
  });

  test('leave other paths to Fastify', async () => {
    expect((await inject(fastify, { method: 'GET', url: '/elsewhere' })).statusCode).toBe(404);
    expect((await inject(fastify, { method: 'POST', url: '/jwks' })).statusCode).toBe(404);
  });

  test('mount the endpoints at the paths of an issuer with a path (RFC 8414 §3.1)', async () => {
    const server = await createAuthorizationServer({ issuer: `${ISSUER}/tenant-a` });
    const tenant = app();
    await tenant.register(fastifyRfc7523, { server });
    try {
      const metadata = await inject(tenant, { method: 'GET', url: '/.well-known/oauth-authorization-server/tenant-a' });
      expect(metadata.json()).toMatchObject({ issuer: `${ISSUER}/tenant-a`, token_endpoint: `${ISSUER}/tenant-a/token` });
      expect((await inject(tenant, { method: 'GET', url: '/tenant-a/jwks' })).statusCode).toBe(200);
      expectOAuthError(await inject(tenant, { method: 'GET', url: '/tenant-a/token' }), 405, 'invalid_request');
    } finally {
      await tenant.close();
    }
  });

  test('are left out with routes: false', async () => {
    const bare = app();
    await bare.register(fastifyRfc7523, { server: fx.server, routes: false });
    try {
      expect((await postForm(bare, '/token', 'grant_type=client_credentials')).statusCode).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
