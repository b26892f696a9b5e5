import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { formFields, plainRequestFromNode } from '@rfc7523/core';

const FORM = 'application/x-www-form-urlencoded';

/** A Node request stand-in: a readable stream with method and headers. */
function nodeRequest(method: string | undefined, headers: Record<string, string>, body?: string): IncomingMessage {
  const stream = new PassThrough() as unknown as IncomingMessage & PassThrough;
  Object.assign(stream, { method, headers });
  if (body !== undefined) stream.end(body);
  return stream;
}

async function ended(stream: IncomingMessage): Promise<IncomingMessage> {
  stream.resume();
  await new Promise((resolve) => stream.once('end', resolve));
  return stream;
}

describe('plainRequestFromNode (for adapters)', () => {
  it('reads a form body itself when no framework did', async () => {
    const req = nodeRequest('POST', { 'content-type': `${FORM}; charset=utf-8` }, 'grant_type=client_credentials');
    await expect(plainRequestFromNode(req, undefined, 1024)).resolves.toEqual({
      method: 'POST',
      headers: { 'content-type': `${FORM}; charset=utf-8` },
      body: 'grant_type=client_credentials',
    });
  });

  it('R8 refuses a body over the limit with 413 body_too_large', async () => {
    const req = nodeRequest('POST', { 'content-type': FORM }, 'a='.padEnd(2000, 'x'));
    await expect(plainRequestFromNode(req, undefined, 1024)).rejects.toMatchObject({
      error: 'invalid_request',
      status: 413,
      reason: 'body_too_large',
      // The unread rest of the body must not be parsed as the next request on this connection.
      headers: { connection: 'close' },
    });
  });

  it('R7 refuses a body that cannot be read with malformed_body (400)', async () => {
    const req = nodeRequest('POST', { 'content-type': FORM });
    (req as unknown as PassThrough).write('a=');
    const pending = plainRequestFromNode(req, undefined, 1024);
    req.destroy(new Error('ECONNRESET'));
    await expect(pending).rejects.toMatchObject({ error: 'invalid_request', status: 400, reason: 'malformed_body' });
  });

  it('does not read bodies of other types or methods: the engine refuses them by type', async () => {
    const json = nodeRequest('POST', { 'content-type': 'application/json' }, '{}');
    await expect(plainRequestFromNode(json, undefined, 1024)).resolves.toEqual({ method: 'POST', headers: { 'content-type': 'application/json' } });
    const get = nodeRequest('GET', { 'content-type': FORM }, 'a=1');
    await expect(plainRequestFromNode(get, undefined, 1024)).resolves.not.toHaveProperty('body');
    const untyped = nodeRequest('POST', {}, 'a=1');
    await expect(plainRequestFromNode(untyped, undefined, 1024)).resolves.toEqual({ method: 'POST', headers: {} });
    const none = nodeRequest(undefined, {});
    await expect(plainRequestFromNode(none, undefined, 1024)).resolves.toEqual({ method: 'GET', headers: {} });
  });

  it('uses a body a framework already read: text, bytes, or a parsed object once the stream ended', async () => {
    const text = nodeRequest('POST', { 'content-type': FORM });
    await expect(plainRequestFromNode(text, 'a=1', 1024)).resolves.toMatchObject({ body: 'a=1' });
    const bytes = new Uint8Array([97, 61, 49]);
    await expect(plainRequestFromNode(nodeRequest('POST', { 'content-type': FORM }), bytes, 1024)).resolves.toMatchObject({ body: bytes });
    const parsed = await ended(nodeRequest('POST', { 'content-type': FORM }, 'a=1'));
    await expect(plainRequestFromNode(parsed, { a: '1' }, 1024)).resolves.toMatchObject({ body: { a: '1' } });
  });

  it('R7 prefers the text a framework kept on request.rawBody to its parsed object, so the engine parses the form itself', async () => {
    // A JSON parser that ignores Content-Type turned '{"grant_type":"x"}' into an object; the text says what was sent.
    const req = await ended(nodeRequest('POST', { 'content-type': FORM }, '{"grant_type":"x"}'));
    Object.assign(req, { rawBody: Buffer.from('{"grant_type":"x"}') });
    const plain = await plainRequestFromNode(req, { grant_type: 'x' }, 1024);
    expect(Buffer.from(plain.body as Uint8Array).toString()).toBe('{"grant_type":"x"}');
    Object.assign(req, { rawBody: 'a=1' });
    await expect(plainRequestFromNode(req, { a: '1' }, 1024)).resolves.toMatchObject({ body: 'a=1' });
  });

  it('ignores an empty parsed object when the stream was not read (a framework without a form parser)', async () => {
    const req = nodeRequest('POST', { 'content-type': FORM }, 'a=1');
    await expect(plainRequestFromNode(req, {}, 1024)).resolves.toMatchObject({ body: 'a=1' });
  });

  it('gives no body when the stream was consumed by someone else', async () => {
    const req = await ended(nodeRequest('POST', { 'content-type': FORM }, 'a=1'));
    await expect(plainRequestFromNode(req, undefined, 1024)).resolves.not.toHaveProperty('body');
  });
});

describe('formFields (for adapters keeping the form on the request)', () => {
  it('gives the fields of a form read as text or bytes, on an object with no prototype', () => {
    const fields = formFields('token=abc&token_type_hint=access_token&__proto__=x');
    expect(Object.getPrototypeOf(fields)).toBeNull();
    expect({ ...fields }).toEqual({ token: 'abc', token_type_hint: 'access_token', ['__proto__']: 'x' });
    expect({ ...formFields(new TextEncoder().encode('a=%C3%A9')) }).toEqual({ a: 'é' });
  });

  it('reads a value as the engine read it, where Node\'s URLSearchParams reads it otherwise', () => {
    // The bytes 0xF0 0x9F 0xC3 0xA9: a cut-short four-byte sequence (one U+FFFD), then é; Node's URLSearchParams gives two U+FFFD.
    expect({ ...formFields('token=%F0%9F\u00e9') }).toEqual({ token: '\uFFFD\u00e9' });
  });

  it('gives undefined for a body already parsed, or none', () => {
    expect(formFields({ a: '1' })).toBeUndefined();
    expect(formFields(undefined)).toBeUndefined();
  });

  it("never replaces a parser's result, only nothing or the empty object a parser leaves for a type it skips", () => {
    expect({ ...formFields('token=abc', {}) }).toEqual({ token: 'abc' });
    expect(formFields('token=abc', { token: 'other' })).toBeUndefined();
    expect(formFields('token=abc', 'token=abc')).toBeUndefined();
    expect(formFields('token=abc', [])).toBeUndefined();
    expect(formFields('token=abc', null)).toBeUndefined();
  });
});
