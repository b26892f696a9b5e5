import Koa from 'koa';
import request from 'supertest';
import { authenticateClient, authorizationServerRouter, oauthErrors } from '@rfc7523/koa';
import { clientAuth, expectOAuthError, form, FORM, listen, makeFixture, type Fixture, type Listening } from './support/fixture.js';
import { formBodyParser } from './support/form-body-parser.js';

let fx: Fixture;
let http: Listening;
let parsed: unknown[] = [];

beforeAll(async () => {
  fx = await makeFixture();
  const app = new Koa();
  app.use(oauthErrors());
  app.use(formBodyParser(2048));
  app.use(async function recordParsedBody(ctx, next) {
    parsed.push((ctx.request as { body?: unknown }).body);
    await next();
  });
  const router = authorizationServerRouter(fx.server);
  router.post('/introspect', authenticateClient(fx.server), async (ctx) => {
    ctx.body = { clientId: ctx.state.oauthClient?.clientId };
  });
  app.use(router.routes());
  http = await listen(app);
});

afterAll(() => http.close());

beforeEach(() => {
  parsed = [];
});

const post = (path: string, body: string) => request(http.url).post(path).set('content-type', FORM).send(body);

describe('a body already parsed by a form body parser', () => {
  test('is used by the token endpoint as it is', async () => {
    const res = await post('/token', form({ grant_type: 'client_credentials', ...clientAuth(await fx.clientAssertion()) }));
    expect(parsed).toEqual([expect.objectContaining({ grant_type: 'client_credentials' })]);
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('Bearer');
  });

  test('is used by authenticateClient as it is', async () => {
    const res = await post('/introspect', form({ token: 'abc', ...clientAuth(await fx.clientAssertion()) }));
    expect(res.body).toEqual({ clientId: 'worker' });
  });

  test('with a repeated parameter (an array) is refused with 400 invalid_request (RFC 6749 §3.2, rule R3)', async () => {
    const assertion = await fx.clientAssertion();
    const res = await post('/token', `grant_type=client_credentials&grant_type=client_credentials&${form(clientAuth(assertion))}`);
    expect(parsed).toEqual([expect.objectContaining({ grant_type: ['client_credentials', 'client_credentials'] })]);
    expectOAuthError(res, 400, 'invalid_request');
    expect(res.body.error_description).toBe('parameter grant_type must not be repeated');
  });

  test("over the parser's own limit is refused by the parser's 413, answered as invalid_request JSON (rule R8)", async () => {
    const res = await post('/token', form({ grant_type: 'client_credentials', pad: 'x'.repeat(3000) }));
    expectOAuthError(res, 413, 'invalid_request');
    expect(res.text).not.toContain('2048');
  });
});
