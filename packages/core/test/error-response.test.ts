import { InvalidRequestError, NO_STORE_HEADERS, TemporarilyUnavailableError, toErrorResponse, UnsupportedGrantTypeError } from '@rfc7523/core';

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
