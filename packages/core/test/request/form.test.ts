import { header, param, paramValues, readForm } from '../../src/request/form.js';
import type { PlainRequest } from '@rfc7523/core';

const FORM = 'application/x-www-form-urlencoded';
const post = (body: PlainRequest['body'], contentType: string | string[] | undefined = FORM): PlainRequest => ({
  method: 'POST',
  headers: { 'content-type': contentType },
  body,
});
const LIMIT = 65_536;

describe('readForm (RFC 6749 §3.2)', () => {
  it('parses an x-www-form-urlencoded string body', () => {
    const params = readForm(post('grant_type=client_credentials&scope=a+b&x=%C3%A9'), LIMIT);
    expect([...params]).toEqual([
      ['grant_type', 'client_credentials'],
      ['scope', 'a b'],
      ['x', 'é'],
    ]);
  });

  it('parses a Uint8Array body', () => {
    const params = readForm(post(new TextEncoder().encode('a=1&b=2')), LIMIT);
    expect(Object.fromEntries(params)).toEqual({ a: '1', b: '2' });
  });

  it('takes a body a framework already parsed into an object', () => {
    expect(Object.fromEntries(readForm(post({ a: '1', b: '' }), LIMIT))).toEqual({ a: '1', b: '' });
  });

  it('treats a null body as none and refuses a body that is neither text nor an object', () => {
    const form = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    expect(readForm({ ...form, body: null as never }, 65536).size).toBe(0);
    expect(() => readForm({ ...form, body: 42 as never }, 65536)).toThrow(expect.objectContaining({ error: 'invalid_request', reason: 'malformed_body' }));
  });

  it('returns no parameters for a request without a body', () => {
    expect(readForm(post(undefined), LIMIT).size).toBe(0);
  });

  it('R7 accepts parameters on the content type and any letter case', () => {
    for (const type of [`${FORM}; charset=utf-8`, 'Application/X-WWW-Form-Urlencoded', ` ${FORM} ;charset=UTF-8`, [FORM, 'text/plain']]) {
      expect(readForm(post('a=1', type), LIMIT).get('a')).toBe('1');
    }
  });

  it('R7 refuses a method other than POST with 405 and Allow: POST', () => {
    for (const method of ['GET', 'PUT', 'DELETE', 'PATCH', 'HEAD', 'OPTIONS', 'post']) {
      expect(() => readForm({ method, headers: { 'content-type': FORM }, body: 'a=1' }, LIMIT)).toThrow(
        expect.objectContaining({ error: 'invalid_request', status: 405, reason: 'method_not_allowed', headers: { allow: 'POST' } }),
      );
    }
  });

  it('R7 refuses another body type with invalid_request', () => {
    const refused = expect.objectContaining({ error: 'invalid_request', status: 400, reason: 'unsupported_content_type' });
    for (const type of ['application/json', 'multipart/form-data; boundary=x', 'text/plain', '', `${FORM}x`, 'application/x-www-form-urlencoded2']) {
      expect(() => readForm(post('a=1', type), LIMIT)).toThrow(refused);
    }
    expect(() => readForm({ method: 'POST', headers: {}, body: 'a=1' }, LIMIT)).toThrow(refused);
  });

  it('R3 refuses a repeated parameter, even an unknown or empty one', () => {
    for (const body of ['a=1&a=2', 'a=1&a=1', 'scope=&scope=', 'grant_type=x&b=1&grant_type=x', 'x&x']) {
      expect(() => readForm(post(body), LIMIT)).toThrow(expect.objectContaining({ error: 'invalid_request', status: 400, reason: 'repeated_parameter' }));
    }
  });

  it('R3 refuses a repeated parameter that a framework parsed into an array', () => {
    expect(() => readForm(post({ assertion: ['a', 'b'] }), LIMIT)).toThrow(expect.objectContaining({ reason: 'repeated_parameter' }));
  });

  it('R7 refuses a parsed body whose values are not strings', () => {
    for (const value of [1, null, { nested: 'x' }, true]) {
      expect(() => readForm(post({ a: value }), LIMIT)).toThrow(expect.objectContaining({ error: 'invalid_request', reason: 'malformed_body' }));
    }
  });

  it('R1 keeps parameter names case-sensitive', () => {
    const params = readForm(post('Grant_Type=x&grant_type=y'), LIMIT);
    expect(params.get('grant_type')).toBe('y');
    expect(params.get('Grant_Type')).toBe('x');
  });

  it('R8 refuses a body over the limit with 413, counting bytes not characters', () => {
    expect(() => readForm(post('a='.padEnd(1025, 'x')), 1024)).toThrow(expect.objectContaining({ status: 413, reason: 'body_too_large' }));
    expect(() => readForm(post(new Uint8Array(1025)), 1024)).toThrow(expect.objectContaining({ status: 413, reason: 'body_too_large' }));
    expect(() => readForm(post(`a=${'é'.repeat(512)}`), 1024)).toThrow(expect.objectContaining({ status: 413 }));
    expect(readForm(post('a='.padEnd(1024, 'x')), 1024).get('a')).toHaveLength(1022);
  });

  it('R8 refuses a parsed form whose fields alone exceed the limit, with 413 (a body parser ran first)', () => {
    // name + "=" + value: 1 + 1 + 98 = 100 bytes; "é" counts two bytes.
    expect(readForm(post({ a: 'x'.repeat(98) }), 100).get('a')).toHaveLength(98);
    expect(() => readForm(post({ a: 'x'.repeat(99) }), 100)).toThrow(expect.objectContaining({ status: 413, reason: 'body_too_large' }));
    expect(() => readForm(post({ a: 'é'.repeat(50) }), 100)).toThrow(expect.objectContaining({ status: 413 }));
    // Two fields: "a=…&b=…" — 2 + 48 + 1 + 2 + 47 = 100 bytes.
    expect(readForm(post({ a: 'x'.repeat(48), b: 'y'.repeat(47) }), 100).size).toBe(2);
    expect(() => readForm(post({ a: 'x'.repeat(48), b: 'y'.repeat(48) }), 100)).toThrow(expect.objectContaining({ status: 413 }));
  });

  it('R8 counts every value of a repeated parameter before refusing it as repeated', () => {
    expect(() => readForm(post({ a: ['x'.repeat(60), 'y'.repeat(60)] }), 100)).toThrow(expect.objectContaining({ status: 413 }));
    expect(() => readForm(post({ a: ['x', 'y'] }), 100)).toThrow(expect.objectContaining({ status: 400, reason: 'repeated_parameter' }));
  });

  it('R8 refuses a parsed form whose Content-Length was over the limit, with 413', () => {
    const request: PlainRequest = { method: 'POST', headers: { 'content-type': FORM, 'content-length': '101' }, body: { a: 'b' } };
    expect(() => readForm(request, 100)).toThrow(expect.objectContaining({ status: 413, reason: 'body_too_large' }));
    expect(readForm({ ...request, headers: { 'content-type': FORM, 'content-length': '100' } }, 100).get('a')).toBe('b');
  });

  it('a long parameter name is cut in the error description', () => {
    const name = 'n'.repeat(500);
    try {
      readForm(post(`${name}=1&${name}=2`), LIMIT);
      throw new Error('expected a rejection');
    } catch (err) {
      expect((err as Error).message.length).toBeLessThan(120);
    }
  });
});

describe('param and header', () => {
  it('R2 param treats an empty value as absent', () => {
    const params = new Map([
      ['a', ''],
      ['b', 'x'],
    ]);
    expect(param(params, 'a')).toBeUndefined();
    expect(param(params, 'b')).toBe('x');
    expect(param(params, 'c')).toBeUndefined();
  });

  it('header reads the first of a repeated header', () => {
    expect(header({ method: 'POST', headers: { authorization: ['Basic a', 'Basic b'] } }, 'authorization')).toBe('Basic a');
    expect(header({ method: 'POST', headers: {} }, 'authorization')).toBeUndefined();
  });
});

describe('repeatable resource (RFC 8707 §2)', () => {
  it('keeps up to 16 values of resource, in order, and refuses a 17th as a repeated parameter (rule R3)', () => {
    const sixteen = Array.from({ length: 16 }, (_, i) => `resource=https%3A%2F%2Fr${i}.example`).join('&');
    const params = readForm(post(`grant_type=x&${sixteen}`), LIMIT);
    expect(paramValues(params, 'resource')).toEqual(Array.from({ length: 16 }, (_, i) => `https://r${i}.example`));
    expect(() => readForm(post(`grant_type=x&${sixteen}&resource=https%3A%2F%2Fr16.example`), LIMIT)).toThrow(
      expect.objectContaining({ error: 'invalid_request', reason: 'repeated_parameter' }),
    );
  });

  it('refuses a body of thousands of empty resource values at the 17th, so reading it stays linear', () => {
    const body = 'resource=&'.repeat(6553);
    expect(() => readForm(post(body), 65536)).toThrow(expect.objectContaining({ reason: 'repeated_parameter' }));
  });
});

describe('a parsed body (a framework parsed the form first)', () => {
  it('RFC 8707 §2 keeps every value of resource a body parser gave as an array, and refuses another array or a non-string item', () => {
    const params = readForm(post({ grant_type: 'x', resource: ['https://a.example', 'https://b.example'] }), LIMIT);
    expect(paramValues(params, 'resource')).toEqual(['https://a.example', 'https://b.example']);
    expect(param(params, 'resource')).toBe('https://a.example');
    expect(paramValues(readForm(post({ resource: 'https://a.example' }), LIMIT), 'resource')).toEqual(['https://a.example']);
    expect(() => readForm(post({ scope: ['a', 'b'] }), LIMIT)).toThrow(expect.objectContaining({ reason: 'repeated_parameter' }));
    expect(() => readForm(post({ resource: ['https://a.example', 5] }), LIMIT)).toThrow(expect.objectContaining({ error: 'invalid_request' }));
  });

  it('names a parameter whose value is not text in the description, cut to 64 characters', () => {
    for (const [name, shown] of [['scope', 'scope'], ['n'.repeat(100), 'n'.repeat(64)]]) {
      try {
        readForm(post({ [name as string]: 5 }), LIMIT);
        throw new Error('expected a rejection');
      } catch (err) {
        expect(err).toMatchObject({ error: 'invalid_request', reason: 'malformed_body' });
        expect((err as Error).message).toBe(`parameter ${shown} is malformed`);
      }
    }
  });

  it('R8 says the body is too large in the description of its 413', () => {
    expect(() => readForm(post('a='.padEnd(200, 'x')), 100)).toThrow(expect.objectContaining({ status: 413, message: expect.stringMatching(/too large/) }));
  });

  it('paramValues gives the one value of a parameter that does not repeat, and drops empty values of resource', () => {
    const params = readForm(post('scope=a&resource=&resource=https%3A%2F%2Fr.example&resource='), LIMIT);
    expect(paramValues(params, 'scope')).toEqual(['a']);
    expect(paramValues(params, 'resource')).toEqual(['https://r.example']);
    expect(paramValues(params, 'audience')).toEqual([]);
  });
});
