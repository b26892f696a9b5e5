import { gzipSync } from 'node:zlib';
import express, { type ErrorRequestHandler } from 'express';
import request from 'supertest';
import { InvalidRequestError, InvalidTokenError, OAUTH_ERROR_MARK, oauthErrorHandler, type Rfc7523Event } from '@rfc7523/express';
import { expectOAuthError, FORM, makeFixture, postRaw } from './support/fixture.js';

/** What the host app's own error handler, mounted after ours, received. */
let reached: unknown[] = [];

beforeEach(() => {
  reached = [];
});

/** The host app's own error handler: answers its own JSON, so a test can tell it from ours. */
const hostErrorHandler: ErrorRequestHandler = (err, _req, res, _next) => {
  reached.push(err);
  if (res.headersSent) {
    res.end();
    return;
  }
  const status = (err as { status?: number }).status ?? 500;
  res.status(status).json({ handledBy: 'host', status });
};

function app(mount: (app: express.Express) => void, errorHandler = oauthErrorHandler()): express.Express {
  const a = express();
  mount(a);
  a.use(errorHandler);
  a.use(hostErrorHandler);
  return a;
}

describe('oauthErrorHandler passes errors that are not its own to next(err)', () => {
  test("the host app's own error reaches the host's error handler untouched", async () => {
    const own = new Error('database password is hunter2');
    const a = app((x) =>
      x.get('/boom', () => {
        throw own;
      }),
    );
    const res = await request(a).get('/boom');
    expect(reached).toEqual([own]);
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ handledBy: 'host', status: 500 });
  });

  test("the host app's own 404 is not turned into invalid_request", async () => {
    const notFound = Object.assign(new Error('no such invoice'), { status: 404, statusCode: 404, expose: true });
    const a = app((x) =>
      x.get('/invoices/:id', () => {
        throw notFound;
      }),
    );
    const res = await request(a).get('/invoices/7');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ handledBy: 'host', status: 404 });
    expect(reached).toEqual([notFound]);
  });

  test('a thrown value that is not an Error goes on as it is', async () => {
    const a = app((x) =>
      x.get('/string', () => {
        throw 'a string';
      }),
    );
    await request(a).get('/string');
    expect(reached).toEqual(['a string']);
  });

  test('an OAuthError raised after the headers were sent is left to Express (next(err)), the response not rewritten', async () => {
    const late = new InvalidRequestError('malformed_body', 'too late');
    const a = app((x) =>
      x.get('/stream', (_req, res, next) => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write('partial ');
        next(late);
      }),
    );
    const res = await request(a).get('/stream');
    expect(reached).toEqual([late]);
    expect(res.status).toBe(200);
    expect(res.text).toBe('partial ');
  });
});

describe('oauthErrorHandler answers the suite’s errors as RFC 6749 §5.2 JSON', () => {
  test('an OAuthError thrown by an app handler, with its status and challenge (RFC 6750 §3.1)', async () => {
    const a = app((x) =>
      x.get('/protected', () => {
        throw new InvalidTokenError('token_invalid', 'the access token is not valid');
      }),
    );
    const res = await request(a).get('/protected');
    expectOAuthError(res, 401, 'invalid_token');
    expect(res.headers['www-authenticate']).toMatch(/^Bearer error="invalid_token"/);
    expect(reached).toEqual([]);
  });

  test('an error marked with OAUTH_ERROR_MARK (another copy of the package, or the app’s own)', async () => {
    const marked = Object.assign(new Error('internal words'), {
      [OAUTH_ERROR_MARK]: true,
      error: 'unsupported_token_type',
      status: 400,
      description: 'revocation of this token type is not supported',
    });
    const a = app((x) =>
      x.post('/revoke', () => {
        throw marked;
      }),
    );
    const res = await request(a).post('/revoke');
    expectOAuthError(res, 400, 'unsupported_token_type');
    expect(res.body).toEqual({ error: 'unsupported_token_type', error_description: 'revocation of this token type is not supported' });
    expect(res.text).not.toContain('internal words');
  });

  test("body-parser's 413 becomes 413 invalid_request JSON, without the parser's message", async () => {
    const a = app((x) => x.use(express.urlencoded({ limit: 100 })).post('/token', (_req, res) => res.json({ reached: true })));
    const res = await request(a).post('/token').type('form').send(`grant_type=client_credentials&pad=${'x'.repeat(500)}`);
    expectOAuthError(res, 413, 'invalid_request');
    expect(res.body).toEqual({ error: 'invalid_request', error_description: 'the request body is too large' });
    expect(res.text).not.toMatch(/entity|limit|\bat /);
    expect(reached).toEqual([]);
  });

  test("body-parser's 413 for a compressed body that inflates past its limit, too", async () => {
    const a = app((x) => x.use(express.urlencoded({ limit: 1000 })).post('/token', (_req, res) => res.json({ reached: true })));
    const res = await postRaw(a, '/token', { 'content-type': FORM, 'content-encoding': 'gzip' }, gzipSync(`pad=${'x'.repeat(5000)}`));
    expectOAuthError(res, 413, 'invalid_request');
  });

  test("body-parser's 400 (unparsable JSON) becomes 400 invalid_request, without the SyntaxError", async () => {
    const a = app((x) => x.post('/json', express.json(), (_req, res) => res.json({})));
    const res = await request(a).post('/json').set('content-type', 'application/json').send('{oops');
    expectOAuthError(res, 400, 'invalid_request');
    expect(res.text).not.toContain('SyntaxError');
  });

  test("body-parser's 415 (unsupported charset) becomes 415 invalid_request", async () => {
    const a = app((x) => x.use(express.urlencoded()).post('/token', (_req, res) => res.json({})));
    const res = await request(a).post('/token').set('content-type', `${FORM}; charset=ebcdic-x`).send('a=b');
    expectOAuthError(res, 415, 'invalid_request');
  });

  test('with the server, each answered error is reported to its onEvent', async () => {
    const events: Rfc7523Event[] = [];
    const fx = await makeFixture({ onEvent: (event) => events.push(event) });
    const a = app(
      (x) => x.use(express.urlencoded({ limit: 100 })).post('/token', (_req, res) => res.json({})),
      oauthErrorHandler(fx.server),
    );
    await request(a).post('/token').type('form').send(`pad=${'x'.repeat(500)}`);
    expect(events).toEqual([expect.objectContaining({ type: 'request.failed', error: 'invalid_request', reason: 'body_too_large' })]);
  });
});
