import { ConfigurationError } from '@rfc7523/core';
import { Redis } from 'ioredis';
import { createRedisReplayStore, RedisReplayStore, type CreateRedisReplayStoreOptions, type RedisReplayStoreOptions } from '@rfc7523/redis';

/** Stands in for a client: validation only looks for `set`; no command is sent in these tests. */
const client = { set: () => Promise.resolve('OK') } as unknown as RedisReplayStoreOptions['client'];

describe('RedisReplayStore options', () => {
  it.each<[string, unknown, string]>([
    ['options', undefined, '"options" must be an object'],
    ['client', {}, '"client" must be an ioredis Redis or Cluster client'],
    ['client', { client: {} }, '"client" must be an ioredis Redis or Cluster client'],
    ['keyPrefix', { client, keyPrefix: '' }, '"keyPrefix" must be a non-empty string'],
    ['keyPrefix', { client, keyPrefix: 7 }, '"keyPrefix" must be a non-empty string'],
    ['commandTimeout', { client, commandTimeout: 0 }, '"commandTimeout" must be a whole number of milliseconds from 1 to 60000'],
    ['commandTimeout', { client, commandTimeout: 1.5 }, '"commandTimeout" must be a whole number of milliseconds from 1 to 60000'],
    ['commandTimeout', { client, commandTimeout: Infinity }, '"commandTimeout" must be a whole number of milliseconds from 1 to 60000'],
    ['commandTimeout', { client, commandTimeout: '1000' }, '"commandTimeout" must be a whole number of milliseconds from 1 to 60000'],
    ['now', { client, now: 1 }, '"now" must be a function returning milliseconds'],
    ['keyprefix', { client, keyprefix: 'x' }, '"keyprefix" is not a known option'],
  ])('options validation: a bad %s throws a TypeError naming it (case %#)', (field, options, message) => {
    const make = () => new RedisReplayStore(options as RedisReplayStoreOptions);
    expect(make).toThrow(TypeError);
    expect(make).toThrow(ConfigurationError);
    expect(make).toThrow(message);
    try {
      make();
    } catch (err) {
      expect((err as ConfigurationError).field).toBe(field);
    }
  });

  it('options validation: a client that queues commands forever (offline queue on, maxRetriesPerRequest null) is refused', () => {
    const queueing = new Redis({ lazyConnect: true, maxRetriesPerRequest: null });
    const bounded = new Redis({ lazyConnect: true, maxRetriesPerRequest: 1 });
    const offline = new Redis({ lazyConnect: true, maxRetriesPerRequest: null, enableOfflineQueue: false });
    try {
      expect(() => new RedisReplayStore({ client: queueing })).toThrow('"client" must not queue commands forever');
      expect(new RedisReplayStore({ client: bounded })).toBeInstanceOf(RedisReplayStore);
      expect(new RedisReplayStore({ client: offline })).toBeInstanceOf(RedisReplayStore);
    } finally {
      [queueing, bounded, offline].forEach((c) => c.disconnect());
    }
  });

  it("defaults to keyPrefix 'rfc7523:replay:' and commandTimeout 1000 ms", () => {
    expect(new RedisReplayStore({ client })).toMatchObject({ keyPrefix: 'rfc7523:replay:', commandTimeout: 1000 });
  });
});

describe('createRedisReplayStore options', () => {
  it.each<[string, unknown, unknown, string]>([
    ['url', 'http://127.0.0.1:1', undefined, '"url" must be a redis:// or rediss:// URL'],
    ['url', 'not a url', undefined, '"url" must be a redis:// or rediss:// URL'],
    ['url', undefined, undefined, '"url" must be a redis:// or rediss:// URL'],
    ['options', 'redis://127.0.0.1:1', 'x', '"options" must be an object'],
    ['client', 'redis://127.0.0.1:1', { client }, '"client" is not a known option'],
    ['connectTimeout', 'redis://127.0.0.1:1', { connectTimeout: -1 }, '"connectTimeout" must be a whole number of milliseconds from 1 to 60000'],
    ['maxReconnectDelay', 'redis://127.0.0.1:1', { maxReconnectDelay: 60_001 }, '"maxReconnectDelay" must be a whole number of milliseconds from 1 to 60000'],
    ['commandTimeout', 'redis://127.0.0.1:1', { commandTimeout: 0 }, '"commandTimeout" must be a whole number of milliseconds from 1 to 60000'],
    ['keyPrefix', 'redis://127.0.0.1:1', { keyPrefix: '' }, '"keyPrefix" must be a non-empty string'],
    ['onError', 'redis://127.0.0.1:1', { onError: 'log' }, '"onError" must be a function'],
    ['redisOptions', 'redis://127.0.0.1:1', { redisOptions: [] }, '"redisOptions" must be an object'],
    ['redisOptions.enableOfflineQueue', 'redis://127.0.0.1:1', { redisOptions: { enableOfflineQueue: true } }, '"redisOptions.enableOfflineQueue" is set by createRedisReplayStore'],
    ['redisOptions.maxRetriesPerRequest', 'redis://127.0.0.1:1', { redisOptions: { maxRetriesPerRequest: null } }, '"redisOptions.maxRetriesPerRequest" is set by createRedisReplayStore'],
    ['redisOptions.retryStrategy', 'redis://127.0.0.1:1', { redisOptions: { retryStrategy: () => 1 } }, '"redisOptions.retryStrategy" is set by createRedisReplayStore'],
  ])('options validation: a bad %s throws a TypeError naming it before connecting (case %#)', (field, url, options, message) => {
    const make = () => createRedisReplayStore(url as string, options as CreateRedisReplayStoreOptions);
    expect(make).toThrow(TypeError);
    expect(make).toThrow(message);
    try {
      make();
    } catch (err) {
      expect((err as ConfigurationError).field).toBe(field);
    }
  });
});
