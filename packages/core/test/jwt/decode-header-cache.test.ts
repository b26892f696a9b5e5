/**
 * decodeJwt keeps flat JOSE headers decoded by segment: the header it gives must always equal what
 * JSON.parse makes of the segment (the independent source), whatever was decoded before, and only flat,
 * valid headers may be shared (frozen) between calls.
 */
import { decodeJwt, JwtDecodeError } from '../../src/jwt/decode.js';

const b64 = (text: string) => Buffer.from(text).toString('base64url');
const token = (header: string, claims = '{"sub":"a"}') => `${b64(header)}.${b64(claims)}.c2ln`;
const parsed = (header: string) => JSON.parse(header) as Record<string, unknown>;

describe('decodeJwt JOSE header cache (rule J13 unchanged)', () => {
  it('gives a flat header equal to the segment parsed, frozen, the same object for the same segment', () => {
    const header = '{"alg":"ES256","kid":"k1","typ":"JWT","n":1,"b":true,"z":null}';
    const one = decodeJwt(token(header, '{"sub":"a"}'));
    const two = decodeJwt(token(header, '{"sub":"b"}'));
    expect(one.header).toEqual(parsed(header));
    expect(Object.isFrozen(one.header)).toBe(true);
    expect(two.header).toBe(one.header);
    expect(two.claims).toEqual({ sub: 'b' });
  });

  it('decodes a header holding an object or an array afresh on every call, not frozen', () => {
    for (const header of ['{"alg":"ES256","jwk":{"kty":"EC"}}', '{"alg":"ES256","crit":["exp"]}']) {
      const one = decodeJwt(token(header));
      const two = decodeJwt(token(header));
      expect(one.header).toEqual(parsed(header));
      expect(two.header).not.toBe(one.header);
      expect(Object.isFrozen(one.header)).toBe(false);
    }
  });

  it('decodes a header segment over 512 characters afresh on every call', () => {
    const header = JSON.stringify({ alg: 'ES256', kid: 'k'.repeat(400) });
    expect(b64(header).length).toBeGreaterThan(512);
    const one = decodeJwt(token(header));
    expect(decodeJwt(token(header)).header).not.toBe(one.header);
    expect(one.header).toEqual(parsed(header));
  });

  it('refuses a header with a repeated member every time (a refusal is never kept)', () => {
    for (let i = 0; i < 2; i++) {
      expect(() => decodeJwt(token('{"alg":"ES256","alg":"none"}'))).toThrow(expect.objectContaining({ reason: 'duplicate_member' }));
    }
    expect(() => decodeJwt(token('{"alg":"ES256","alg":"none"}'))).toThrow(JwtDecodeError);
  });

  it('still gives each header its own value after more distinct headers than the cache holds', () => {
    const headers = Array.from({ length: 600 }, (_, i) => JSON.stringify({ alg: 'ES256', kid: `key-${i}` }));
    for (const header of headers) expect(decodeJwt(token(header)).header).toEqual(parsed(header));
    for (const header of headers) expect(decodeJwt(token(header)).header).toEqual(parsed(header));
  });

  it('keeps a header segment of exactly 512 characters (the longest kept)', () => {
    // 384 bytes of JSON are 512 base64url characters.
    const header = JSON.stringify({ alg: 'ES256', kid: 'k'.repeat(384 - '{"alg":"ES256","kid":""}'.length) });
    expect(b64(header)).toHaveLength(512);
    const one = decodeJwt(token(header));
    expect(decodeJwt(token(header)).header).toBe(one.header);
  });

  it('holds at most 256 headers: one more empties it, so a header kept before is decoded afresh', () => {
    const headers = Array.from({ length: 257 }, (_, i) => JSON.stringify({ alg: 'ES256', kid: `bound-${i}` }));
    const first = decodeJwt(token(headers[0] as string)).header;
    expect(decodeJwt(token(headers[0] as string)).header).toBe(first);
    for (const header of headers.slice(1)) decodeJwt(token(header));
    const again = decodeJwt(token(headers[0] as string)).header;
    expect(again).not.toBe(first);
    expect(again).toEqual(first);
  });
});

describe('decodeJwt JOSE header cache bound (256 entries, emptied when full)', () => {
  const header = (name: string) => JSON.stringify({ alg: 'ES256', kid: name });
  /** Whether `kid` is cached now: a hit gives the object `kept` again (and changes nothing). */
  const hit = (name: string, kept: unknown) => decodeJwt(token(header(name))).header === kept;

  it('keeps a header through 254 more distinct headers after the cache was emptied, and loses it at the 255th', () => {
    // Find the moment the cache is emptied: then it holds the header that emptied it and the sentinel.
    let kept = decodeJwt(token(header('sentinel'))).header;
    for (let i = 0; hit('sentinel', kept); i++) {
      expect(i).toBeLessThan(300);
      decodeJwt(token(header(`sync-${i}`)));
    }
    kept = decodeJwt(token(header('sentinel'))).header; // the miss above put it back: 2 entries now
    for (let i = 0; i < 254; i++) {
      decodeJwt(token(header(`fill-${i}`)));
      expect(hit('sentinel', kept)).toBe(true);
    }
    decodeJwt(token(header('fill-254')));
    expect(hit('sentinel', kept)).toBe(false);
  });
});
