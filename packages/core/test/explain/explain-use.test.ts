import { createExplainHandler, InvalidRequestError, type AssertionUse, type AuthorizationServer, type ExplainHandler } from '@rfc7523/core';
import { clientClaims, frozenClock, jwks, makeKey, makeServer, rawToken } from '../support/fixtures.js';

const clock = frozenClock();
let server: AuthorizationServer;
let explain: ExplainHandler;

beforeAll(async () => {
  const worker = await makeKey('ES256', 'w1');
  server = await makeServer({ now: clock.now, clients: [{ client_id: 'worker', jwks: jwks(worker), scope: 'read' }] });
  explain = createExplainHandler(server, { now: clock.now, burst: 1000, perMinute: 100_000 })!;
});

const unsigned = () => rawToken({ alg: 'ES256' }, clientClaims(clock, 'worker'));
const dryRun = (use: string) =>
  explain.handle({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ assertion: unsigned(), use }).toString(), clientAddress: '192.0.2.1' });

describe('the use of a dry run: only the four choices, never a property of Object.prototype', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'Client'])('use=%j is 400 invalid_request, not a 500', async (use) => {
    const response = await dryRun(use);
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({ error: 'invalid_request', error_description: 'use must be client, grant, platform or id-jag' });
  });

  it.each(['client', 'grant', 'platform', 'id-jag'])('use=%j is a dry run', async (use) => {
    const response = await dryRun(use);
    expect(response.status).toBe(200);
    expect(JSON.parse(response.body).use).toBe(use === 'client' ? 'client_authentication' : 'authorization_grant');
  });

  it.each(['constructor', 'toString', 'client', 'grant', ''])('traceAssertion refuses the unknown use %j with invalid_request (400)', async (use) => {
    const thrown = await server.traceAssertion(use as AssertionUse, unsigned()).then(() => undefined, (err: unknown) => err);
    expect(thrown).toBeInstanceOf(InvalidRequestError);
    expect((thrown as InvalidRequestError).status).toBe(400);
  });
});
