import Koa from 'koa';
import { Router } from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import request from 'supertest';
import { authenticateClient, JWT_BEARER_GRANT_TYPE, oauthErrors, verifyJwtBearerGrant } from '@rfc7523/koa';
import { clientAuth, expectOAuthError, form, FORM, listen, makeFixture, type Fixture, type Listening } from './support/fixture.js';
import { formBodyParser } from './support/form-body-parser.js';

let fx: Fixture;

beforeAll(async () => {
  fx = await makeFixture();
});

/** An RFC 7662-style introspection route (reads `token`) and a token route of the app's own (reads `resource`). */
async function start(parser?: Koa.Middleware): Promise<Listening> {
  const app = new Koa();
  app.use(oauthErrors());
  if (parser !== undefined) app.use(parser);
  const router = new Router();
  router.post('/introspect', authenticateClient(fx.server), async (ctx) => {
    ctx.body = { clientId: ctx.state.oauthClient?.clientId, token: (ctx.request as { body?: Record<string, unknown> }).body?.token ?? null };
  });
  router.post('/own-token', verifyJwtBearerGrant(fx.server), async (ctx) => {
    ctx.body = { subject: ctx.state.oauthGrant?.subject, resource: (ctx.request as { body?: Record<string, unknown> }).body?.resource ?? null };
  });
  app.use(router.routes());
  return listen(app);
}

describe('without a body parser, the form stays readable after the middleware', () => {
  let http: Listening;
  beforeAll(async () => {
    http = await start();
  });
  afterAll(() => http.close());

  test('authenticateClient leaves the fields on ctx.request.body: an introspection route reads `token`', async () => {
    const res = await request(http.url)
      .post('/introspect')
      .set('content-type', FORM)
      .send(form({ token: 'opaque-token-1', token_type_hint: 'access_token', ...clientAuth(await fx.clientAssertion()) }));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ clientId: 'worker', token: 'opaque-token-1' });
  });

  test('verifyJwtBearerGrant leaves the fields on ctx.request.body too', async () => {
    const res = await request(http.url)
      .post('/own-token')
      .set('content-type', FORM)
      .send(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await fx.grantAssertion(), resource: 'https://api.example.com' }));
    expect(res.body).toEqual({ subject: 'repo:acme/api:ref:refs/heads/main', resource: 'https://api.example.com' });
  });
});

describe('behind @koa/bodyparser reading JSON only (it leaves {} for a form)', () => {
  let http: Listening;
  beforeAll(async () => {
    http = await start(bodyParser({ enableTypes: ['json'] }));
  });
  afterAll(() => http.close());

  test('the engine reads the form itself and the introspection route still reads `token`', async () => {
    const res = await request(http.url)
      .post('/introspect')
      .set('content-type', FORM)
      .send(form({ token: 'opaque-token-3', ...clientAuth(await fx.clientAssertion()) }));
    expect(res.body).toEqual({ clientId: 'worker', token: 'opaque-token-3' });
  });
});

describe('behind a parser that keeps no text (only ctx.request.body), maxBodyLength still holds (rule R8)', () => {
  let http: Listening;
  beforeAll(async () => {
    http = await start(formBodyParser(100_000));
  });
  afterAll(() => http.close());

  test('a parsed form over maxBodyLength (4096 bytes) is refused with 413', async () => {
    const res = await request(http.url)
      .post('/introspect')
      .set('content-type', FORM)
      .send(form({ token: 'x'.repeat(6000), ...clientAuth(await fx.clientAssertion()) }));
    expectOAuthError(res, 413, 'invalid_request');
    expect(res.body.error_description).toBe('the request body is too large');
  });

  test('a parsed form within maxBodyLength passes, the parser’s body kept', async () => {
    const res = await request(http.url)
      .post('/introspect')
      .set('content-type', FORM)
      .send(form({ token: 'x'.repeat(1000), ...clientAuth(await fx.clientAssertion()) }));
    expect(res.status).toBe(200);
    expect(res.body.token).toHaveLength(1000);
  });
});
