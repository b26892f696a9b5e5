import { createExplainHandler, type ExplainHandler } from '@rfc7523/core';
import { clientClaims, frozenClock, ISSUER, jwks, makeKey, makeServer, rawToken } from '../support/fixtures.js';

const clock = frozenClock();
let explain: ExplainHandler;
let body: string;

beforeAll(async () => {
  const worker = await makeKey('ES256', 'w1');
  const server = await makeServer({ now: clock.now, clients: [{ client_id: 'worker', jwks: jwks(worker) }] });
  explain = createExplainHandler(server, { now: clock.now, burst: 1000, perMinute: 100_000 })!;
  body = new URLSearchParams({ assertion: rawToken({ alg: 'ES256' }, clientClaims(clock, 'worker')), use: 'client' }).toString();
});

const post = (headers: Record<string, string>) =>
  explain.handle({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body, clientAddress: '192.0.2.1' });

describe('a dry run posted from another site (a form needs no preflight) is refused with 403', () => {
  it.each<Record<string, string>>([
    { 'sec-fetch-site': 'cross-site' },
    { 'sec-fetch-site': 'same-site' },
    { 'sec-fetch-site': 'cross-site', origin: ISSUER },
    { origin: 'https://evil.example' },
    { origin: 'null' },
    { origin: 'https://as.example.com:8443' },
  ])('%j: 403 invalid_request, JSON, no dry run', async (headers) => {
    const response = await post(headers);
    expect(response.status).toBe(403);
    expect(response.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    const answer = JSON.parse(response.body) as Record<string, unknown>;
    expect(answer.error).toBe('invalid_request');
    expect(answer.error_description).toMatch(/another site/);
    expect(answer.steps).toBeUndefined();
  });

  it.each<Record<string, string>>([
    {},
    { 'sec-fetch-site': 'same-origin', origin: 'http://127.0.0.1:3000' },
    { 'sec-fetch-site': 'none' },
    { origin: ISSUER },
    { origin: new URL(ISSUER).origin },
  ])('%j: allowed (the page itself, or no browser at all)', async (headers) => {
    const response = await post(headers);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).steps).toBeDefined();
  });

  it('a refused cross-site POST spends no rate-limit budget', async () => {
    const server = await makeServer({ now: clock.now, clients: [] });
    const tight = createExplainHandler(server, { now: clock.now, burst: 1, perClientPerMinute: 1 })!;
    const request = (headers: Record<string, string>) => tight.handle({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body, clientAddress: '192.0.2.9' });
    for (let i = 0; i < 3; i++) expect((await request({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await request({})).status).toBe(200);
  });
});
