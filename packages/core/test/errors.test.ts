import {
  InsufficientScopeError,
  InvalidClientError,
  InvalidGrantError,
  InvalidRequestError,
  InvalidScopeError,
  InvalidTokenError,
  OAuthError,
  safeDescription,
  TemporarilyUnavailableError,
  toErrorResponse,
  UnauthorizedClientError,
  UnsupportedGrantTypeError,
} from '@rfc7523/core';

describe('errors', () => {
  it('P2 answers invalid_client with 401, no-store and a safe description', () => {
    const res = toErrorResponse(new InvalidClientError('aud_mismatch', 'bad "aud"\n'));
    expect(res.status).toBe(401);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ error: 'invalid_client', error_description: 'bad  aud  ' });
  });

  it('P2 answers anything that is not an OAuthError as 500 server_error without detail', () => {
    const res = toErrorResponse(new Error('secret stack'));
    expect(res).toMatchObject({ status: 500, body: { error: 'server_error' } });
    expect(JSON.stringify(res.body)).not.toContain('secret');
  });

  it.each([
    [() => new InvalidRequestError('repeated_parameter', 'd'), 'invalid_request', 400, 'InvalidRequestError'],
    [() => new InvalidClientError('aud_mismatch', 'd'), 'invalid_client', 401, 'InvalidClientError'],
    [() => new InvalidGrantError('expired', 'd'), 'invalid_grant', 400, 'InvalidGrantError'],
    [() => new UnauthorizedClientError('grant_not_allowed', 'd'), 'unauthorized_client', 400, 'UnauthorizedClientError'],
    [() => new UnsupportedGrantTypeError('unsupported_grant_type', 'd'), 'unsupported_grant_type', 400, 'UnsupportedGrantTypeError'],
    [() => new InvalidScopeError('scope_not_allowed', 'd'), 'invalid_scope', 400, 'InvalidScopeError'],
    [() => new TemporarilyUnavailableError('jwks_unavailable', 'd'), 'temporarily_unavailable', 503, 'TemporarilyUnavailableError'],
    [() => new InvalidTokenError('token_invalid', 'd'), 'invalid_token', 401, 'InvalidTokenError'],
  ] as Array<[() => OAuthError, string, number, string]>)('P2 %#: carries error, status, statusCode, name and expose', (make, error, status, name) => {
    const err = make();
    expect(err).toBeInstanceOf(OAuthError);
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ error, status, statusCode: status, name, expose: true, description: 'd', message: 'd' });
    expect(Object.isFrozen(err.headers)).toBe(true);
  });

  it('keeps detail and cause for logs, out of the message and the response', () => {
    const cause = new Error('jose says: signature verification failed');
    const err = new InvalidGrantError('signature_invalid', 'the assertion is not valid', { detail: 'kid k1', cause });
    expect(err.detail).toBe('kid k1');
    expect(err.cause).toBe(cause);
    expect(err.message).toBe('the assertion is not valid');
    expect(JSON.stringify(toErrorResponse(err))).not.toMatch(/jose|kid k1/);
    expect(new InvalidGrantError('expired', 'x').cause).toBeUndefined();
  });

  it('InvalidRequestError takes 405 and 413 with extra headers', () => {
    expect(new InvalidRequestError('method_not_allowed', 'm', { status: 405, headers: { allow: 'POST' } })).toMatchObject({ status: 405, headers: { allow: 'POST' } });
    expect(new InvalidRequestError('body_too_large', 'm', { status: 413 }).status).toBe(413);
  });

  it('TemporarilyUnavailableError carries Retry-After, 5 s by default', () => {
    expect(new TemporarilyUnavailableError('replay_store_unavailable', 'x').headers).toEqual({ 'retry-after': '5' });
    expect(new TemporarilyUnavailableError('replay_store_unavailable', 'x', { retryAfter: 30 }).headers).toEqual({ 'retry-after': '30' });
  });

  it('InvalidTokenError challenges with Bearer, and with no error code when no token was sent (RFC 6750 §3.1)', () => {
    expect(new InvalidTokenError('missing_token', 'x').headers).toEqual({ 'www-authenticate': 'Bearer' });
    expect(new InvalidTokenError('token_invalid', 'bad "token"').headers).toEqual({
      'www-authenticate': 'Bearer error="invalid_token", error_description="bad  token "',
    });
  });

  it('InsufficientScopeError is 403 and names the scope', () => {
    const err = new InsufficientScopeError('read "write"');
    expect(err).toMatchObject({ error: 'insufficient_scope', status: 403, reason: 'insufficient_scope' });
    expect(err.headers['www-authenticate']).toBe(
      'Bearer error="insufficient_scope", error_description="the access token does not grant the required scope", scope="read  write "',
    );
  });

  it('P2 safeDescription keeps %x20-21 / %x23-5B / %x5D-7E only', () => {
    const all = Array.from({ length: 0x100 }, (_, i) => String.fromCharCode(i)).join('') + '\u2028é😀';
    expect(safeDescription(all)).toMatch(/^[\x20\x21\x23-\x5b\x5d-\x7e]*$/);
    expect(safeDescription('plain text: a-z [ok] {ok} ~')).toBe('plain text: a-z [ok] {ok} ~');
    expect(safeDescription('"\\\r\n\t')).toBe('     ');
  });
});
