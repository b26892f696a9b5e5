/**
 * The two refusals that are the server's fault, not the token's (RFC 6749 §5.2 leaves them to the server;
 * we answer temporarily_unavailable, 503): the issuer's keys cannot be fetched (rule J10) and the replay
 * store cannot be asked (rule J7). A real JWKS endpoint on 127.0.0.1 that answers 500, and a replay store
 * whose every call is refused, stand for the two outages.
 */
import type { ReplayStore, Rfc7523Event } from '@rfc7523/core';
import { startJwksServer, type JwksServer } from '../../../../test/support/jwks-server.js';
import { frozenClock, grantClaims, jwks, jwtBearer, makeKey, makeServer, sign, type TestKey } from '../support/fixtures.js';

const clock = frozenClock();
let key: TestKey;
let jwksServer: JwksServer;

beforeAll(async () => {
  key = await makeKey('ES256', 'k1');
  jwksServer = await startJwksServer([key.publicJwk]);
  jwksServer.mode = 'fail';
});

afterAll(() => jwksServer.close());

const caught = async (run: Promise<unknown>) => run.then(
  () => {
    throw new Error('expected a refusal');
  },
  (err: Error & Record<string, unknown>) => err,
);

describe('refusals that are outages: temporarily_unavailable with a description, the cause kept, one event', () => {
  it('J10 keys that cannot be fetched', async () => {
    const events: Rfc7523Event[] = [];
    const server = await makeServer({ now: clock.now, onEvent: (e) => events.push(e), trustedIssuers: [{ issuer: 'ci', jwks_uri: jwksServer.uri, allow_any_subject: true }] });
    const err = await caught(server.exchange(jwtBearer(await sign(key, grantClaims(clock, 'ci', 'pod')))));
    expect(err).toMatchObject({ error: 'temporarily_unavailable', status: 503, reason: 'jwks_unavailable', message: 'the keys of the issuer cannot be fetched now' });
    expect(typeof err.detail).toBe('string');
    expect(err.cause).toBeDefined();
    expect(events.filter((e) => e.type === 'assertion.rejected')).toEqual([
      { type: 'assertion.rejected', use: 'authorization_grant', error: 'temporarily_unavailable', reason: 'jwks_unavailable', detail: err.detail, issuer: 'ci' },
    ]);
  });

  it('J7 a replay store that cannot be asked', async () => {
    const events: Rfc7523Event[] = [];
    const outage = new Error('connection refused');
    const down: ReplayStore = { remember: () => Promise.reject(outage) };
    const server = await makeServer({ now: clock.now, onEvent: (e) => events.push(e), replayStore: down, trustedIssuers: [{ issuer: 'ci', jwks: jwks(key), allow_any_subject: true }] });
    const err = await caught(server.exchange(jwtBearer(await sign(key, grantClaims(clock, 'ci', 'pod')))));
    expect(err).toMatchObject({ error: 'temporarily_unavailable', status: 503, reason: 'replay_store_unavailable', message: 'the replay check cannot be made now' });
    expect(typeof err.detail).toBe('string');
    expect(err.cause).toBe(outage);
    expect(events.filter((e) => e.type === 'replay_store.unavailable')).toEqual([{ type: 'replay_store.unavailable', reason: err.detail }]);
  });

  it('J7 an accepted assertion without jti is reported without a jti member', async () => {
    const events: Rfc7523Event[] = [];
    const server = await makeServer({ now: clock.now, onEvent: (e) => events.push(e), trustedIssuers: [{ issuer: 'ci', jwks: jwks(key), allow_any_subject: true, require_jti: false }] });
    const { jti: _jti, ...claims } = grantClaims(clock, 'ci', 'pod');
    await server.exchange(jwtBearer(await sign(key, claims)));
    const accepted = events.find((e) => e.type === 'assertion.accepted');
    expect(accepted).toEqual({ type: 'assertion.accepted', use: 'authorization_grant', issuer: 'ci', subject: 'pod' });
    expect(accepted !== undefined && 'jti' in accepted).toBe(false);
  });
});

describe('the shape of refusal events and trace steps (no member holding undefined)', () => {
  it('an assertion.rejected event has exactly its members: no claim, issuer or condition member when there is none', async () => {
    const events: Rfc7523Event[] = [];
    const server = await makeServer({ now: clock.now, onEvent: (e) => events.push(e), trustedIssuers: [{ issuer: 'ci', jwks: jwks(key), allow_any_subject: true }] });
    await caught(server.exchange(jwtBearer('not-a-jwt')));
    const [rejected] = events.filter((e) => e.type === 'assertion.rejected');
    expect(rejected).toStrictEqual({ type: 'assertion.rejected', use: 'authorization_grant', error: 'invalid_grant', reason: 'malformed_jwt', detail: expect.any(String) });
    const token = await sign(key, { ...grantClaims(clock, 'ci', 'pod'), exp: clock.seconds() - 300, iat: clock.seconds() - 600 });
    events.length = 0;
    await caught(server.exchange(jwtBearer(token)));
    expect(events.filter((e) => e.type === 'assertion.rejected')).toStrictEqual([
      { type: 'assertion.rejected', use: 'authorization_grant', error: 'invalid_grant', reason: 'expired', detail: expect.any(String), claim: 'exp', issuer: 'ci' },
    ]);
  });

  it('a failed trace step has no claim member when the refusal names none', async () => {
    const server = await makeServer({ now: clock.now, trustedIssuers: [{ issuer: 'ci', jwks: jwks(key), allow_any_subject: true }] });
    const trace = await server.traceAssertion('authorization_grant', 'not-a-jwt');
    const failed = trace.steps.find((s) => s.result === 'fail');
    expect(failed).toStrictEqual({ id: 'compact', rule: 'J13', check: expect.any(String), result: 'fail', reason: 'malformed_jwt', detail: expect.any(String) });
  });
});
