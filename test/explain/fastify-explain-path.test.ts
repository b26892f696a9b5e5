/**
 * The Fastify explain route has its own path (docs/explain.md): the engine rate-limits before anything
 * reads the body, and a refusal (413, 429) carries the explain headers and reports no token-endpoint
 * event (`request.failed`). Through `inject`, with a body stream that records whether it was read.
 */
import { Readable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import { createAuthorizationServer, type Rfc7523Event } from '@rfc7523/core';
import { fastifyRfc7523 } from '@rfc7523/fastify';
import { Clock, FORM, ISSUER } from '../support/engine-fixture.js';

let app: FastifyInstance;
const events: Rfc7523Event[] = [];

beforeAll(async () => {
  const clock = new Clock();
  const server = await createAuthorizationServer({ issuer: ISSUER, now: clock.now, maxBodyLength: 4096, onEvent: (e) => events.push(e), clients: [] });
  app = Fastify({ logger: false });
  await app.register(fastifyRfc7523, { server, explain: { burst: 1, perClientPerMinute: 1, now: clock.now } });
  await app.ready();
});
afterAll(async () => {
  await app?.close();
});
beforeEach(() => {
  events.length = 0;
});

/** A form body as a stream that records whether anything pulled from it. */
function body(text: string): { stream: Readable; read: () => boolean } {
  let pulled = false;
  let sent = false;
  const stream = new Readable({
    read() {
      pulled = true;
      if (!sent) {
        sent = true;
        this.push(text);
      }
      this.push(null);
    },
  });
  return { stream, read: () => pulled };
}

const EXPLAIN_HEADERS = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff', 'content-type': 'application/json; charset=utf-8' };

describe('the Fastify explain route', () => {
  it('a body over maxBodyLength: 413 with the explain headers, no request.failed event', async () => {
    const big = body(`assertion=${'a'.repeat(5000)}`);
    const res = await app.inject({ method: 'POST', url: '/explain', headers: { 'content-type': FORM, 'content-length': '5010' }, payload: big.stream, remoteAddress: '192.0.2.1' });
    expect(res.statusCode).toBe(413);
    expect(res.headers).toMatchObject(EXPLAIN_HEADERS);
    expect(res.json()).toMatchObject({ error: 'invalid_request' });
    expect(events.filter((e) => e.type === 'request.failed')).toEqual([]);
  });

  it('rate-limited before the body is read: the second request of an address is 429 and its body never pulled', async () => {
    const first = body('assertion=x.y.z');
    expect((await app.inject({ method: 'POST', url: '/explain', headers: { 'content-type': FORM }, payload: first.stream, remoteAddress: '192.0.2.2' })).statusCode).toBe(200);
    expect(first.read()).toBe(true);
    const second = body('assertion=x.y.z');
    const res = await app.inject({ method: 'POST', url: '/explain', headers: { 'content-type': FORM }, payload: second.stream, remoteAddress: '192.0.2.2' });
    expect(res.statusCode).toBe(429);
    expect(res.headers).toMatchObject({ ...EXPLAIN_HEADERS, 'retry-after': '60' });
    expect(second.read()).toBe(false);
    expect(events.filter((e) => e.type === 'request.failed')).toEqual([]);
  });

  it('the token endpoint keeps its own parser and error path: 413 there is still reported', async () => {
    const res = await app.inject({ method: 'POST', url: '/token', headers: { 'content-type': FORM }, payload: `grant_type=${'a'.repeat(5000)}`, remoteAddress: '192.0.2.3' });
    expect(res.statusCode).toBe(413);
    expect(events.map((e) => e.type)).toContain('request.failed');
  });
});
