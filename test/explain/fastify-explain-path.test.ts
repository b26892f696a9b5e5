/**
 * The Fastify explain route has its own path (docs/explain.md): the engine rate-limits before anything
 * reads the body, and a refusal (413, 429) carries the explain headers and reports no token-endpoint
 * event (`request.failed`). Over a real loopback connection (light-my-request's inject() cannot load its
 * ES-module dependency inside jest on Node 22); each test has its own app, so its own rate-limit buckets.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { createAuthorizationServer, type Rfc7523Event } from '@rfc7523/core';
import { fastifyRfc7523 } from '@rfc7523/fastify';
import { inject } from '../../packages/fastify/test/support/inject.js';
import { Clock, FORM, ISSUER } from '../support/engine-fixture.js';

let app: FastifyInstance;
const events: Rfc7523Event[] = [];

beforeEach(async () => {
  events.length = 0;
  const clock = new Clock();
  const server = await createAuthorizationServer({ issuer: ISSUER, now: clock.now, maxBodyLength: 4096, onEvent: (e) => events.push(e), clients: [] });
  app = Fastify({ logger: false });
  await app.register(fastifyRfc7523, { server, explain: { burst: 1, perClientPerMinute: 1, now: clock.now } });
  await app.ready();
});
afterEach(async () => {
  await app?.close();
});

const EXPLAIN_HEADERS = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer', 'x-content-type-options': 'nosniff', 'content-type': 'application/json; charset=utf-8' };

/**
 * Sends the headers of a POST announcing `length` body bytes and never sends the body: the answer can only
 * come from a server that decides without reading it. Rejects when none comes within `ms`.
 */
function headersOnly(path: string, length: number, ms = 5000): Promise<{ res: IncomingMessage; body: string }> {
  const { port } = app.server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: 'POST', path, agent: false, headers: { 'content-type': FORM, 'content-length': length } });
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`no answer within ${ms} ms without the body: the server waited to read it`));
    }, ms);
    req.on('response', (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        clearTimeout(timer);
        req.destroy();
        resolve({ res, body });
      });
    });
    req.on('error', () => {});
    req.flushHeaders();
  });
}

describe('the Fastify explain route', () => {
  it('a body over maxBodyLength: 413 with the explain headers, no request.failed event', async () => {
    const res = await inject(app, { method: 'POST', url: '/explain', headers: { 'content-type': FORM }, payload: `assertion=${'a'.repeat(5000)}` });
    expect(res.statusCode).toBe(413);
    expect(res.headers).toMatchObject(EXPLAIN_HEADERS);
    expect(res.json()).toMatchObject({ error: 'invalid_request' });
    expect(events.filter((e) => e.type === 'request.failed')).toEqual([]);
  });

  it('rate-limited before the body is read: the second request of an address is 429 without its body ever sent', async () => {
    expect((await inject(app, { method: 'POST', url: '/explain', headers: { 'content-type': FORM }, payload: 'assertion=x.y.z' })).statusCode).toBe(200);
    const { res, body } = await headersOnly('/explain', 2000);
    expect(res.statusCode).toBe(429);
    expect(res.headers).toMatchObject({ ...EXPLAIN_HEADERS, 'retry-after': '60' });
    expect(JSON.parse(body)).toMatchObject({ error: expect.any(String) });
    expect(events.filter((e) => e.type === 'request.failed')).toEqual([]);
    // The probe tells the two apart: the token endpoint reads its body first, so it does not answer.
    await expect(headersOnly('/token', 2000, 1500)).rejects.toThrow(/the server waited to read it/);
  });

  it('the token endpoint keeps its own parser and error path: 413 there is still reported', async () => {
    const res = await inject(app, { method: 'POST', url: '/token', headers: { 'content-type': FORM }, payload: `grant_type=${'a'.repeat(5000)}` });
    expect(res.statusCode).toBe(413);
    expect(events.map((e) => e.type)).toContain('request.failed');
  });
});
