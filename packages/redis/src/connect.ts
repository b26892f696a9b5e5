import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { ResolvedCreateOptions } from './validate-options.js';

/** First reconnection delay, milliseconds; doubled on each attempt up to `maxReconnectDelay`. Internal. */
const FIRST_RECONNECT_DELAY = 50;

/** The reconnection backoff: 50 ms doubling up to `max` milliseconds, forever. Internal. */
function backoff(max: number): (times: number) => number {
  return (times) => Math.min(FIRST_RECONNECT_DELAY * 2 ** Math.min(Math.max(times, 1) - 1, 16), max);
}

/**
 * A write refused by a node that is no longer the master (READONLY) or is loading: reconnect, so a
 * Sentinel client asks the sentinels again for the current master. Internal.
 */
function reconnectOnRoleChange(error: Error): boolean {
  return /^(READONLY|LOADING|MASTERDOWN)/.test(error.message);
}

/**
 * Creates the ioredis client for a validated target with the replay store's safe settings (RFC 7523
 * §3.7 fails closed): no offline queue, one retry per command, bounded connection attempts and
 * reconnection forever with capped backoff. Internal.
 */
export function connect(o: ResolvedCreateOptions): Redis | Cluster {
  const retryStrategy = backoff(o.maxReconnectDelay);
  const safe = {
    maxRetriesPerRequest: 1,
    connectTimeout: o.connectTimeout,
  };
  const t = o.target;
  if (t.kind === 'url') {
    return new Redis(t.url, { ...o.redisOptions, ...safe, enableOfflineQueue: false, lazyConnect: false, retryStrategy });
  }
  if (t.kind === 'sentinel') {
    const options: RedisOptions = {
      // A demoted master answers writes with READONLY: reconnect and ask the sentinels again. (ioredis's
      // failoverDetector is left off: its sentinel subscriptions outlive disconnect() and keep the process alive.)
      reconnectOnError: reconnectOnRoleChange,
      ...o.redisOptions,
      ...safe,
      sentinels: t.sentinels.map((s) => ({ host: s.host, port: s.port })),
      name: t.name,
      enableOfflineQueue: false,
      lazyConnect: false,
      retryStrategy,
      sentinelRetryStrategy: retryStrategy,
    };
    return new Redis(options);
  }
  const redisOptions = {
    ...(t.username === undefined ? {} : { username: t.username }),
    ...(t.password === undefined ? {} : { password: t.password }),
    ...(t.tls ? { tls: {} } : {}),
    ...o.redisOptions,
    ...safe,
  } as ClusterOptions['redisOptions'];
  const options: ClusterOptions = {
    ...(o.clusterOptions as ClusterOptions),
    redisOptions,
    enableOfflineQueue: false,
    lazyConnect: false,
    clusterRetryStrategy: retryStrategy,
  };
  return new Cluster(
    t.nodes.map((n) => ({ host: n.host, port: n.port })),
    options,
  );
}
