import querystring from 'node:querystring';
import { fastifyRfc7523, InsufficientScopeError, OAUTH_ERROR_MARK, type AuthorizationServer, type Rfc7523Event } from '@rfc7523/fastify';
import { authenticateClient, createAuthorizationServer } from '@rfc7523/fastify';
import { app, clientAuth, expectOAuthError, FORM, form, ISSUER, makeFixture, postForm, type Fixture } from './support/fixture.js';
import { inject } from './support/inject.js';

let fx: Fixture;

beforeAll(async () => {
  fx = await makeFixture();
});

describe('fastifyRfc7523 start-up', () => {
  test('refuses a missing server option with a TypeError naming it', async () => {
    const fastify = app();
    await expect(fastify.register(fastifyRfc7523, {} as { server: AuthorizationServer })).rejects.toThrow(/"server" option must be an AuthorizationServer/);
    await fastify.close();
  });

  test.each(['routes', 'formParser', 'errorHandler'])('refuses a %s option that is not a boolean with a TypeError naming it', async (name) => {
    const fastify = app();
    await expect(fastify.register(fastifyRfc7523, { server: fx.server, [name]: 'no' })).rejects.toThrow(`"${name}" option must be a boolean`);
    await fastify.close();
  });

  test('refuses to shadow a form parser registered before it, saying what to do', async () => {
    const fastify = app();
    fastify.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, body, done) => done(null, querystring.parse(body as string)));
    await expect(fastify.register(fastifyRfc7523, { server: fx.server })).rejects.toThrow(/formParser: false/);
    await fastify.close();
  });

  test('decorates the scope it is registered in, not encapsulated (fastify-plugin)', async () => {
    const fastify = app();
    await fastify.register(fastifyRfc7523, { server: fx.server });
    expect(fastify.authorizationServer).toBe(fx.server);
    expect(fastify.hasRequestDecorator('oauthClient')).toBe(true);
    await fastify.close();
  });
});

describe('formParser: false keeps your own form parser', () => {
  test('the engine reads the object it parses, and still refuses a repeated parameter (rule R3)', async () => {
    const fastify = app();
    fastify.addContentTypeParser(FORM, { parseAs: 'string' }, (_request, body, done) => done(null, querystring.parse(body as string)));
    await fastify.register(fastifyRfc7523, { server: fx.server, formParser: false, routes: false });
    fastify.post('/introspect', { preHandler: authenticateClient(fx.server) }, async (request) => ({ clientId: request.oauthClient?.clientId }));
    try {
      const assertion = await fx.clientAssertion();
      expect((await postForm(fastify, '/introspect', form(clientAuth(assertion)))).json()).toEqual({ clientId: 'worker' });
      const repeated = await postForm(fastify, '/introspect', `${form(clientAuth(await fx.clientAssertion()))}&client_assertion=x`);
      expectOAuthError(repeated, 400, 'invalid_request');
    } finally {
      await fastify.close();
    }
  });
});

describe('the OAuth error handler', () => {
  test('answers an OAuthError thrown by your handler as RFC 6750 JSON with its challenge', async () => {
    const fastify = app();
    await fastify.register(fastifyRfc7523, { server: fx.server, routes: false });
    fastify.get('/oauth', async () => {
      throw new InsufficientScopeError('admin');
    });
    try {
      const res = await inject(fastify, { method: 'GET', url: '/oauth' });
      expectOAuthError(res, 403, 'insufficient_scope');
      expect(res.headers['www-authenticate']).toContain('scope="admin"');
    } finally {
      await fastify.close();
    }
  });

  test('answers an error your code marked with OAUTH_ERROR_MARK as the OAuth error it describes', async () => {
    const fastify = app();
    await fastify.register(fastifyRfc7523, { server: fx.server, routes: false });
    fastify.get('/marked', async () => {
      throw Object.assign(new Error('tenant 42 is suspended'), {
        [OAUTH_ERROR_MARK]: true,
        error: 'temporarily_unavailable',
        status: 503,
        description: 'try later',
        headers: { 'Retry-After': '30' },
      });
    });
    try {
      const res = await inject(fastify, { method: 'GET', url: '/marked' });
      expectOAuthError(res, 503, 'temporarily_unavailable');
      expect(res.json()).toEqual({ error: 'temporarily_unavailable', error_description: 'try later' });
      expect(res.headers['retry-after']).toBe('30');
      expect(res.body).not.toContain('tenant 42');
    } finally {
      await fastify.close();
    }
  });

  test("leaves any other error to the handler before it, here Fastify's default", async () => {
    const fastify = app();
    await fastify.register(fastifyRfc7523, { server: fx.server, routes: false });
    fastify.get('/bug', async () => {
      throw Object.assign(new Error('teapot'), { statusCode: 418 });
    });
    try {
      const res = await inject(fastify, { method: 'GET', url: '/bug' });
      expect(res.statusCode).toBe(418);
      expect(res.json()).toEqual({ statusCode: 418, error: "I'm a Teapot", message: 'teapot' });
    } finally {
      await fastify.close();
    }
  });

  test('hands errors that are not OAuth errors on to your error handler in a parent context', async () => {
    const fastify = app();
    const seen: unknown[] = [];
    fastify.setErrorHandler((error, _request, reply) => {
      seen.push(error);
      return reply.code(500).send({ mine: true });
    });
    await fastify.register(async (scope) => {
      await scope.register(fastifyRfc7523, { server: fx.server, routes: false });
      scope.get('/bug', async () => {
        throw new Error('db down');
      });
      scope.get('/oauth', async () => {
        throw new InsufficientScopeError('admin');
      });
    });
    try {
      expect((await inject(fastify, { method: 'GET', url: '/bug' })).json()).toEqual({ mine: true });
      expect(seen).toEqual([expect.objectContaining({ message: 'db down' })]);
      expectOAuthError(await inject(fastify, { method: 'GET', url: '/oauth' }), 403, 'insufficient_scope');
      expect(seen).toHaveLength(1);
    } finally {
      await fastify.close();
    }
  });

  test("reports every refusal on the engine's onEvent, with the detail kept out of the response", async () => {
    const events: Rfc7523Event[] = [];
    const server = await createAuthorizationServer({ issuer: ISSUER, maxBodyLength: 1024, onEvent: (e) => events.push(e) });
    const fastify = app();
    await fastify.register(fastifyRfc7523, { server });
    try {
      expectOAuthError(await postForm(fastify, '/token', `grant_type=client_credentials&pad=${'x'.repeat(2000)}`), 413, 'invalid_request');
      expect(events).toEqual([expect.objectContaining({ type: 'request.failed', error: 'invalid_request', reason: 'body_too_large' })]);
    } finally {
      await fastify.close();
    }
  });
});
