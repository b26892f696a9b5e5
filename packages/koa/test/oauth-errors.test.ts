import Koa from 'koa';
import { bodyParser } from '@koa/bodyparser';
import request from 'supertest';
import { InsufficientScopeError, InvalidRequestError, OAUTH_ERROR_MARK, oauthErrors, type Rfc7523Event } from '@rfc7523/koa';
import { expectOAuthError, FORM, listen, makeFixture, type Listening } from './support/fixture.js';

/** What the host app's own error middleware, mounted before ours, caught; and what Koa reported. */
const reached: { err: unknown; headerSent: boolean }[] = [];
const reported: unknown[] = [];
const events: Rfc7523Event[] = [];
const BUG = new Error('connection to db.internal:5432 refused');
const NOT_FOUND = Object.assign(new Error('no such invoice'), { status: 404, expose: true });
const LATE = new InvalidRequestError('malformed_body', 'too late');

/** The app's routes: each throws what its name says, after our middleware and a real body parser. */
const throwing: Koa.Middleware = async function throwing(ctx) {
  switch (ctx.path) {
    case '/bug':
      throw BUG;
    case '/invoices/7':
      throw NOT_FOUND;
    case '/koa-404':
      ctx.throw(404);
      break;
    case '/not-an-error':
      throw 'a string';
    case '/oauth':
      throw new InsufficientScopeError('admin');
    case '/marked':
      throw Object.assign(new Error('internal words'), { [OAUTH_ERROR_MARK]: true, error: 'unsupported_token_type', status: 400, description: 'not supported' });
    case '/stream':
      ctx.respond = true;
      ctx.res.writeHead(200, { 'content-type': 'text/plain' });
      ctx.res.write('partial ');
      throw LATE;
    default:
      ctx.body = { ok: true };
  }
};

/** The host app's own error handling, outermost: answers its own JSON so a test can tell it from ours. */
const hostErrors: Koa.Middleware = async function hostErrors(ctx, next) {
  try {
    await next();
  } catch (err) {
    reached.push({ err, headerSent: ctx.headerSent });
    if (ctx.headerSent) {
      ctx.res.end();
      return;
    }
    const status = (err as { status?: number } | null)?.status ?? 500;
    ctx.status = status;
    ctx.body = { handledBy: 'host', status };
  }
};

let withHost: Listening;
let bare: Listening;

beforeAll(async () => {
  const fx = await makeFixture();
  const server = Object.assign(Object.create(fx.server) as typeof fx.server, {
    errorResponse: (err: unknown) => {
      events.push({ type: 'request.failed' } as Rfc7523Event);
      return fx.server.errorResponse(err);
    },
  });
  const host = new Koa();
  host.use(hostErrors);
  host.use(oauthErrors(server));
  host.use(bodyParser({ formLimit: '1kb' }));
  host.use(throwing);
  withHost = await listen(host);

  // Without error handling of its own: what oauthErrors passes on meets Koa's.
  const plain = new Koa();
  plain.on('error', (err: unknown) => reported.push(err));
  plain.use(oauthErrors());
  plain.use(throwing);
  bare = await listen(plain);
});

afterAll(async () => {
  await withHost.close();
  await bare.close();
});

beforeEach(() => {
  reached.length = 0;
  reported.length = 0;
  events.length = 0;
});

describe('oauthErrors rethrows errors that are not its own', () => {
  test("the host app's own error reaches the host's error handling untouched", async () => {
    const res = await request(withHost.url).get('/bug');
    expect(reached).toEqual([{ err: BUG, headerSent: false }]);
    expect(res.body).toEqual({ handledBy: 'host', status: 500 });
    expect(events).toEqual([]);
  });

  test("the host app's own 404s are not turned into invalid_request", async () => {
    const own = await request(withHost.url).get('/invoices/7');
    expect(own.status).toBe(404);
    expect(own.body).toEqual({ handledBy: 'host', status: 404 });
    const thrown = await request(withHost.url).get('/koa-404');
    expect(thrown.body).toEqual({ handledBy: 'host', status: 404 });
    expect(reached.map((r) => r.err)).toEqual([NOT_FOUND, expect.objectContaining({ status: 404 })]);
  });

  test('a thrown value that is not an Error goes on as it is', async () => {
    await request(withHost.url).get('/not-an-error');
    expect(reached).toEqual([{ err: 'a string', headerSent: false }]);
  });

  test('without error handling of its own, a bug meets Koa’s: 500 without detail, reported on the app’s error event', async () => {
    const res = await request(bare.url).get('/bug');
    expect(res.status).toBe(500);
    expect(res.text).not.toMatch(/db\.internal|\bat /);
    expect(reported).toEqual([BUG]);
  });

  test('an OAuthError raised after the headers were sent is left to Koa, the response not rewritten', async () => {
    const res = await request(withHost.url).get('/stream');
    expect(reached).toEqual([{ err: LATE, headerSent: true }]);
    expect(res.status).toBe(200);
    expect(res.text).toBe('partial ');
  });
});

describe('oauthErrors answers the suite’s errors as RFC 6749 §5.2 JSON', () => {
  test('an OAuthError thrown downstream, with its status and challenge (RFC 6750 §3.1), reported to the server', async () => {
    const res = await request(withHost.url).get('/oauth');
    expectOAuthError(res, 403, 'insufficient_scope');
    expect(res.headers['www-authenticate']).toContain('scope="admin"');
    expect(reached).toEqual([]);
    expect(events).toHaveLength(1);
  });

  test('an error marked with OAUTH_ERROR_MARK', async () => {
    const res = await request(withHost.url).get('/marked');
    expectOAuthError(res, 400, 'unsupported_token_type');
    expect(res.body).toEqual({ error: 'unsupported_token_type', error_description: 'not supported' });
  });

  test("@koa/bodyparser's 413 becomes 413 invalid_request JSON, without the parser's message", async () => {
    const res = await request(withHost.url).post('/anything').set('content-type', FORM).send(`pad=${'x'.repeat(2000)}`);
    expectOAuthError(res, 413, 'invalid_request');
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'the request body is too large' });
    expect(reached).toEqual([]);
  });

  test("@koa/bodyparser's 400 for unparsable JSON becomes 400 invalid_request, without the SyntaxError", async () => {
    const res = await request(withHost.url).post('/anything').set('content-type', 'application/json').send('{oops');
    expectOAuthError(res, 400, 'invalid_request');
    expect(res.text).not.toMatch(/SyntaxError|oops/);
  });

  test('leaves a response alone when nothing is thrown', async () => {
    const res = await request(withHost.url).get('/fine');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });
});
