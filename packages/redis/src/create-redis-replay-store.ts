import type { Cluster, Redis } from 'ioredis';
import { connect } from './connect.js';
import {
  MAX_REDIS_TIMEOUT,
  type CreateRedisReplayStoreOptions,
  type RedisClusterTarget,
  type RedisSentinelTarget,
  type RedisTarget,
} from './options.js';
import { ReplayStoreUnavailableError } from './errors.js';
import { RedisReplayStore } from './redis-replay-store.js';
import { validateCreateOptions } from './validate-options.js';

/** What {@link createRedisReplayStore} returns: a replay store for RFC 7523 §3.7 and the client it owns. */
export interface RedisReplayStoreHandle<C extends Redis | Cluster = Redis> {
  /** The store, for the engine's `replayStore` option (RFC 7523 §3.7). */
  readonly store: RedisReplayStore;
  /** The ioredis client it owns (a `Redis`, or a `Cluster` for a cluster target), for health checks and metrics. */
  readonly client: C;
  /**
   * Resolves once the client is connected and can take commands; rejects with a
   * `ReplayStoreUnavailableError` when it is not within `timeout` milliseconds (default: the
   * `connectTimeout`, 2000) or when the handle is closed. Await it before listening: until then every
   * `remember` is refused (no offline queue) and token requests answer 503. A rejection changes
   * nothing else: the client keeps reconnecting and requests succeed once Redis answers.
   */
  ready(timeout?: number): Promise<void>;
  /**
   * Closes the client (QUIT, bounded by `commandTimeout` milliseconds, then disconnect) and stops
   * reconnecting. Idempotent. Closed during an outage, ioredis may keep one timer of its own
   * (`disconnectTimeout`, default 2000 ms) alive that long.
   */
  close(): Promise<void>;
}

/** Waits for `promise` (ignoring its failure) or `ms` milliseconds, whichever comes first. */
async function bounded(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
  await Promise.race([promise.catch(() => {}), elapsed]);
  clearTimeout(timer);
}

/**
 * Connects to `target` — a `redis://` / `rediss://` URL, a Redis Cluster (`{ cluster: [seed URLs] }`)
 * or a Sentinel-managed master (`{ sentinels: ['host:port', …], name }`) — with settings safe for a
 * replay store (RFC 7523 §3.7, OIDC Core §9): no offline queue and at most one retry per command, so a
 * request never waits for a Redis that is down; each connection attempt bounded by `connectTimeout`
 * (default 2000 ms); reconnection forever with backoff capped at `maxReconnectDelay` (default 2000 ms),
 * so requests succeed again by themselves when Redis returns or a failover completes; connection
 * errors go to `onError` and never crash the process. Validates the options once; throws a
 * `ConfigurationError` naming the option.
 */
export function createRedisReplayStore(url: string | RedisSentinelTarget, options?: CreateRedisReplayStoreOptions): RedisReplayStoreHandle<Redis>;
export function createRedisReplayStore(cluster: RedisClusterTarget, options?: CreateRedisReplayStoreOptions): RedisReplayStoreHandle<Cluster>;
export function createRedisReplayStore(target: RedisTarget, options?: CreateRedisReplayStoreOptions): RedisReplayStoreHandle<Redis | Cluster>;
export function createRedisReplayStore(target: RedisTarget, options?: CreateRedisReplayStoreOptions): RedisReplayStoreHandle<Redis | Cluster> {
  const o = validateCreateOptions(target, options);
  const client = connect(o);
  client.on('error', (error: Error) => {
    try {
      o.onError?.(error);
    } catch {
      // A listener's failure must not turn a Redis outage into a crash.
    }
  });
  const store = new RedisReplayStore({
    client,
    keyPrefix: o.keyPrefix,
    commandTimeout: o.commandTimeout,
    now: o.now,
    waitForReplicas: o.waitForReplicas,
    ...(o.waitForReplicas > 0 ? { waitTimeout: o.waitTimeout } : {}),
  });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const ended = new Promise<void>((resolve) => (client.status === 'end' ? resolve() : client.once('end', resolve)));
      if (client.status === 'ready') {
        await bounded((client as Redis).quit(), o.commandTimeout);
        await bounded(ended, o.commandTimeout);
      }
      if (client.status === 'end') return;
      // Between two attempts ioredis only clears its reconnect timer and never emits 'end'.
      const betweenAttempts = client.status === 'reconnecting';
      // Calling disconnect() after a completed QUIT would leave ioredis's 2 s disconnect timer running.
      client.disconnect();
      if (!betweenAttempts) await bounded(ended, o.commandTimeout);
    })();
    return closing;
  };
  const ready = (timeout: number = o.connectTimeout): Promise<void> => {
    if (client.status === 'ready') return Promise.resolve();
    if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_REDIS_TIMEOUT) {
      return Promise.reject(new RangeError(`ready(timeout): timeout must be an integer of milliseconds, 1–${MAX_REDIS_TIMEOUT}`));
    }
    return new Promise<void>((resolve, reject) => {
      const settle = (error?: Error) => {
        clearTimeout(timer);
        client.off('ready', onReady);
        client.off('end', onEnd);
        if (error === undefined) resolve();
        else reject(error);
      };
      const onReady = () => settle();
      const onEnd = () => settle(new ReplayStoreUnavailableError('the client was closed'));
      const timer = setTimeout(() => settle(new ReplayStoreUnavailableError(`Redis did not become ready within ${timeout} ms`)), timeout);
      client.on('ready', onReady);
      client.on('end', onEnd);
      if (client.status === 'end') onEnd();
    });
  };
  return Object.freeze({ store, client, ready, close });
}
