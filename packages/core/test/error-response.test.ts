import { Readable } from 'node:stream';
import getRawBody from 'raw-body';
import {
  asOAuthError,
  InvalidRequestError,
  NO_STORE_HEADERS,
  OAUTH_ERROR_MARK,
  oauthErrorResponse,
  TemporarilyUnavailableError,
  toErrorResponse,
  UnsupportedGrantTypeError,
} from '@rfc7523/core';

describe('toErrorResponse (RFC 6749 §5.2)', () => {
  it('P2 headers: JSON, no-store, no-cache', () => {
    expect(NO_STORE_HEADERS).toEqual({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', pragma: 'no-cache' });
    expect(Object.isFrozen(NO_STORE_HEADERS)).toBe(true);
    expect(toErrorResponse(new UnsupportedGrantTypeError('unsupported_grant_type', 'no')).headers).toEqual(NO_STORE_HEADERS);
  });

  it('P2 adds the headers an error needs', () => {
    expect(toErrorResponse(new InvalidRequestError('method_not_allowed', 'POST only', { status: 405, headers: { allow: 'POST' } }))).toEqual({
      status: 405,
      headers: { ...NO_STORE_HEADERS, allow: 'POST' },
      body: { error: 'invalid_request', error_description: 'POST only' },
    });
    expect(toErrorResponse(new TemporarilyUnavailableError('jwks_unavailable', 'later')).headers['retry-after']).toBe('5');
  });

  it('P2 never lets an error override no-store', () => {
    const res = toErrorResponse(new InvalidRequestError('malformed_body', 'x', { headers: { 'x-extra': '1' } }));
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('P2 gives 500 server_error for non-OAuth errors and values', () => {
    for (const err of [new TypeError('x'), 'string', undefined, { error: 'invalid_grant', status: 400 }]) {
      expect(toErrorResponse(err)).toEqual({ status: 500, headers: { ...NO_STORE_HEADERS }, body: { error: 'server_error' } });
    }
  });

  it('does not share the header object between responses', () => {
    const a = toErrorResponse(new Error('a'));
    a.headers['x'] = 'y';
    expect(toErrorResponse(new Error('b')).headers).not.toHaveProperty('x');
    expect(NO_STORE_HEADERS).not.toHaveProperty('x');
  });
});

describe('oauthErrorResponse and asOAuthError: which errors an adapter answers', () => {
  /** A real raw-body error (the reader under body-parser and co-body): a body over its limit. */
  async function rawBodyError(): Promise<unknown> {
    return getRawBody(Readable.from([Buffer.alloc(100)]), { limit: 10 }).then(
      () => undefined,
      (err: unknown) => err,
    );
  }

  it('answers an OAuthError as toErrorResponse does', () => {
    const err = new InvalidRequestError('malformed_body', 'bad');
    expect(asOAuthError(err)).toBe(err);
    expect(oauthErrorResponse(err)).toEqual(toErrorResponse(err));
  });

  it("R8 answers a body reader's 413 as invalid_request 413, its message for logs only", async () => {
    const err = await rawBodyError();
    expect(err).toMatchObject({ status: 413, type: 'entity.too.large' });
    expect(oauthErrorResponse(err)).toEqual({
      status: 413,
      headers: { ...NO_STORE_HEADERS },
      body: { error: 'invalid_request', error_description: 'the request body is too large' },
    });
    expect(asOAuthError(err)).toMatchObject({ reason: 'body_too_large', detail: 'request entity too large', cause: err });
  });

  it("answers a body reader's 400 and 415 as invalid_request with the same status", () => {
    const parse = Object.assign(new SyntaxError('Unexpected token } in JSON'), { status: 400, type: 'entity.parse.failed' });
    expect(oauthErrorResponse(parse)).toMatchObject({ status: 400, body: { error: 'invalid_request', error_description: 'the request could not be read' } });
    const charset = Object.assign(new Error('unsupported charset "X"'), { status: 415, type: 'charset.unsupported' });
    expect(asOAuthError(charset)).toMatchObject({ status: 415, reason: 'unsupported_content_type' });
    // co-body's JSON parser: a SyntaxError with status 400 and no type.
    expect(asOAuthError(Object.assign(new SyntaxError('invalid JSON'), { status: 400 }))).toMatchObject({ status: 400, error: 'invalid_request' });
  });

  it("leaves everything else to the framework: the app's 404 and 400, bugs, a reader's 5xx, non-errors", () => {
    const others = [
      Object.assign(new Error('Not Found'), { status: 404, expose: true }),
      Object.assign(new Error('bad input'), { status: 400 }),
      Object.assign(new Error('stream is not readable'), { status: 500, type: 'stream.not.readable' }),
      Object.assign(new Error('odd'), { status: 404, type: 'app.thing' }),
      // body-parser's verify hook is the app's own check (a webhook signature), not a body it could not read.
      Object.assign(new Error('bad signature'), { status: 403, type: 'entity.verify.failed' }),
      new TypeError('x is undefined'),
      new SyntaxError('a bug, no status'),
      'a string',
      undefined,
      null,
      { error: 'invalid_grant', status: 400 },
    ];
    for (const err of others) {
      expect(asOAuthError(err)).toBeUndefined();
      expect(oauthErrorResponse(err)).toBeUndefined();
    }
  });

  it('answers an error marked with OAUTH_ERROR_MARK as the OAuth error it describes', () => {
    const marked = Object.assign(new Error('internal'), {
      [OAUTH_ERROR_MARK]: true,
      error: 'invalid_token',
      status: 401,
      description: 'expired\n',
      headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"', bad: 1 },
    });
    expect(oauthErrorResponse(marked)).toEqual({
      status: 401,
      headers: { ...NO_STORE_HEADERS, 'www-authenticate': 'Bearer error="invalid_token"' },
      body: { error: 'invalid_token', error_description: 'expired ' },
    });
    expect(oauthErrorResponse({ [OAUTH_ERROR_MARK]: true, error: 'access_denied', statusCode: 403 })).toEqual({
      status: 403,
      headers: { ...NO_STORE_HEADERS },
      body: { error: 'access_denied' },
    });
  });

  it('recognises an OAuthError of another copy of the package by the mark on every OAuthError', () => {
    expect((new InvalidRequestError('malformed_body', 'x') as unknown as Record<symbol, unknown>)[OAUTH_ERROR_MARK]).toBe(true);
    expect(OAUTH_ERROR_MARK).toBe(Symbol.for('rfc7523.oauth-error'));
    // What another copy's InvalidTokenError looks like from here: not instanceof this OAuthError, but marked.
    const foreign = Object.assign(Object.create({ [OAUTH_ERROR_MARK]: true }) as object, {
      error: 'invalid_token',
      status: 401,
      reason: 'token_expired',
      description: 'the access token expired',
      headers: { 'www-authenticate': 'Bearer error="invalid_token"' },
    });
    expect(asOAuthError(foreign)).toMatchObject({ error: 'invalid_token', status: 401, reason: 'token_expired' });
  });

  it('leaves a marked error that is not well formed to the framework', () => {
    for (const bad of [
      { [OAUTH_ERROR_MARK]: true, status: 400 },
      { [OAUTH_ERROR_MARK]: true, error: 'bad"quote', status: 400 },
      { [OAUTH_ERROR_MARK]: true, error: 'invalid_request', status: 200 },
      { [OAUTH_ERROR_MARK]: true, error: 'invalid_request', status: '400' },
      { [OAUTH_ERROR_MARK]: 'yes', error: 'invalid_request', status: 400 },
    ]) {
      expect(oauthErrorResponse(bad)).toBeUndefined();
    }
  });

  it('reports an answered error through the reporter (the server’s onEvent), and only those', () => {
    const seen: unknown[] = [];
    const reporter = { errorResponse: (err: unknown) => (seen.push(err), toErrorResponse(err)) };
    const err = new InvalidRequestError('malformed_body', 'bad');
    expect(oauthErrorResponse(err, reporter)?.status).toBe(400);
    expect(oauthErrorResponse(new Error('bug'), reporter)).toBeUndefined();
    expect(seen).toEqual([err]);
  });
});
