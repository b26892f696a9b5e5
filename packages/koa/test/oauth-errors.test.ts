import Koa from 'koa';
import request from 'supertest';
import { InsufficientScopeError, oauthErrors } from '@rfc7523/koa';
import { expectOAuthError, listen, type Listening } from './support/fixture.js';

let http: Listening;
const reported: unknown[] = [];

beforeAll(async () => {
  const app = new Koa();
  app.on('error', (err: unknown) => reported.push(err));
  app.use(oauthErrors());
  app.use(async function throwing(ctx, next) {
    switch (ctx.path) {
      case '/parser-413':
        ctx.throw(413, 'request entity too large: limit is 1mb');
        break;
      case '/parser-400':
        ctx.throw(400, 'Unexpected token } in JSON at position 12');
        break;
      case '/bug':
        ctx.set('cache-control', 'public, max-age=60');
        throw new Error('connection to db.internal:5432 refused');
      case '/oauth':
        throw new InsufficientScopeError('admin');
      case '/not-an-error':
        throw 'a string';
      default:
        await next();
    }
  });
  app.use(async function ok(ctx) {
    ctx.body = { ok: true };
  });
  http = await listen(app);
});

afterAll(() => http.close());

beforeEach(() => {
  reported.length = 0;
});

describe('oauthErrors', () => {
  test("answers another middleware's 413 as invalid_request JSON with status 413, without its message", async () => {
    const res = await request(http.url).get('/parser-413');
    expectOAuthError(res, 413, 'invalid_request');
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'the request could not be read' });
    expect(reported).toEqual([]);
  });

  test("answers another middleware's 400 as invalid_request JSON with status 400, without its message", async () => {
    const res = await request(http.url).get('/parser-400');
    expectOAuthError(res, 400, 'invalid_request');
    expect(res.text).not.toContain('Unexpected');
  });

  test('answers an unexpected error as 500 server_error with no description, detail or stack', async () => {
    const res = await request(http.url).get('/bug');
    expectOAuthError(res, 500, 'server_error');
    expect(res.body).toEqual({ error: 'server_error' });
    expect(res.text).not.toMatch(/db\.internal|Error|\bat /);
  });

  test("reports an unexpected error on the app's error event, for logs", async () => {
    await request(http.url).get('/bug');
    expect(reported).toEqual([expect.objectContaining({ message: 'connection to db.internal:5432 refused' })]);
  });

  test('answers a thrown value that is not an Error as 500 server_error', async () => {
    expectOAuthError(await request(http.url).get('/not-an-error'), 500, 'server_error');
  });

  test('answers an OAuthError thrown downstream as it is, with its status and challenge (RFC 6750 §3.1)', async () => {
    const res = await request(http.url).get('/oauth');
    expectOAuthError(res, 403, 'insufficient_scope');
    expect(res.headers['www-authenticate']).toContain('scope="admin"');
    expect(reported).toEqual([]);
  });

  test('leaves a response alone when nothing is thrown', async () => {
    const res = await request(http.url).get('/fine');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });
});
