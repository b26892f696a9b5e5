import type { Cluster, ClusterOptions, Redis, RedisOptions } from 'ioredis';

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
  /** Replicas that must acknowledge each write before `remember` resolves; 0: do not wait (asynchronous replication). */
  waitForReplicas: 0,
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
  /**
   * Durability of a remembered assertion (RFC 7523 §3.7 across a failover): after each successful
   * `SET … NX`, send `WAIT <waitForReplicas> <waitTimeout>` on the same connection (same cluster
   * node) and resolve `true` only when at least that many replicas acknowledged the write; otherwise
   * reject with a `ReplayStoreUnavailableError` (the request answers 503 and the assertion stays used
   * up). Replication is asynchronous without it: a master that dies right after answering can take
   * the entry with it, and a promoted replica then accepts that assertion once more. 0 to 16;
   * default 0 (do not wait).
   */
  waitForReplicas?: number;
  /**
   * Milliseconds `WAIT` may block for the replicas' acknowledgements, 1–60000 and below
   * `commandTimeout`. Default: half of `commandTimeout` (500 ms with the defaults). Only with
   * `waitForReplicas` ≥ 1.
   */
  waitTimeout?: number;
}

/**
 * Where {@link createRedisReplayStore} connects (RFC 7523 §3.7 shared replay store): a `redis://` or
 * `rediss://` URL of one Redis, a Redis Cluster ({@link RedisClusterTarget}) or a master found through
 * Redis Sentinel ({@link RedisSentinelTarget}). No default.
 */
export type RedisTarget = string | RedisClusterTarget | RedisSentinelTarget;

/** A Redis Cluster (RFC 7523 §3.7 store): seed nodes; the client discovers the others and follows MOVED/ASK. */
export interface RedisClusterTarget {
  /**
   * `redis://host:port` (or `rediss://`) URLs of one or more cluster nodes; a user and password in
   * the first URL apply to every node. Required, non-empty.
   */
  cluster: readonly string[];
}

/** A master found through Redis Sentinel (RFC 7523 §3.7 store); the client follows failovers. */
export interface RedisSentinelTarget {
  /** `host:port` strings (or `{ host, port }`) of the sentinels. Required, non-empty. */
  sentinels: readonly (string | { host: string; port: number })[];
  /** The master group name the sentinels monitor (`sentinel monitor <name> …`). Required. */
  name: string;
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
  /**
   * Further ioredis `Cluster` options, for a {@link RedisClusterTarget} only (`natMap`, `slotsRefreshTimeout`,
   * …). `enableOfflineQueue`, `clusterRetryStrategy`, `lazyConnect` and `redisOptions` are set by
   * `createRedisReplayStore` (node options go in `redisOptions`). Default none.
   */
  clusterOptions?: Omit<ClusterOptions, 'redisOptions'>;
}
