import { createRedisReplayStore, RedisReplayStore, ReplayStoreUnavailableError } from '@rfc7523/redis';
import { startRedisServer, type RedisServer } from '../../../test/support/redis-server.js';
import { eventually, ready } from './support/redis-clients.js';

let redis: RedisServer;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/**
 * A port on 127.0.0.1 where nothing listens: port 1 (tcpmux) is privileged and unused, so no other
 * test's server (all on ephemeral ports) can take it between choosing and connecting.
 */
const DEAD_URL = 'redis://127.0.0.1:1';

/**
 * A store pointed at DEAD_URL that retries quickly. Closing between two reconnection attempts leaves
 * ioredis's disconnect timer (default 2000 ms) running, hence the short disconnectTimeout.
 */
const unreachable = (onError?: (error: Error) => void) =>
  createRedisReplayStore(DEAD_URL, { maxReconnectDelay: 20, redisOptions: { disconnectTimeout: 50 }, ...(onError ? { onError } : {}) });

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  await redis?.stop();
});

describe('createRedisReplayStore', () => {
  it('returns a working store, its client and close()', async () => {
    const handle = createRedisReplayStore(redis.url, { keyPrefix: 'create:' });
    try {
      expect(handle.store).toBeInstanceOf(RedisReplayStore);
      await ready(handle.client);
      await expect(handle.store.remember('k', nowSeconds() + 60)).resolves.toBe(true);
      await expect(handle.store.remember('k', nowSeconds() + 60)).resolves.toBe(false);
    } finally {
      await handle.close();
    }
    expect(handle.client.status).toBe('end');
  });

  it('creates the client with no offline queue, one retry per command, a bounded connect timeout and eager connect', async () => {
    const handle = createRedisReplayStore(redis.url, { connectTimeout: 1500 });
    try {
      expect(handle.client.options).toMatchObject({ enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1500, lazyConnect: false });
    } finally {
      await handle.close();
    }
  });

  it('reconnects forever, with backoff doubling from 50 ms and capped at maxReconnectDelay (default 2000 ms)', async () => {
    const handle = createRedisReplayStore(redis.url);
    const capped = createRedisReplayStore(redis.url, { maxReconnectDelay: 300 });
    try {
      const retry = handle.client.options.retryStrategy!;
      expect([1, 2, 3, 6, 100, 10_000].map((times) => retry(times))).toEqual([50, 100, 200, 1600, 2000, 2000]);
      expect(capped.client.options.retryStrategy!(1_000)).toBe(300);
    } finally {
      await Promise.all([handle.close(), capped.close()]);
    }
  });

  it('keeps other ioredis options, such as connectionName', async () => {
    const handle = createRedisReplayStore(redis.url, { redisOptions: { connectionName: 'rfc7523-replay' } });
    try {
      await ready(handle.client);
      expect(await handle.client.client('GETNAME')).toBe('rfc7523-replay');
    } finally {
      await handle.close();
    }
  });

  it('sends connection errors to onError, never crashes, and rejects remember at once while Redis is unreachable', async () => {
    const errors: Error[] = [];
    const handle = unreachable((error) => {
      errors.push(error);
      throw new Error('a throwing listener is ignored');
    });
    try {
      expect(await eventually(() => errors.length >= 2)).toBe(true);
      expect(errors[0]).toMatchObject({ code: 'ECONNREFUSED' });
      await expect(handle.store.remember('k', nowSeconds() + 60)).rejects.toBeInstanceOf(ReplayStoreUnavailableError);
    } finally {
      await handle.close();
    }
    const seen = errors.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(errors).toHaveLength(seen); // close() stopped the reconnection attempts
  });

  it('close() is idempotent', async () => {
    const handle = createRedisReplayStore(redis.url);
    await ready(handle.client);
    await Promise.all([handle.close(), handle.close()]);
    await handle.close();
    expect(handle.client.status).toBe('end');
  });

  describe('ready()', () => {
    it('resolves once the client can take commands, so the first remember succeeds', async () => {
      const handle = createRedisReplayStore(redis.url, { keyPrefix: 'ready:' });
      try {
        await handle.ready();
        expect(handle.client.status).toBe('ready');
        await expect(handle.store.remember('first', nowSeconds() + 60)).resolves.toBe(true);
        await expect(handle.ready()).resolves.toBeUndefined(); // already ready: at once
      } finally {
        await handle.close();
      }
    });

    it('rejects with ReplayStoreUnavailableError after the timeout when Redis is unreachable, and keeps reconnecting', async () => {
      const handle = unreachable();
      try {
        const error = await handle.ready(100).catch((err: unknown) => err);
        expect(error).toBeInstanceOf(ReplayStoreUnavailableError);
        expect((error as Error).message).toMatch(/did not become ready within 100 ms/);
        expect(handle.client.status).not.toBe('end');
      } finally {
        await handle.close();
      }
    });

    it('rejects when the handle is closed before the client is ready, or was closed already', async () => {
      const handle = unreachable();
      const pending = handle.ready(5000);
      await handle.close();
      await expect(pending).rejects.toThrow(/closed/);
      await expect(handle.ready()).rejects.toThrow(/closed/);
    });

    it('refuses a timeout that is not an integer of milliseconds in 1–60000', async () => {
      const handle = createRedisReplayStore(redis.url);
      try {
        for (const timeout of [0, -1, 1.5, 60_001, Number.NaN]) {
          await expect(handle.ready(timeout)).rejects.toThrow(/timeout must be an integer/);
        }
      } finally {
        await handle.close();
      }
    });
  });
});
