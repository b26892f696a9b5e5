/**
 * Validation of the Redis Cluster and Sentinel targets and of the durability options (issue 18),
 * before any connection is made. The clients built from valid targets are checked for the safe
 * settings the store relies on (no offline queue, one retry, reconnection forever).
 */
import { ConfigurationError } from '@rfc7523/core';
import { Cluster } from 'ioredis';
import { createRedisReplayStore, RedisReplayStore, type CreateRedisReplayStoreOptions, type RedisReplayStoreOptions, type RedisTarget } from '@rfc7523/redis';

const client = { set: () => Promise.resolve('OK'), pipeline: () => ({}) } as unknown as RedisReplayStoreOptions['client'];

/** The ConfigurationError `make` throws. */
function thrown(make: () => unknown): ConfigurationError {
  try {
    make();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigurationError);
    return err as ConfigurationError;
  }
  throw new Error('nothing was thrown');
}

describe('createRedisReplayStore targets', () => {
  it.each<[string, unknown, string]>([
    ['cluster', { cluster: [] }, '"cluster" must be a non-empty array'],
    ['cluster', { cluster: 'redis://a:1' }, '"cluster" must be a non-empty array'],
    ['cluster[1]', { cluster: ['redis://a:7000', 'a:7001'] }, '"cluster[1]" must be a redis:// or rediss:// URL'],
    ['cluster[0]', { cluster: ['redis://a:99999'] }, '"cluster[0]" must be a redis:// or rediss:// URL'],
    ['seeds', { cluster: ['redis://a:1'], seeds: [] }, '"seeds" is not a known option'],
    ['sentinels', { sentinels: [], name: 'm' }, '"sentinels" must be a non-empty array'],
    ['sentinels[0]', { sentinels: ['a'], name: 'm' }, '"sentinels[0]" must be "host:port"'],
    ['sentinels[0]', { sentinels: ['a:0'], name: 'm' }, '"sentinels[0]" must have a TCP port from 1 to 65535'],
    ['sentinels[0].port', { sentinels: [{ host: 'a', port: '1' }], name: 'm' }, '"sentinels[0].port" must be a TCP port number'],
    ['name', { sentinels: ['a:26379'] }, '"name" must be the master group name'],
    ['name', { sentinels: ['a:26379'], name: ' ' }, '"name" must be the master group name'],
    ['url', { host: 'a' }, '"url" must be a redis:// or rediss:// URL, { cluster: [...] } or { sentinels: [...], name }'],
  ])('a bad target throws a ConfigurationError naming %s (case %#)', (field, target, message) => {
    const error = thrown(() => createRedisReplayStore(target as RedisTarget));
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
  });

  it.each<[string, unknown, unknown, string]>([
    ['waitForReplicas', 'redis://127.0.0.1:1', { waitForReplicas: -1 }, '"waitForReplicas" must be a whole number of replicas from 0 to 16'],
    ['waitForReplicas', 'redis://127.0.0.1:1', { waitForReplicas: 1.5 }, '"waitForReplicas" must be a whole number'],
    ['waitTimeout', 'redis://127.0.0.1:1', { waitTimeout: 100 }, '"waitTimeout" needs waitForReplicas of 1 or more'],
    ['waitTimeout', 'redis://127.0.0.1:1', { waitForReplicas: 1, waitTimeout: 1000 }, '"waitTimeout" must be below commandTimeout (1000 ms)'],
    ['waitTimeout', 'redis://127.0.0.1:1', { waitForReplicas: 1, waitTimeout: 0 }, '"waitTimeout" must be a whole number of milliseconds'],
    ['clusterOptions', 'redis://127.0.0.1:1', { clusterOptions: {} }, '"clusterOptions" applies to a { cluster: [...] } target only'],
    ['clusterOptions.enableOfflineQueue', { cluster: ['redis://127.0.0.1:1'] }, { clusterOptions: { enableOfflineQueue: true } }, 'is set by createRedisReplayStore'],
    ['clusterOptions.redisOptions', { cluster: ['redis://127.0.0.1:1'] }, { clusterOptions: { redisOptions: {} } }, 'is set by createRedisReplayStore'],
    ['redisOptions.sentinels', 'redis://127.0.0.1:1', { redisOptions: { sentinels: [] } }, 'is set by createRedisReplayStore'],
  ])('a bad option throws a ConfigurationError naming %s (case %#)', (field, target, options, message) => {
    const error = thrown(() => createRedisReplayStore(target as RedisTarget, options as CreateRedisReplayStoreOptions));
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
  });

  it('RedisReplayStore validates the durability options too, and defaults waitTimeout to half the commandTimeout', () => {
    expect(thrown(() => new RedisReplayStore({ client, waitForReplicas: 17 })).field).toBe('waitForReplicas');
    expect(new RedisReplayStore({ client })).toMatchObject({ waitForReplicas: 0 });
    expect(new RedisReplayStore({ client, waitForReplicas: 1, commandTimeout: 800 })).toMatchObject({ waitForReplicas: 1, waitTimeout: 400 });
  });
});

// Closing between two failed attempts leaves ioredis's disconnect timer (default 2000 ms) running, hence disconnectTimeout: 50.
// The sentinel client's settings are checked in sentinel.test.ts, against real sentinels.
describe('clients built from a cluster target (no server needed: the first attempts fail)', () => {
  it('a cluster target gives an ioredis Cluster with no offline queue, one retry per command and reconnection forever', async () => {
    const handle = createRedisReplayStore(
      { cluster: ['redis://user:s3cret@127.0.0.1:1', 'redis://127.0.0.1:2'] },
      { connectTimeout: 1500, maxReconnectDelay: 300, clusterOptions: { slotsRefreshTimeout: 700 }, redisOptions: { disconnectTimeout: 50 } },
    );
    try {
      expect(handle.client).toBeInstanceOf(Cluster);
      expect(handle.client.options).toMatchObject({ enableOfflineQueue: false, lazyConnect: false, slotsRefreshTimeout: 700 });
      expect(handle.client.options.redisOptions).toMatchObject({ maxRetriesPerRequest: 1, connectTimeout: 1500, username: 'user', password: 's3cret' });
      expect([1, 2, 1000].map((times) => handle.client.options.clusterRetryStrategy!(times))).toEqual([50, 100, 300]);
    } finally {
      await handle.close();
    }
  });

});
