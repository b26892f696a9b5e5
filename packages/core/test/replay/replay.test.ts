import { MemoryReplayStore, type ReplayStore, type Rfc7523Event } from '@rfc7523/core';
import { jtiReplayKey, signatureReplayKey } from '../../src/replay/replay-store.js';
import { clientClaims, clientCredentials, frozenClock, grantClaims, jwks, jwtBearer, makeKey, makeServer, sign, type TestKey } from '../support/fixtures.js';

const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
const clock = frozenClock();
let ciKey: TestKey;
let wifKey: TestKey;
let workerKey: TestKey;
let otherKey: TestKey;

beforeAll(async () => {
  ciKey = await makeKey('ES256', 'ci');
  wifKey = await makeKey('ES256', 'wif');
  workerKey = await makeKey('ES256', 'w');
  otherKey = await makeKey('EdDSA', 'o');
});

const registrations = () => ({
  trustedIssuers: [
    { issuer: 'ci', jwks: jwks(ciKey), allow_any_subject: true as const },
    { issuer: 'ci-2', jwks: jwks(ciKey), allow_any_subject: true as const },
    { issuer: 'workload', jwks: jwks(wifKey), allow_any_subject: true as const, require_jti: false },
  ],
  clients: [
    { client_id: 'worker', jwks: jwks(workerKey) },
    { client_id: 'other', jwks: jwks(otherKey) },
  ],
});
const serverWith = (extra: Parameters<typeof makeServer>[0] = { now: clock.now }) => makeServer({ ...registrations(), ...extra });
const noJti = (extra = {}) => sign(wifKey, grantClaims(clock, 'workload', 'pod', { jti: undefined, ...extra }));

/** The same ECDSA signature in its other valid form, (r, n - s). */
function malleate(token: string): string {
  const [h, c, s] = token.split('.') as [string, string, string];
  const sig = Buffer.from(s, 'base64url');
  const high = P256_ORDER - BigInt(`0x${sig.subarray(32).toString('hex')}`);
  const other = Buffer.concat([sig.subarray(0, 32), Buffer.from(high.toString(16).padStart(64, '0'), 'hex')]);
  return `${h}.${c}.${other.toString('base64url')}`;
}

/** The same signature bytes spelled differently: the last base64url character carries 4 unused bits. */
function respell(token: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = token.at(-1) as string;
  const respelled = `${token.slice(0, -1)}${alphabet[alphabet.indexOf(last) ^ 1]}`;
  const sig = (t: string) => Buffer.from(t.split('.')[2] as string, 'base64url');
  expect(respelled).not.toBe(token);
  expect(sig(respelled).equals(sig(token))).toBe(true);
  return respelled;
}

describe('J7 jti and replay', () => {
  it('J7 refuses the same jti twice', async () => {
    const server = await serverWith();
    const token = await sign(ciKey, grantClaims(clock, 'ci', 'a', { jti: 'once' }));
    await expect(server.exchange(jwtBearer(token))).resolves.toBeDefined();
    await expect(server.exchange(jwtBearer(token))).rejects.toMatchObject({ error: 'invalid_grant', status: 400, reason: 'jti_replayed' });
    const again = await sign(ciKey, grantClaims(clock, 'ci', 'b', { jti: 'once' }));
    await expect(server.exchange(jwtBearer(again))).rejects.toMatchObject({ error: 'invalid_grant', status: 400, reason: 'jti_replayed' });
  });

  it('J7 keys replay on (iss, jti): the same jti from another issuer or client is fine', async () => {
    const server = await serverWith();
    await server.exchange(jwtBearer(await sign(ciKey, grantClaims(clock, 'ci', 'a', { jti: 'shared' }))));
    await expect(server.exchange(jwtBearer(await sign(ciKey, grantClaims(clock, 'ci-2', 'a', { jti: 'shared' }))))).resolves.toBeDefined();
    await server.exchange(clientCredentials(await sign(workerKey, clientClaims(clock, 'worker', { jti: 'shared' }))));
    await expect(server.exchange(clientCredentials(await sign(otherKey, clientClaims(clock, 'other', { jti: 'shared' }))))).resolves.toBeDefined();
    await expect(server.exchange(clientCredentials(await sign(workerKey, clientClaims(clock, 'worker', { jti: 'shared' }))))).rejects.toMatchObject({
      error: 'invalid_client',
      status: 401,
      reason: 'jti_replayed',
    });
  });

  it('J7 of 20 concurrent exchanges with one grant assertion exactly one succeeds', async () => {
    const server = await serverWith();
    const token = await sign(ciKey, grantClaims(clock, 'ci', 'a'));
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => server.exchange(jwtBearer(token))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) expect(r.reason).toMatchObject({ error: 'invalid_grant', status: 400, reason: 'jti_replayed' });
  });

  it('J7 of 20 concurrent exchanges with one client assertion exactly one succeeds', async () => {
    const server = await serverWith();
    const token = await sign(workerKey, clientClaims(clock, 'worker'));
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => server.exchange(clientCredentials(token))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('J7 instances sharing a replay store refuse each other’s used assertions', async () => {
    const replayStore = new MemoryReplayStore({ now: clock.now });
    const [a, b] = await Promise.all([serverWith({ now: clock.now, replayStore }), serverWith({ now: clock.now, replayStore })]);
    const token = await sign(ciKey, grantClaims(clock, 'ci', 'a'));
    const results = await Promise.allSettled([a, b, a, b].map((s) => s.exchange(jwtBearer(token))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('J7 remembers (iss, jti) until exp plus the clock tolerance', async () => {
    const calls: Array<[string, number]> = [];
    const replayStore: ReplayStore = { remember: async (key, expiresAt) => (calls.push([key, expiresAt]), true) };
    const server = await serverWith({ now: clock.now, replayStore, clockTolerance: 20 });
    const exp = clock.seconds() + 60;
    await server.exchange(jwtBearer(await sign(ciKey, grantClaims(clock, 'ci', 'a', { jti: 'j-1', exp }))));
    expect(calls).toEqual([[jtiReplayKey('ci', 'j-1'), exp + 20]]);
  });

  it('J7 does not use up the jti of an assertion whose signature fails', async () => {
    const server = await serverWith();
    const good = await sign(ciKey, grantClaims(clock, 'ci', 'a', { jti: 'precious' }));
    const forged = `${good.slice(0, good.lastIndexOf('.'))}.${Buffer.alloc(64, 1).toString('base64url')}`;
    await expect(server.exchange(jwtBearer(forged))).rejects.toMatchObject({ error: 'invalid_grant', status: 400, reason: 'signature_invalid' });
    await expect(server.exchange(jwtBearer(good))).resolves.toBeDefined();
  });

  it('J7 the replay key joins issuer and jti unambiguously', () => {
    expect(jtiReplayKey('a:b', 'c')).not.toBe(jtiReplayKey('a', 'b:c'));
    expect(jtiReplayKey('ab', 'c')).not.toBe(jtiReplayKey('a', 'bc'));
    expect(jtiReplayKey('a', 'b')).not.toBe(signatureReplayKey('a', 'b'));
    expect(signatureReplayKey('i"', 'd')).not.toBe(signatureReplayKey('i', '"d'));
  });

  it('J7 replay keys are stored data: their format is fixed, and a jti key never equals a signature key', () => {
    // Instances of two releases share one Redis during a rolling deploy, so both must compute the same key.
    expect(jtiReplayKey('ci', 'j-1')).toBe('j["ci","j-1"]');
    expect(signatureReplayKey('ci', 'j-1')).toBe('s["ci","j-1"]');
  });

  describe('J7 issuers allowed without jti: replay keyed on the signature', () => {
    it('J7 accepts an assertion without jti once, and refuses it again', async () => {
      const server = await serverWith();
      const token = await noJti();
      await expect(server.exchange(jwtBearer(token))).resolves.toBeDefined();
      await expect(server.exchange(jwtBearer(token))).rejects.toMatchObject({ error: 'invalid_grant', status: 400, reason: 'jti_replayed' });
    });

    it('J7 a replay without jti names no claim, and its replay.detected event carries no jti', async () => {
      const events: Rfc7523Event[] = [];
      const server = await serverWith({ now: clock.now, onEvent: (e) => events.push(e) });
      const token = await noJti();
      await server.exchange(jwtBearer(token));
      const err = await server.exchange(jwtBearer(token)).catch((e: unknown) => e);
      expect(err).toMatchObject({ reason: 'jti_replayed', claim: undefined, detail: 'the assertion was already used' });
      expect(events).toContainEqual({ type: 'replay.detected', use: 'authorization_grant', issuer: 'workload' });
    });

    it('J7 distinct assertions without jti are each accepted', async () => {
      const server = await serverWith();
      await expect(server.exchange(jwtBearer(await noJti({ iat: clock.seconds() })))).resolves.toBeDefined();
      await expect(server.exchange(jwtBearer(await noJti({ iat: clock.seconds() - 1 })))).resolves.toBeDefined();
    });

    it('J7 keys on the decoded signature bytes, not the token text (a re-spelled signature is a replay)', async () => {
      const token = await noJti();
      const respelled = respell(token);
      const fresh = await serverWith();
      await expect(fresh.exchange(jwtBearer(respelled))).resolves.toBeDefined();
      const server = await serverWith();
      await server.exchange(jwtBearer(token));
      await expect(server.exchange(jwtBearer(respelled))).rejects.toMatchObject({ error: 'invalid_grant', status: 400, reason: 'jti_replayed' });
    });

    it('J7 an ES256 signature re-encoded as (r, n - s) is still detected as a replay', async () => {
      const token = await noJti();
      const twin = malleate(token);
      expect(twin).not.toBe(token);
      // The twin verifies on its own: the attack is real.
      const fresh = await serverWith();
      await expect(fresh.exchange(jwtBearer(twin))).resolves.toBeDefined();
      await expect(fresh.exchange(jwtBearer(token))).rejects.toMatchObject({ error: 'invalid_grant', status: 400, reason: 'jti_replayed' });
      const server = await serverWith();
      await server.exchange(jwtBearer(token));
      await expect(server.exchange(jwtBearer(twin))).rejects.toMatchObject({ error: 'invalid_grant', status: 400, reason: 'jti_replayed' });
    });

    it('J7 an issuer allowed without jti still has a jti checked when it sends one', async () => {
      const server = await serverWith();
      await server.exchange(jwtBearer(await noJti({ jti: 'x' })));
      await expect(server.exchange(jwtBearer(await noJti({ jti: 'x', iat: clock.seconds() - 5 })))).rejects.toMatchObject({ error: 'invalid_grant', status: 400, reason: 'jti_replayed' });
      await expect(server.exchange(jwtBearer(await noJti({ jti: 7 })))).rejects.toMatchObject({ error: 'invalid_grant', status: 400, reason: 'invalid_claim' });
    });
  });

  describe('J7 a replay store that cannot answer', () => {
    it('J7 fails closed with 503 temporarily_unavailable and Retry-After', async () => {
      const events: Rfc7523Event[] = [];
      const replayStore: ReplayStore = { remember: () => Promise.reject(new Error('ECONNREFUSED 10.0.0.1:6379')) };
      const server = await serverWith({ now: clock.now, replayStore, onEvent: (e) => events.push(e) });
      const token = await sign(ciKey, grantClaims(clock, 'ci', 'a'));
      await expect(server.exchange(jwtBearer(token))).rejects.toMatchObject({
        error: 'temporarily_unavailable',
        status: 503,
        reason: 'replay_store_unavailable',
      });
      const res = await server.handleTokenRequest(jwtBearer(token));
      expect(res.status).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.headers['cache-control']).toBe('no-store');
      expect(JSON.stringify(res.body)).not.toContain('ECONNREFUSED');
      expect(events).toContainEqual({ type: 'replay_store.unavailable', reason: 'ECONNREFUSED 10.0.0.1:6379' });
      expect(events.some((e) => e.type === 'assertion.accepted')).toBe(false);
    });

    it('J7 fails closed for client assertions too, whatever the store throws', async () => {
      const events: Rfc7523Event[] = [];
      const replayStore: ReplayStore = { remember: () => Promise.reject('down') };
      const server = await serverWith({ now: clock.now, replayStore, onEvent: (e) => events.push(e) });
      await expect(server.exchange(clientCredentials(await sign(workerKey, clientClaims(clock, 'worker'))))).rejects.toMatchObject({
        error: 'temporarily_unavailable',
        status: 503,
      });
      expect(events).toContainEqual({ type: 'replay_store.unavailable', reason: 'failed' });
    });
  });
});
