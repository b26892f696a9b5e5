/**
 * rule J7 across instances: servers built with `createAuthorizationServer` from @rfc7523/core, each
 * with its own ioredis client, sharing one real Redis. The engine's clock is frozen at the real time
 * the suite starts, because Redis expires keys by its own (real) clock.
 */
import { createAuthorizationServer, DEFAULTS, type AuthorizationServer, type HttpResponse, type Rfc7523Event } from '@rfc7523/core';
import { createRedisReplayStore, type CreateRedisReplayStoreOptions, type RedisReplayStoreHandle } from '@rfc7523/redis';
import type { Redis } from 'ioredis';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { clientAssertion, ISSUER, mintClient, tokenRequest, type TestClient } from './support/clients.js';
import { eventually, keysUnder, ready, safeClient } from './support/redis-clients.js';

const FROZEN_MS = Date.now();
const NOW = Math.floor(FROZEN_MS / 1000);

let redis: RedisServer;
let admin: Redis;
let client: TestClient;
const handles: RedisReplayStoreHandle[] = [];
let prefixes = 0;

/** One "instance": its own ioredis client and its own engine, sharing the Redis of the suite. */
interface Instance {
  readonly server: AuthorizationServer;
  readonly handle: RedisReplayStoreHandle;
  readonly events: Rfc7523Event[];
}

async function instance(options: CreateRedisReplayStoreOptions = {}): Promise<Instance> {
  // A generous command timeout: a loaded test machine must not turn a slow answer into a 503.
  const handle = createRedisReplayStore(redis.url, { commandTimeout: 5000, ...options });
  handles.push(handle);
  await ready(handle.client);
  const events: Rfc7523Event[] = [];
  const server = await createAuthorizationServer({
    issuer: ISSUER,
    clients: [client.metadata],
    replayStore: handle.store,
    now: () => FROZEN_MS,
    onEvent: (event) => events.push(event),
  });
  return { server, handle, events };
}

/** A key prefix no other test uses. */
const freshPrefix = () => `test-${++prefixes}:`;

const statusOf = (res: HttpResponse) => `${res.status} ${String(res.body.error ?? 'ok')}`;

beforeAll(async () => {
  redis = await startRedisServer();
  admin = await ready(safeClient(redis.url));
  client = await mintClient();
});

afterAll(async () => {
  await Promise.all(handles.map((h) => h.close()));
  admin?.disconnect();
  await redis?.stop();
});

describe('one-time client assertions across instances sharing Redis (rule J7, RFC 7523 §3.7, OIDC Core §9)', () => {
  it('J7 accepts one of 20 concurrent uses of one assertion across two servers sharing Redis', async () => {
    const keyPrefix = freshPrefix();
    const [a, b] = await Promise.all([instance({ keyPrefix }), instance({ keyPrefix })]);
    const assertion = await clientAssertion(client, { now: NOW });

    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a! : b!).server.handleTokenRequest(tokenRequest(assertion))),
    );

    const outcomes = responses.map(statusOf).sort();
    expect(outcomes).toEqual(['200 ok', ...Array<string>(19).fill('401 invalid_client')]);
    expect(responses.find((r) => r.status === 200)!.body).toMatchObject({ token_type: 'Bearer', access_token: expect.any(String) });
    const replays = [...a!.events, ...b!.events].filter((e) => e.type === 'replay.detected');
    expect(replays).toHaveLength(19);
    expect(a!.events.filter((e) => e.type === 'replay.detected').length).toBeGreaterThan(0);
    expect(b!.events.filter((e) => e.type === 'replay.detected').length).toBeGreaterThan(0);
  });

  it('J7 still refuses a replayed assertion after an instance is recreated with a new server and a new Redis client', async () => {
    const keyPrefix = freshPrefix();
    const first = await instance({ keyPrefix });
    const assertion = await clientAssertion(client, { now: NOW });
    expect(statusOf(await first.server.handleTokenRequest(tokenRequest(assertion)))).toBe('200 ok');
    await first.handle.close();

    const second = await instance({ keyPrefix });
    expect(second.handle.client).not.toBe(first.handle.client);
    const replay = await second.server.handleTokenRequest(tokenRequest(assertion));
    expect(replay).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect(second.events).toContainEqual(expect.objectContaining({ type: 'replay.detected', use: 'client_authentication' }));
  });

  it('J7 remembers a used assertion until its exp plus the clock tolerance, in Redis', async () => {
    const keyPrefix = freshPrefix();
    const { server } = await instance({ keyPrefix });
    const exp = NOW + 120;
    const assertion = await clientAssertion(client, { now: NOW, lifetime: 120, jti: 'ttl-check' });
    expect(statusOf(await server.handleTokenRequest(tokenRequest(assertion)))).toBe('200 ok');

    const keys = await keysUnder(admin, keyPrefix);
    expect(keys).toHaveLength(1);
    expect(keys[0]).toContain('ttl-check');
    expect(await admin.call('EXPIRETIME', keys[0]!)).toBe(exp + DEFAULTS.clockTolerance);
    const pttl = await admin.pttl(keys[0]!);
    expect(pttl).toBeGreaterThan(0);
    expect(pttl).toBeLessThanOrEqual((exp + DEFAULTS.clockTolerance) * 1000 - FROZEN_MS + 1000);
  });

  it('J7 key prefix isolates two servers sharing one Redis', async () => {
    const a = await instance({ keyPrefix: freshPrefix() });
    const b = await instance({ keyPrefix: freshPrefix() });
    const assertion = await clientAssertion(client, { now: NOW });

    expect(statusOf(await a.server.handleTokenRequest(tokenRequest(assertion)))).toBe('200 ok');
    expect(statusOf(await b.server.handleTokenRequest(tokenRequest(assertion)))).toBe('200 ok');
    expect(statusOf(await a.server.handleTokenRequest(tokenRequest(assertion)))).toBe('401 invalid_client');
    expect(statusOf(await b.server.handleTokenRequest(tokenRequest(assertion)))).toBe('401 invalid_client');
  });

  it('J7 fails closed with 503 temporarily_unavailable and Retry-After while Redis is down, and issues tokens again once it is back', async () => {
    const { server, events, handle } = await instance({ keyPrefix: freshPrefix(), maxReconnectDelay: 100 });
    const use = async () => server.handleTokenRequest(tokenRequest(await clientAssertion(client, { now: NOW })));
    expect(statusOf(await use())).toBe('200 ok');

    await redis.stop();
    try {
      const down = await use();
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ error: 'temporarily_unavailable' });
      expect(down.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect(down.headers['cache-control']).toBe('no-store');
      expect(JSON.stringify(down.body)).not.toMatch(/redis|ECONN|127\.0\.0\.1/i);
      expect(events).toContainEqual(expect.objectContaining({ type: 'replay_store.unavailable' }));
    } finally {
      await redis.restart();
    }
    // The suite's admin client was cut off too; let it reconnect so that it closes cleanly at the end.
    expect(await eventually(() => admin.status === 'ready')).toBe(true);

    let last: HttpResponse | undefined;
    const recovered = await eventually(async () => {
      last = await use();
      return last.status === 200;
    });
    expect(recovered).toBe(true);
    expect(statusOf(last!)).toBe('200 ok');
    expect(handle.client.status).toBe('ready');
  });
});
