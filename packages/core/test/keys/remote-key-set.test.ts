import { createSign, generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import { REMOTE_KEY_SET_DEFAULTS, type AuthorizationServer, type AuthorizationServerOptions, type Rfc7523Event } from '@rfc7523/core';
import { b64u, clientClaims, clientCredentials, frozenClock, grantClaims, jwtBearer, makeKey, makeServer, sign, type Clock, type TestKey } from '../support/fixtures.js';
import { startJwksServer, type JwksServer } from '../../../../test/support/jwks-server.js';

let k1: TestKey;
let k2: TestKey;
let k3: TestKey;
let jwksServer: JwksServer;
let clock: Clock;
let events: Rfc7523Event[];

beforeAll(async () => {
  k1 = await makeKey('ES256', 'k1');
  k2 = await makeKey('ES256', 'k2');
  k3 = await makeKey('EdDSA', 'k3');
});

beforeEach(async () => {
  jwksServer = await startJwksServer([k1.publicJwk]);
  clock = frozenClock();
  events = [];
});

afterEach(() => jwksServer.close());

/**
 * A server whose trusted issuer `ci` and client `worker` publish their keys at the test's JWKS endpoint.
 * The fetch timeout runs on the real clock, so it is generous (5 s) wherever a fetch must succeed.
 */
function serverWith(options: Partial<AuthorizationServerOptions> = {}): Promise<AuthorizationServer> {
  return makeServer({
    now: clock.now,
    onEvent: (e) => events.push(e),
    jwksFetch: { timeout: 5000 },
    trustedIssuers: [{ issuer: 'ci', jwks_uri: jwksServer.uri, allow_any_subject: true }],
    clients: [{ client_id: 'worker', jwks_uri: jwksServer.uri }],
    ...options,
  });
}

const grant = (key: TestKey) => sign(key, grantClaims(clock, 'ci', 'alice'));
const fetchedEvents = () => events.filter((e) => e.type === 'keys.fetched' || e.type === 'keys.fetch_failed');
const unavailable = { error: 'temporarily_unavailable', status: 503, reason: 'jwks_unavailable' };

describe('J10 keys from a jwks_uri', () => {
  it('J10 has the defaults of jose: 5 s timeout, 30 s cooldown, 10 min cache; and a 512 KiB body cap', () => {
    expect(REMOTE_KEY_SET_DEFAULTS).toEqual({ timeout: 5000, cooldown: 30_000, cacheMaxAge: 600_000, maxBytes: 524_288 });
  });

  it('J10 fetches the key set once and caches it', async () => {
    const server = await serverWith();
    for (let i = 0; i < 3; i++) await expect(server.exchange(jwtBearer(await grant(k1)))).resolves.toBeDefined();
    await expect(server.authenticateClient(clientCredentials(await sign(k1, clientClaims(clock, 'worker'))))).resolves.toBeDefined();
    expect(jwksServer.requests).toBe(1);
    expect(fetchedEvents()).toEqual([{ type: 'keys.fetched', uri: jwksServer.uri, keys: 1 }]);
  });

  it('J10 fetches nothing at start-up', async () => {
    await serverWith();
    expect(jwksServer.requests).toBe(0);
  });

  it('J10 concurrent requests share one fetch', async () => {
    const server = await serverWith();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => grant(k1)));
    const results = await Promise.all(tokens.map((t) => server.exchange(jwtBearer(t))));
    expect(results).toHaveLength(10);
    expect(jwksServer.requests).toBe(1);
  });

  it('J10 an unknown kid triggers one refetch, and a second unknown kid within the cooldown does not', async () => {
    const server = await serverWith();
    await server.exchange(jwtBearer(await grant(k1)));
    clock.advance(31);
    jwksServer.keys = [k1.publicJwk, k2.publicJwk];
    await expect(server.exchange(jwtBearer(await grant(k2)))).resolves.toBeDefined();
    expect(jwksServer.requests).toBe(2);
    await expect(server.exchange(jwtBearer(await grant(k3)))).rejects.toMatchObject({ error: 'invalid_grant', status: 400, reason: 'key_not_found' });
    expect(jwksServer.requests).toBe(2);
  });

  it('J10 an unknown kid right after the first fetch waits for the cooldown', async () => {
    const server = await serverWith();
    await server.exchange(jwtBearer(await grant(k1)));
    jwksServer.keys = [k2.publicJwk];
    await expect(server.exchange(jwtBearer(await grant(k2)))).rejects.toMatchObject({ error: 'invalid_grant', status: 400, reason: 'key_not_found' });
    expect(jwksServer.requests).toBe(1);
  });

  it('J10 an unknown kid that is still unknown after the refetch is key_not_found', async () => {
    const server = await serverWith();
    await server.exchange(jwtBearer(await grant(k1)));
    clock.advance(30);
    await expect(server.exchange(jwtBearer(await grant(k2)))).rejects.toMatchObject({ error: 'invalid_grant', status: 400, reason: 'key_not_found' });
    expect(jwksServer.requests).toBe(2);
  });

  it('J10 after a rotation the new key works once the cooldown has passed', async () => {
    const server = await serverWith();
    await server.exchange(jwtBearer(await grant(k1)));
    jwksServer.keys = [k2.publicJwk];
    clock.advance(10);
    await expect(server.exchange(jwtBearer(await grant(k2)))).rejects.toMatchObject({ error: 'invalid_grant', status: 400, reason: 'key_not_found' });
    clock.advance(20);
    await expect(server.exchange(jwtBearer(await grant(k2)))).resolves.toBeDefined();
    expect(jwksServer.requests).toBe(2);
    // The retired key left with the old set.
    clock.advance(30);
    await expect(server.exchange(jwtBearer(await grant(k1)))).rejects.toMatchObject({ error: 'invalid_grant', status: 400, reason: 'key_not_found' });
  });

  it('J10 the cooldown is configurable', async () => {
    const server = await serverWith({ jwksFetch: { timeout: 5000, cooldown: 0 } });
    await server.exchange(jwtBearer(await grant(k1)));
    jwksServer.keys = [k1.publicJwk, k2.publicJwk];
    await expect(server.exchange(jwtBearer(await grant(k2)))).resolves.toBeDefined();
    expect(jwksServer.requests).toBe(2);
  });

  it('J10 a stale key set is refreshed in the background while the cached keys keep answering', async () => {
    let refreshed!: () => void;
    let failed!: (e: Error) => void;
    const secondFetch = new Promise<void>((resolve, reject) => ((refreshed = resolve), (failed = reject)));
    const server = await serverWith({
      jwksFetch: { timeout: 5000, cacheMaxAge: 60_000 },
      onEvent: (e) => {
        events.push(e);
        if (e.type === 'keys.fetched' && events.filter((x) => x.type === 'keys.fetched').length === 2) refreshed();
        if (e.type === 'keys.fetch_failed') failed(new Error(`the background refresh failed: ${e.reason}`));
      },
    });
    await server.exchange(jwtBearer(await grant(k1)));
    clock.advance(61);
    jwksServer.keys = [k1.publicJwk, k2.publicJwk];
    await expect(server.exchange(jwtBearer(await grant(k1)))).resolves.toBeDefined();
    await secondFetch;
    expect(jwksServer.requests).toBe(2);
    // The refreshed set is in use without waiting for a cooldown.
    await expect(server.exchange(jwtBearer(await grant(k2)))).resolves.toBeDefined();
    expect(jwksServer.requests).toBe(2);
  });

  it('J10 keys already cached keep working when the endpoint is down', async () => {
    const server = await serverWith({ jwksFetch: { timeout: 5000, cooldown: 0 } });
    await server.exchange(jwtBearer(await grant(k1)));
    jwksServer.mode = 'fail';
    clock.advance(3600);
    // An unknown kid forces a refetch that fails; the set we had is kept.
    await expect(server.exchange(jwtBearer(await grant(k2)))).rejects.toMatchObject({ error: 'invalid_grant', status: 400, reason: 'key_not_found' });
    await expect(server.exchange(jwtBearer(await grant(k1)))).resolves.toBeDefined();
    expect(events).toContainEqual({ type: 'keys.fetch_failed', uri: jwksServer.uri, reason: 'HTTP 500' });
  });

  it('J10 an endpoint that never answered gives 503 temporarily_unavailable with Retry-After', async () => {
    jwksServer.mode = 'fail';
    const server = await serverWith();
    await expect(server.exchange(jwtBearer(await grant(k1)))).rejects.toMatchObject(unavailable);
    const res = await server.handleTokenRequest(jwtBearer(await grant(k1)));
    expect(res).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable' } });
    expect(res.headers['retry-after']).toBe('5');
    expect(events).toContainEqual(expect.objectContaining({ type: 'assertion.rejected', error: 'temporarily_unavailable', reason: 'jwks_unavailable', issuer: 'ci' }));
    // Within the cooldown the endpoint is not hammered.
    expect(jwksServer.requests).toBe(1);
  });

  it('J10 a client whose jwks_uri is down gets 503, not invalid_client', async () => {
    jwksServer.mode = 'fail';
    const server = await serverWith();
    await expect(server.exchange(clientCredentials(await sign(k1, clientClaims(clock, 'worker'))))).rejects.toMatchObject(unavailable);
  });

  it('J10 recovers once the endpoint answers again after the cooldown', async () => {
    jwksServer.mode = 'fail';
    const server = await serverWith();
    await expect(server.exchange(jwtBearer(await grant(k1)))).rejects.toMatchObject(unavailable);
    jwksServer.mode = 'serve';
    await expect(server.exchange(jwtBearer(await grant(k1)))).rejects.toMatchObject(unavailable);
    clock.advance(30);
    await expect(server.exchange(jwtBearer(await grant(k1)))).resolves.toBeDefined();
    expect(jwksServer.requests).toBe(2);
  });

  it('J10 a slow endpoint fails the request within the fetch timeout', async () => {
    jwksServer.mode = 'hang';
    const server = await serverWith({ jwksFetch: { timeout: 200 } });
    // The endpoint never answers: only the engine's fetch timeout (200 ms here) can end this request.
    await expect(server.exchange(jwtBearer(await grant(k1)))).rejects.toMatchObject(unavailable);
    expect(events).toContainEqual({ type: 'keys.fetch_failed', uri: jwksServer.uri, reason: 'timeout' });
    expect(jwksServer.requests).toBe(1);
  });

  it('J10 a response that is not a JWK Set is a failed fetch', async () => {
    for (const mode of ['not-json', 'not-a-set', 'redirect'] as const) {
      jwksServer.mode = mode;
      const server = await serverWith();
      await expect(server.exchange(jwtBearer(await grant(k1)))).rejects.toMatchObject(unavailable);
    }
    expect(fetchedEvents().map((e) => e.type)).toEqual(['keys.fetch_failed', 'keys.fetch_failed', 'keys.fetch_failed']);
    expect(events).toContainEqual({ type: 'keys.fetch_failed', uri: jwksServer.uri, reason: 'not a JWK Set' });
  });

  it('J10 a key set up to maxBytes is accepted, one byte more is a failed fetch (declared length)', async () => {
    jwksServer.mode = 'padded';
    const size = Buffer.byteLength(JSON.stringify({ keys: jwksServer.keys }));
    jwksServer.padding = 2048 - size;
    const exact = await serverWith({ jwksFetch: { timeout: 5000, maxBytes: 2048 } });
    await expect(exact.exchange(jwtBearer(await grant(k1)))).resolves.toBeDefined();
    jwksServer.padding = 2049 - size;
    const over = await serverWith({ jwksFetch: { timeout: 5000, maxBytes: 2048 } });
    await expect(over.exchange(jwtBearer(await grant(k1)))).rejects.toMatchObject(unavailable);
    expect(events).toContainEqual({ type: 'keys.fetch_failed', uri: jwksServer.uri, reason: 'body larger than 2048 bytes' });
  });

  it('J10 an endless body is cut off at the default 512 KiB, not read to the end', async () => {
    jwksServer.mode = 'endless';
    const server = await serverWith({ jwksFetch: { timeout: 5000 } });
    await expect(server.exchange(jwtBearer(await grant(k1)))).rejects.toMatchObject(unavailable);
    expect(events).toContainEqual({ type: 'keys.fetch_failed', uri: jwksServer.uri, reason: 'body larger than 524288 bytes' });
    expect(jwksServer.streamed).toBeLessThan(67_108_864);
  });

  it('J10 a client and an issuer sharing one jwks_uri share one fetch', async () => {
    const server = await serverWith();
    await server.exchange(jwtBearer(await grant(k1)));
    await server.authenticateClient(clientCredentials(await sign(k1, clientClaims(clock, 'worker'))));
    expect(jwksServer.requests).toBe(1);
  });

  it('J9 drops keys it never accepts from a fetched set: RSA under 2048 bits, symmetric, private', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const small = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'small' };
    const secret = { kty: 'oct', k: b64u('shared secret'), kid: 'oct' };
    jwksServer.keys = [small, secret, k1.privateJwk, k2.publicJwk];
    const server = await serverWith();
    const input = `${b64u({ alg: 'RS256', kid: 'small' })}.${b64u(grantClaims(clock, 'ci', 'alice'))}`;
    const rs256 = `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`;
    await expect(server.exchange(jwtBearer(rs256))).rejects.toMatchObject({ error: 'invalid_grant', status: 400, reason: 'key_not_found' });
    await expect(server.exchange(jwtBearer(await grant(k1)))).rejects.toMatchObject({ error: 'invalid_grant', status: 400, reason: 'key_not_found' });
    await expect(server.exchange(jwtBearer(await grant(k2)))).resolves.toBeDefined();
    expect(events).toContainEqual({ type: 'keys.fetched', uri: jwksServer.uri, keys: 4 });
  });
});
