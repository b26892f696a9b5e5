import { createExplainHandler, type AuthorizationServer, type ExplainHandler, type Rfc7523Event } from '@rfc7523/core';
import { clientClaims, frozenClock, grantClaims, jwks, makeKey, makeServer, rawToken, sign, type TestKey } from '../support/fixtures.js';

const clock = frozenClock();
const events: Rfc7523Event[] = [];
let server: AuthorizationServer;
let explain: ExplainHandler;
let worker: TestKey;

beforeAll(async () => {
  worker = await makeKey('ES256', 'w1');
  server = await makeServer({ now: clock.now, onEvent: (e) => events.push(e), clients: [{ client_id: 'worker', jwks: jwks(worker) }], trustedIssuers: [{ issuer: 'ci', jwks: jwks(worker), subjects: ['repo:a'] }] });
  explain = createExplainHandler(server, { now: clock.now, burst: 1000, perMinute: 100_000 })!;
});
beforeEach(() => {
  events.length = 0;
});

const post = (handler: ExplainHandler, fields: Record<string, string>) =>
  handler.handle({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), clientAddress: '192.0.2.1' });

/** Every string an event holds, to look for the token's parts in. */
const texts = (e: Rfc7523Event) => JSON.stringify(e);

describe('one token-free explain.dry_run event per dry run', () => {
  it('an accepted assertion: use and verdict, nothing of the token', async () => {
    const claims = clientClaims(clock, 'worker');
    const assertion = await sign(worker, claims);
    await post(explain, { assertion, use: 'client' });
    expect(events).toEqual([{ type: 'explain.dry_run', use: 'client_authentication', verdict: 'pass' }]);
    for (const part of [...assertion.split('.'), String(claims.jti)]) expect(texts(events[0]!)).not.toContain(part);
  });

  it('a refusal: the failing step and reason as the engine decided them (the operator may know), no jti, sub or signature', async () => {
    const claims = grantClaims(clock, 'ci', 'repo:secret-subject');
    const assertion = rawToken({ alg: 'ES256', kid: 'w1' }, claims);
    await post(explain, { assertion, use: 'grant' });
    expect(events).toEqual([{ type: 'explain.dry_run', use: 'authorization_grant', verdict: 'fail', step: 'subject', reason: 'sub_not_allowed' }]);
    for (const part of [assertion.split('.')[2]!, String(claims.jti), 'repo:secret-subject']) expect(texts(events[0]!)).not.toContain(part);
  });

  it('no dry run (a bad request, a refused cross-site post): no event', async () => {
    await post(explain, {});
    await explain.handle({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' }, body: 'assertion=a.b.c', clientAddress: '192.0.2.1' });
    expect(events).toEqual([]);
  });

  it('an unexpected failure: a server_error event without the message or the token, and a generic 500', async () => {
    const failing = await makeServer({ now: clock.now, onEvent: (e) => events.push(e), clients: [{ client_id: 'worker', jwks: jwks(worker) }] });
    const assertion = rawToken({ alg: 'ES256' }, clientClaims(clock, 'worker'));
    // The server is frozen: a bug is planted on its class for this one call.
    const proto = Object.getPrototypeOf(failing) as { traceAssertion: AuthorizationServer['traceAssertion'] };
    const original = proto.traceAssertion;
    proto.traceAssertion = () => Promise.reject(new Error(`bug while reading ${assertion}`));
    let response;
    try {
      response = await post(createExplainHandler(failing, { now: clock.now })!, { assertion, use: 'client' });
    } finally {
      proto.traceAssertion = original;
    }
    expect(response.status).toBe(500);
    expect(response.body).not.toContain(assertion);
    expect(events).toEqual([{ type: 'explain.dry_run', verdict: 'error', error: 'server_error', reason: 'server_error' }]);
  });
});
