import { RedisReplayStore, ReplayStoreTimeoutError, ReplayStoreUnavailableError, REDIS_REPLAY_STORE_DEFAULTS } from '@rfc7523/redis';
import type { Redis } from 'ioredis';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { keysUnder, ready, safeClient } from './support/redis-clients.js';

let redis: RedisServer;
let client: Redis;
let admin: Redis;
let n = 0;
/** A key no other test uses. */
const fresh = () => `key-${++n}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  redis = await startRedisServer();
  client = await ready(safeClient(redis.url));
  admin = await ready(safeClient(redis.url));
});

afterAll(async () => {
  client?.disconnect();
  admin?.disconnect();
  await redis?.stop();
});

describe('RedisReplayStore', () => {
  it('J7 remember answers true for a new key and false for the same key again', async () => {
    const store = new RedisReplayStore({ client });
    const key = fresh();
    await expect(store.remember(key, nowSeconds() + 60)).resolves.toBe(true);
    await expect(store.remember(key, nowSeconds() + 60)).resolves.toBe(false);
  });

  it('J7 accepts exactly one of 20 concurrent remembers of one key', async () => {
    const store = new RedisReplayStore({ client });
    const key = fresh();
    const results = await Promise.all(Array.from({ length: 20 }, () => store.remember(key, nowSeconds() + 60)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('J7 keeps the key until expiresAt, rounded up to a whole second (SET NX EXAT)', async () => {
    const store = new RedisReplayStore({ client });
    const key = fresh();
    const expiresAt = nowSeconds() + 90.2;
    await store.remember(key, expiresAt);
    expect(await admin.call('EXPIRETIME', `${REDIS_REPLAY_STORE_DEFAULTS.keyPrefix}${key}`)).toBe(Math.ceil(expiresAt));
  });

  it('J7 answers correctly for an expiresAt already past: the key lives until at least now + 1 s', async () => {
    const frozen = (nowSeconds() + 30) * 1000;
    const store = new RedisReplayStore({ client, now: () => frozen });
    const key = fresh();
    await expect(store.remember(key, frozen / 1000 - 100)).resolves.toBe(true);
    await expect(store.remember(key, frozen / 1000 - 100)).resolves.toBe(false);
    expect(await admin.call('EXPIRETIME', `${REDIS_REPLAY_STORE_DEFAULTS.keyPrefix}${key}`)).toBe(frozen / 1000 + 1);
  });

  it("writes under the default key prefix 'rfc7523:replay:'", async () => {
    const store = new RedisReplayStore({ client });
    const key = fresh();
    await store.remember(key, nowSeconds() + 60);
    expect(await admin.get(`rfc7523:replay:${key}`)).toBe('1');
  });

  it('J7 the key prefix isolates two stores sharing one Redis', async () => {
    const a = new RedisReplayStore({ client, keyPrefix: 'tenant-a:' });
    const b = new RedisReplayStore({ client, keyPrefix: 'tenant-b:' });
    const key = fresh();
    await expect(a.remember(key, nowSeconds() + 60)).resolves.toBe(true);
    await expect(b.remember(key, nowSeconds() + 60)).resolves.toBe(true);
    await expect(a.remember(key, nowSeconds() + 60)).resolves.toBe(false);
    await expect(b.remember(key, nowSeconds() + 60)).resolves.toBe(false);
    expect(await keysUnder(admin, 'tenant-a:')).toEqual([`tenant-a:${key}`]);
  });

  it('rejects with ReplayStoreTimeoutError when Redis does not answer within commandTimeout', async () => {
    const store = new RedisReplayStore({ client, commandTimeout: 100 });
    const key = fresh();
    await admin.call('CLIENT', 'PAUSE', '10000', 'WRITE');
    try {
      const err = await store.remember(key, nowSeconds() + 60).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ReplayStoreTimeoutError);
      expect(err).toMatchObject({ code: 'ERR_REPLAY_STORE_TIMEOUT', timeout: 100 });
      expect((err as Error).message).toBe('the replay store timed out after 100 ms');
    } finally {
      await admin.call('CLIENT', 'UNPAUSE');
    }
    // The command reached Redis after all: the key is used up, and the client must mint a new assertion.
    await expect(store.remember(key, nowSeconds() + 60)).resolves.toBe(false);
  });

  it('rejects with ReplayStoreUnavailableError when the client is not connected', async () => {
    const closed = await ready(safeClient(redis.url));
    closed.disconnect();
    const store = new RedisReplayStore({ client: closed });
    const err = await store.remember(fresh(), nowSeconds() + 60).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplayStoreUnavailableError);
    expect(err).toMatchObject({ code: 'ERR_REPLAY_STORE_UNAVAILABLE' });
    const cause = (err as Error).cause as Error;
    expect(cause).toBeInstanceOf(Error);
    expect((err as Error).message).toBe(`the replay store is unavailable: ${cause.message}`);
    expect(cause.message).toMatch(/enableOfflineQueue/);
  });

  it('rejects a key or expiresAt the engine never sends with a TypeError', async () => {
    const store = new RedisReplayStore({ client });
    await expect(store.remember('', nowSeconds() + 60)).rejects.toThrow(new TypeError('key must be a non-empty string'));
    await expect(store.remember(fresh(), Number.NaN)).rejects.toThrow(new TypeError('expiresAt must be a finite number of seconds'));
    // From JavaScript: a key that is not a string, an expiresAt that is a numeric string.
    await expect(store.remember(7 as unknown as string, nowSeconds() + 60)).rejects.toThrow(new TypeError('key must be a non-empty string'));
    await expect(store.remember(fresh(), String(nowSeconds() + 60) as unknown as number)).rejects.toThrow(new TypeError('expiresAt must be a finite number of seconds'));
  });

  it('is frozen, and exposes its key prefix and command timeout', () => {
    const store = new RedisReplayStore({ client, keyPrefix: 'p:', commandTimeout: 250 });
    expect(Object.isFrozen(store)).toBe(true);
    expect(store).toMatchObject({ keyPrefix: 'p:', commandTimeout: 250 });
  });
});

describe('RedisReplayStore with waitForReplicas (SET NX EXAT, then WAIT, in one pipeline)', () => {
  it('J7 fails closed when fewer replicas than waitForReplicas acknowledge: a standalone Redis has none', async () => {
    const store = new RedisReplayStore({ client, waitForReplicas: 1, waitTimeout: 50 });
    const key = fresh();
    const err = await store.remember(key, nowSeconds() + 60).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReplayStoreUnavailableError);
    expect((err as Error).message).toBe('the replay store is unavailable: 0 of 1 replicas acknowledged the entry within 50 ms (waitForReplicas)');
    // The SET itself went through: the assertion is used up, whatever the replicas said.
    await expect(new RedisReplayStore({ client }).remember(key, nowSeconds() + 60)).resolves.toBe(false);
  });

  /** A client whose pipeline answers `exec` with `results`, recording the commands it was given. */
  function scripted(results: unknown) {
    const calls: unknown[][] = [];
    const pipeline = {
      set: (...args: unknown[]) => (calls.push(['set', ...args]), pipeline),
      wait: (...args: unknown[]) => (calls.push(['wait', ...args]), pipeline),
      exec: async () => results,
    };
    const fake = { options: { enableOfflineQueue: false }, set: async (...args: unknown[]) => (calls.push(['SET', ...args]), 'OK'), pipeline: () => pipeline };
    const client = fake as unknown as Redis;
    const options = { client, keyPrefix: 'p:', now: () => 1_000_000 };
    return { calls, store: new RedisReplayStore({ ...options, waitForReplicas: 2, waitTimeout: 300 }), plain: new RedisReplayStore(options) };
  }
  const failure = (results: unknown) => scripted(results).store.remember('k', 2000).catch((e: unknown) => e);

  it('J7 sends SET <prefix><key> 1 EXAT <at> NX then WAIT <replicas> <timeout>, and is new once enough replicas acknowledge', async () => {
    const { calls, store } = scripted([[null, 'OK'], [null, 2]]);
    await expect(store.remember('k', 1999.5)).resolves.toBe(true);
    expect(calls).toEqual([
      ['set', 'p:k', '1', 'EXAT', 2000, 'NX'],
      ['wait', 2, 300],
    ]);
    await expect(scripted([[null, null], [null, 2]]).store.remember('k', 2000)).resolves.toBe(false);
  });

  it('without waitForReplicas sends the one SET, no pipeline and no WAIT', async () => {
    const { calls, plain } = scripted(null);
    await expect(plain.remember('k', 2000)).resolves.toBe(true);
    expect(calls).toEqual([['SET', 'p:k', '1', 'EXAT', 2000, 'NX']]);
  });

  it('J7 refuses an acknowledgement short of waitForReplicas, or one that is not a count', async () => {
    for (const acknowledged of [1, '2', null]) {
      const err = await failure([[null, 'OK'], [null, acknowledged]]);
      expect(err).toBeInstanceOf(ReplayStoreUnavailableError);
      expect((err as Error).message).toBe(`the replay store is unavailable: ${String(acknowledged)} of 2 replicas acknowledged the entry within 300 ms (waitForReplicas)`);
    }
  });

  it('fails closed on a discarded pipeline, an error of either command, or an unexpected SET reply', async () => {
    for (const results of [null, [[null, 'OK']]]) {
      expect(((await failure(results)) as Error).message).toBe('the replay store is unavailable: the pipeline was discarded');
    }
    const setError = (await failure([[new Error('READONLY'), null], [null, 2]])) as Error;
    expect(setError).toBeInstanceOf(ReplayStoreUnavailableError);
    expect(setError.message).toBe('the replay store is unavailable: READONLY');
    const waitError = (await failure([[null, 'OK'], [new Error('NOREPLICAS'), null]])) as Error;
    expect(waitError.message).toBe('the replay store is unavailable: NOREPLICAS');
    const reply = (await failure([[null, 'QUEUED'], [null, 2]])) as Error;
    expect(reply.message).toBe('the replay store is unavailable: unexpected reply to SET NX EXAT');
  });
});
