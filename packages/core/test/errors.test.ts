import {
  DpopInvalidTokenError,
  InsufficientScopeError,
  InvalidDpopProofError,
  InvalidTargetError,
  type KnownOAuthError,
  UseDpopNonceError,
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

describe('KnownOAuthError', () => {
  // What each subclass answers, written out from RFC 6749 §5.2, RFC 6750 §3.1 and RFC 9449 §7.1, §8.
  const made: Array<[KnownOAuthError, string]> = [
    [new InvalidRequestError('repeated_parameter', 'd'), 'invalid_request'],
    [new InvalidClientError('aud_mismatch', 'd'), 'invalid_client'],
    [new InvalidGrantError('expired', 'd'), 'invalid_grant'],
    [new UnauthorizedClientError('grant_not_allowed', 'd'), 'unauthorized_client'],
    [new UnsupportedGrantTypeError('unsupported_grant_type', 'd'), 'unsupported_grant_type'],
    [new InvalidScopeError('scope_not_allowed', 'd'), 'invalid_scope'],
    [new InvalidTargetError('resource_not_allowed', 'd'), 'invalid_target'],
    [new TemporarilyUnavailableError('jwks_unavailable', 'd'), 'temporarily_unavailable'],
    [new InvalidTokenError('token_invalid', 'd'), 'invalid_token'],
    [new InsufficientScopeError('read'), 'insufficient_scope'],
    [new InvalidDpopProofError('dpop_typ', 'd'), 'invalid_dpop_proof'],
    [new UseDpopNonceError('n0nce', 'd'), 'use_dpop_nonce'],
    [new DpopInvalidTokenError('dpop_bound_token_as_bearer', 'd', ['ES256']), 'invalid_token'],
  ];

  // Type-checks only while each subclass's `error` is its own literal: a wider type is not assignable.
  const literals: readonly [
    'invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope',
    'invalid_target', 'temporarily_unavailable', 'invalid_token', 'insufficient_scope', 'invalid_dpop_proof', 'use_dpop_nonce', 'invalid_token',
  ] = [
    new InvalidRequestError('repeated_parameter', 'd').error,
    new InvalidClientError('aud_mismatch', 'd').error,
    new InvalidGrantError('expired', 'd').error,
    new UnauthorizedClientError('grant_not_allowed', 'd').error,
    new UnsupportedGrantTypeError('unsupported_grant_type', 'd').error,
    new InvalidScopeError('scope_not_allowed', 'd').error,
    new InvalidTargetError('resource_not_allowed', 'd').error,
    new TemporarilyUnavailableError('jwks_unavailable', 'd').error,
    new InvalidTokenError('token_invalid', 'd').error,
    new InsufficientScopeError('read').error,
    new InvalidDpopProofError('dpop_typ', 'd').error,
    new UseDpopNonceError('n0nce', 'd').error,
    new DpopInvalidTokenError('dpop_bound_token_as_bearer', 'd', ['ES256']).error,
  ];

  // Switching on `error` covers the union: a member the cases miss makes `unreachable` not `never`.
  function family(err: KnownOAuthError): 'request' | 'client' | 'grant' | 'token' | 'dpop' | 'server' {
    switch (err.error) {
      case 'invalid_request':
      case 'unsupported_grant_type':
      case 'invalid_scope':
      case 'invalid_target':
        return 'request';
      case 'invalid_client':
      case 'unauthorized_client':
        return 'client';
      case 'invalid_grant':
        return 'grant';
      case 'invalid_token':
      case 'insufficient_scope':
        return 'token';
      case 'invalid_dpop_proof':
      case 'use_dpop_nonce':
        return 'dpop';
      case 'temporarily_unavailable':
        return 'server';
      default: {
        const unreachable: never = err;
        return unreachable;
      }
    }
  }

  it.each(made.map(([err, code]) => [err.name, err, code] as const))('%s carries its own error code', (_name, err, code) => {
    expect(err.error).toBe(code);
    expect(toErrorResponse(err).body.error).toBe(code);
  });

  it('each instance carries the code its type names', () => {
    expect(literals).toEqual(made.map(([, code]) => code));
  });

  it('switching on error tells the families apart', () => {
    expect(made.map(([err]) => family(err))).toEqual([
      'request', 'client', 'grant', 'client', 'request', 'request', 'request', 'server', 'token', 'token', 'dpop', 'dpop', 'token',
    ]);
  });

  it('an InvalidTokenError takes the DPoP challenge in place of the Bearer one when given', () => {
    const err = new InvalidTokenError('token_invalid', 'd', { headers: { 'www-authenticate': 'DPoP error="invalid_token", algs="ES256"' } });
    expect(err.headers['www-authenticate']).toBe('DPoP error="invalid_token", algs="ES256"');
    expect(new InvalidTokenError('missing_token', 'd').headers['www-authenticate']).toBe('Bearer');
  });
});
