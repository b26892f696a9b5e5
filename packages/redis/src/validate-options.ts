import { ConfigurationError } from '@rfc7523/core';
import {
  MAX_REDIS_TIMEOUT,
  REDIS_REPLAY_STORE_DEFAULTS,
  type CreateRedisReplayStoreOptions,
  type RedisReplayClient,
  type RedisReplayStoreOptions,
} from './options.js';

/** Store options after validation and defaults. Internal. */
export interface ResolvedStoreOptions {
  readonly client: RedisReplayClient;
  readonly keyPrefix: string;
  readonly commandTimeout: number;
  readonly now: () => number;
}

/** Helper options after validation and defaults. Internal. */
export interface ResolvedCreateOptions {
  readonly keyPrefix: string;
  readonly commandTimeout: number;
  readonly now: () => number;
  readonly connectTimeout: number;
  readonly maxReconnectDelay: number;
  readonly onError: ((error: Error) => void) | undefined;
  readonly redisOptions: Readonly<Record<string, unknown>>;
}

const STORE_FIELDS = ['client', 'keyPrefix', 'commandTimeout', 'now'];
const CREATE_FIELDS = ['keyPrefix', 'commandTimeout', 'now', 'connectTimeout', 'maxReconnectDelay', 'onError', 'redisOptions'];
const FORCED_REDIS_OPTIONS = ['enableOfflineQueue', 'maxRetriesPerRequest', 'lazyConnect', 'retryStrategy', 'connectTimeout'];

function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigurationError(field, 'must be an object');
  return value as Record<string, unknown>;
}

function onlyKnown(value: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) throw new ConfigurationError(key, 'is not a known option');
  }
}

function milliseconds(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_REDIS_TIMEOUT) {
    throw new ConfigurationError(field, `must be a whole number of milliseconds from 1 to ${MAX_REDIS_TIMEOUT}`);
  }
  return value;
}

function common(o: Record<string, unknown>): Pick<ResolvedStoreOptions, 'keyPrefix' | 'commandTimeout' | 'now'> {
  const keyPrefix = o.keyPrefix ?? REDIS_REPLAY_STORE_DEFAULTS.keyPrefix;
  if (typeof keyPrefix !== 'string' || keyPrefix.length === 0) throw new ConfigurationError('keyPrefix', 'must be a non-empty string');
  if (o.now !== undefined && typeof o.now !== 'function') throw new ConfigurationError('now', 'must be a function returning milliseconds');
  return {
    keyPrefix,
    commandTimeout: milliseconds(o.commandTimeout, 'commandTimeout', REDIS_REPLAY_STORE_DEFAULTS.commandTimeout),
    now: (o.now as (() => number) | undefined) ?? Date.now,
  };
}

/** Validates `new RedisReplayStore(options)` once; throws a ConfigurationError (a TypeError) naming the option. */
export function validateStoreOptions(options: RedisReplayStoreOptions): ResolvedStoreOptions {
  const o = object(options, 'options');
  onlyKnown(o, STORE_FIELDS);
  const client = o.client as { set?: unknown; options?: { enableOfflineQueue?: unknown; maxRetriesPerRequest?: unknown } } | undefined;
  if (typeof client !== 'object' || client === null || typeof client.set !== 'function') {
    throw new ConfigurationError('client', 'must be an ioredis Redis or Cluster client');
  }
  // A standalone client that queues commands forever would pile up one command per request while Redis is down.
  if (client.options?.enableOfflineQueue !== false && client.options?.maxRetriesPerRequest === null) {
    throw new ConfigurationError('client', 'must not queue commands forever: create it with enableOfflineQueue: false or a maxRetriesPerRequest');
  }
  return Object.freeze({ client: o.client as RedisReplayClient, ...common(o) });
}

/** Validates `createRedisReplayStore(url, options)` once; throws a ConfigurationError naming the option. */
export function validateCreateOptions(url: unknown, options: CreateRedisReplayStoreOptions | undefined): ResolvedCreateOptions {
  let parsed: URL;
  try {
    parsed = new URL(typeof url === 'string' ? url : '');
  } catch {
    throw new ConfigurationError('url', 'must be a redis:// or rediss:// URL');
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new ConfigurationError('url', 'must be a redis:// or rediss:// URL');
  const o = options === undefined ? {} : object(options, 'options');
  onlyKnown(o, CREATE_FIELDS);
  if (o.onError !== undefined && typeof o.onError !== 'function') throw new ConfigurationError('onError', 'must be a function');
  const redisOptions = o.redisOptions === undefined ? {} : object(o.redisOptions, 'redisOptions');
  for (const key of FORCED_REDIS_OPTIONS) {
    if (key in redisOptions) {
      throw new ConfigurationError(`redisOptions.${key}`, 'is set by createRedisReplayStore and may not be given (see its documentation)');
    }
  }
  return Object.freeze({
    ...common(o),
    connectTimeout: milliseconds(o.connectTimeout, 'connectTimeout', REDIS_REPLAY_STORE_DEFAULTS.connectTimeout),
    maxReconnectDelay: milliseconds(o.maxReconnectDelay, 'maxReconnectDelay', REDIS_REPLAY_STORE_DEFAULTS.maxReconnectDelay),
    onError: o.onError as ((error: Error) => void) | undefined,
    redisOptions: Object.freeze({ ...redisOptions }),
  });
}
