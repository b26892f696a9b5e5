import { decodeJwt, JwtDecodeError } from '../../src/jwt/decode.js';
import { b64u, rawToken } from '../support/fixtures.js';

const failure = (token: string) => {
  try {
    decodeJwt(token);
  } catch (err) {
    expect(err).toBeInstanceOf(JwtDecodeError);
    return (err as JwtDecodeError).reason;
  }
  throw new Error('expected decodeJwt to throw');
};

describe('decodeJwt (J13)', () => {
  it('splits a compact JWS into header, claims and signature bytes, keeping the text', () => {
    const token = rawToken({ alg: 'ES256', kid: 'k' }, { iss: 'a', n: 1 }, b64u(new Uint8Array([1, 2, 3])));
    const jwt = decodeJwt(token);
    expect(jwt.token).toBe(token);
    expect(jwt.header).toEqual({ alg: 'ES256', kid: 'k' });
    expect(jwt.claims).toEqual({ iss: 'a', n: 1 });
    expect([...jwt.signature]).toEqual([1, 2, 3]);
    expect(Buffer.from(jwt.signingInput).toString('latin1')).toBe(token.slice(0, token.lastIndexOf('.')));
  });

  it('J13 rejects a five-segment JWE as jwe_not_supported', () => {
    expect(failure('a.b.c.d.e')).toBe('jwe_not_supported');
    expect(failure(`${b64u({ alg: 'dir', enc: 'A128GCM' })}..iv.ct.tag`)).toBe('jwe_not_supported');
  });

  it('J13 rejects anything that is not three base64url segments', () => {
    for (const token of ['', 'a', 'a.b', 'a.b.c.d', 'a.b.c.d.e.f', '..', 'a..c', '.b.c', 'a.b.', 'a.b.c=', 'a+b.c.d', 'a/b.c.d', 'a.b.c ', 'a.b.\u00e9', '{"payload":"x"}']) {
      expect(failure(token)).toBe('malformed_jwt');
    }
  });

  it('J13 rejects a header or claims that is not JSON, or not a JSON object', () => {
    expect(failure(rawToken('nope', {}))).toBe('malformed_jwt');
    expect(failure(rawToken({}, 'nope'))).toBe('malformed_jwt');
    for (const value of ['[]', 'null', '1', '"s"', 'true']) {
      expect(failure(rawToken(value, {}))).toBe('malformed_jwt');
      expect(failure(rawToken({}, value))).toBe('malformed_jwt');
    }
  });

  it('J13 rejects repeated member names in the header or claims', () => {
    expect(failure(rawToken('{"alg":"ES256","alg":"none"}', {}))).toBe('duplicate_member');
    expect(failure(rawToken({ alg: 'ES256' }, '{"sub":"a","sub":"b"}'))).toBe('duplicate_member');
  });

  it('names what was wrong in the error detail', () => {
    try {
      decodeJwt(rawToken({ alg: 'ES256' }, '{"sub":"a","sub":"b"}'));
    } catch (err) {
      expect((err as JwtDecodeError).detail).toBe('claims set repeats the member "sub"');
      expect((err as Error).message).toBe('claims set repeats the member "sub"');
    }
  });

  it('says which part is broken and how, in the error detail (for logs)', () => {
    const detail = (token: string) => {
      try {
        decodeJwt(token);
      } catch (err) {
        return (err as JwtDecodeError).detail;
      }
      throw new Error('expected decodeJwt to throw');
    };
    expect(detail(rawToken('nope', {}))).toBe('JOSE header is not JSON');
    expect(detail(rawToken({}, 'nope'))).toBe('claims set is not JSON');
    expect(detail(rawToken('[]', {}))).toBe('JOSE header is not a JSON object');
    expect(detail(rawToken({}, 'null'))).toBe('claims set is not a JSON object');
    expect(detail('a.b.c.d.e')).toMatch(/JWE/);
    expect(detail('a.b')).toMatch(/three base64url segments/);
  });
});
