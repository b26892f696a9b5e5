import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import request from 'supertest';
import { authenticateClient, authorizationServerRouter, oauthErrors, tokenEndpoint } from '@rfc7523/koa';
import { clientAuth, expectOAuthError, form, FORM, listen, makeFixture, type Fixture, type Listening } from './support/fixture.js';

/** @koa/bodyparser in front, as apps mount it: its form limit (8 KiB) is above the engine's maxBodyLength (4096 bytes). */
let fx: Fixture;
let http: Listening;
let parsed: unknown[] = [];

beforeAll(async () => {
  fx = await makeFixture();
  const app = new Koa();
  app.use(oauthErrors());
  // A parser told to read JSON on one path whatever the Content-Type says (its `detectJSON` option).
  app.use(bodyParser({ formLimit: '8kb', detectJSON: (ctx) => ctx.path === '/json-token' }));
  app.use(async function recordParsedBody(ctx, next) {
    parsed.push((ctx.request as { body?: unknown }).body);
    await next();
  });
  const router = authorizationServerRouter(fx.server);
  router.post('/json-token', tokenEndpoint(fx.server));
  router.post('/introspect', authenticateClient(fx.server), async (ctx) => {
    ctx.body = { clientId: ctx.state.oauthClient?.clientId, token: (ctx.request.body as Record<string, unknown>).token };
  });
  app.use(router.routes());
  http = await listen(app);
});

afterAll(() => http.close());

beforeEach(() => {
  parsed = [];
});

const post = (path: string, body: string, type = FORM) => request(http.url).post(path).set('content-type', type).send(body);

describe('behind @koa/bodyparser', () => {
  test('the token endpoint answers a form the parser read', async () => {
    const res = await post('/token', form({ grant_type: 'client_credentials', ...clientAuth(await fx.clientAssertion()) }));
    expect(parsed).toEqual([expect.objectContaining({ grant_type: 'client_credentials' })]);
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
  });

  test("an introspection route reads `token` from the parser's ctx.request.body after authenticateClient", async () => {
    const res = await post('/introspect', form({ token: 'abc', ...clientAuth(await fx.clientAssertion()) }));
    expect(res.body).toEqual({ clientId: 'worker', token: 'abc' });
  });

  test('a repeated parameter is refused with 400 invalid_request (RFC 6749 §3.2, rule R3)', async () => {
    const assertion = await fx.clientAssertion();
    const res = await post('/token', `grant_type=client_credentials&grant_type=client_credentials&${form(clientAuth(assertion))}`);
    expect(parsed).toEqual([expect.objectContaining({ grant_type: ['client_credentials', 'client_credentials'] })]);
    expectOAuthError(res, 400, 'invalid_request');
    expect(res.body.error_description).toBe('parameter grant_type must not be repeated');
  });

  test('a form the parser accepted but over maxBodyLength (4096 bytes) is refused with 413 (rule R8)', async () => {
    const res = await post('/token', form({ grant_type: 'client_credentials', ...clientAuth(await fx.clientAssertion()), pad: 'x'.repeat(5000) }));
    expect(parsed).toEqual([expect.objectContaining({ grant_type: 'client_credentials' })]);
    expectOAuthError(res, 413, 'invalid_request');
    expect(res.body.error_description).toBe('the request body is too large');
  });

  test("a form over the parser's own limit gets the parser's 413, answered as invalid_request JSON without its message (rule R8)", async () => {
    const res = await post('/token', form({ grant_type: 'client_credentials', pad: 'x'.repeat(10_000) }));
    expect(parsed).toEqual([]);
    expectOAuthError(res, 413, 'invalid_request');
    expect(res.text).not.toMatch(/entity|8kb|8192/);
  });

  test('JSON sent as application/x-www-form-urlencoded and parsed as JSON is not taken for the form (rule R7)', async () => {
    const json = JSON.stringify({ grant_type: 'client_credentials', ...clientAuth(await fx.clientAssertion()) });
    const res = await post('/json-token', json);
    expect(parsed).toEqual([expect.objectContaining({ grant_type: 'client_credentials' })]);
    expectOAuthError(res, 400, 'invalid_request');
    expect(res.body.access_token).toBeUndefined();
  });

  test("the parser's JSON syntax error (co-body's 400) is answered as invalid_request JSON, without the SyntaxError", async () => {
    const res = await post('/json-token', '{oops');
    expectOAuthError(res, 400, 'invalid_request');
    expect(res.text).not.toMatch(/SyntaxError|oops/);
  });

  test('a JSON body sent as application/json is refused by type (rule R7)', async () => {
    const json = JSON.stringify({ grant_type: 'client_credentials', ...clientAuth(await fx.clientAssertion()) });
    const res = await post('/token', json, 'application/json');
    expectOAuthError(res, 400, 'invalid_request');
    expect(res.body.error_description).toBe('the body must be application/x-www-form-urlencoded');
  });
});
