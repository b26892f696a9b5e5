import type { Cluster, Redis, RedisOptions } from 'ioredis';

/**
 * The ioredis client a replay store writes through (RFC 7523 §3.7): standalone or cluster, either
 * reply mapping. No default: {@link createRedisReplayStore} makes one for you. Otherwise create it with
 * `enableOfflineQueue: false` or a small `maxRetriesPerRequest`, so that commands fail while Redis is
 * down instead of queueing, and attach an `'error'` listener (ioredis emits one per failed reconnect).
 * A standalone client with `maxRetriesPerRequest: null` and the offline queue on (as BullMQ wants) is
 * refused: give the replay store a client of its own.
 */
export type RedisReplayClient = Redis | Redis<'resp3'> | Cluster | Cluster<'resp3'>;

/** Defaults of {@link RedisReplayStoreOptions} and {@link CreateRedisReplayStoreOptions} (RFC 7523 §3.7); times in milliseconds. */
export const REDIS_REPLAY_STORE_DEFAULTS = Object.freeze({
  /** Prefix of every key written (RFC 7523 §3.7). */
  keyPrefix: 'rfc7523:replay:',
  /** Milliseconds one `remember` may take before it rejects. */
  commandTimeout: 1000,
  /** Milliseconds one connection attempt may take (`createRedisReplayStore`). */
  connectTimeout: 2000,
  /** Milliseconds: the longest wait between two reconnection attempts (`createRedisReplayStore`). */
  maxReconnectDelay: 2000,
});

/** Largest `commandTimeout`, `connectTimeout` and `maxReconnectDelay` accepted: 60000 milliseconds (RFC 7523 §3.7 store). */
export const MAX_REDIS_TIMEOUT = 60_000;

/** Options of {@link RedisReplayStore} (RFC 7523 §3.7, OIDC Core §9). */
export interface RedisReplayStoreOptions {
  /** The ioredis client (see {@link RedisReplayClient}). Required; the store never closes it. */
  client: RedisReplayClient;
  /**
   * Prefix of every key, so that several servers or tenants can share one Redis without seeing each
   * other's assertions. Servers that must refuse each other's replays use the same prefix.
   * Default `'rfc7523:replay:'`.
   */
  keyPrefix?: string;
  /** Milliseconds one `remember` may take before it rejects (the request then answers 503), 1–60000. Default 1000. */
  commandTimeout?: number;
  /** Clock, milliseconds since the epoch; only sets the shortest expiry (now + 1 s). Default `Date.now`. */
  now?: () => number;
}

/** Options of {@link createRedisReplayStore} (RFC 7523 §3.7, OIDC Core §9): the store's, without `client`, plus connection settings. */
export interface CreateRedisReplayStoreOptions extends Omit<RedisReplayStoreOptions, 'client'> {
  /** Milliseconds one connection attempt may take, 1–60000. Default 2000. */
  connectTimeout?: number;
  /**
   * Longest wait between two reconnection attempts, milliseconds, 1–60000. Reconnection never gives up:
   * when Redis comes back, requests succeed again without a restart. Default 2000.
   */
  maxReconnectDelay?: number;
  /** Receives the client's connection errors (they never crash the process). Default: ignored. */
  onError?: (error: Error) => void;
  /**
   * Further ioredis options (TLS, ACL user, `db`, …). `enableOfflineQueue`, `maxRetriesPerRequest`,
   * `lazyConnect`, `retryStrategy` and `connectTimeout` are set by `createRedisReplayStore` and may
   * not appear here. Default none.
   */
  redisOptions?: RedisOptions;
}
