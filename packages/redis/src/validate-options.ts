import { ConfigurationError } from '@rfc7523/core';
import {
  MAX_REDIS_TIMEOUT,
  REDIS_REPLAY_STORE_DEFAULTS,
  type CreateRedisReplayStoreOptions,
  type RedisReplayClient,
  type RedisReplayStoreOptions,
  type RedisTarget,
} from './options.js';

/** Store options after validation and defaults. Internal. */
export interface ResolvedStoreOptions {
  readonly client: RedisReplayClient;
  readonly keyPrefix: string;
  readonly commandTimeout: number;
  readonly now: () => number;
  readonly waitForReplicas: number;
  readonly waitTimeout: number;
}

/** A host and port. Internal. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
}

/** A connection target after validation. Internal. */
export type ResolvedTarget =
  | { readonly kind: 'url'; readonly url: string }
  | {
      readonly kind: 'cluster';
      readonly nodes: readonly HostPort[];
      readonly username: string | undefined;
      readonly password: string | undefined;
      readonly tls: boolean;
    }
  | { readonly kind: 'sentinel'; readonly sentinels: readonly HostPort[]; readonly name: string };

/** Helper options after validation and defaults. Internal. */
export interface ResolvedCreateOptions {
  readonly keyPrefix: string;
  readonly commandTimeout: number;
  readonly now: () => number;
  readonly waitForReplicas: number;
  readonly waitTimeout: number;
  readonly target: ResolvedTarget;
  readonly connectTimeout: number;
  readonly maxReconnectDelay: number;
  readonly onError: ((error: Error) => void) | undefined;
  readonly redisOptions: Readonly<Record<string, unknown>>;
  readonly clusterOptions: Readonly<Record<string, unknown>>;
}

const STORE_FIELDS = ['client', 'keyPrefix', 'commandTimeout', 'now', 'waitForReplicas', 'waitTimeout'];
const CREATE_FIELDS = [
  'keyPrefix',
  'commandTimeout',
  'now',
  'waitForReplicas',
  'waitTimeout',
  'connectTimeout',
  'maxReconnectDelay',
  'onError',
  'redisOptions',
  'clusterOptions',
];
const FORCED_REDIS_OPTIONS = ['enableOfflineQueue', 'maxRetriesPerRequest', 'lazyConnect', 'retryStrategy', 'connectTimeout', 'sentinels', 'name'];
const FORCED_CLUSTER_OPTIONS = ['enableOfflineQueue', 'clusterRetryStrategy', 'lazyConnect', 'redisOptions'];
/** Most replicas `waitForReplicas` may ask for. */
const MAX_REPLICAS = 16;

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

function common(o: Record<string, unknown>): Omit<ResolvedStoreOptions, 'client'> {
  const keyPrefix = o.keyPrefix ?? REDIS_REPLAY_STORE_DEFAULTS.keyPrefix;
  if (typeof keyPrefix !== 'string' || keyPrefix.length === 0) throw new ConfigurationError('keyPrefix', 'must be a non-empty string');
  if (o.now !== undefined && typeof o.now !== 'function') throw new ConfigurationError('now', 'must be a function returning milliseconds');
  const commandTimeout = milliseconds(o.commandTimeout, 'commandTimeout', REDIS_REPLAY_STORE_DEFAULTS.commandTimeout);
  const waitForReplicas = o.waitForReplicas ?? REDIS_REPLAY_STORE_DEFAULTS.waitForReplicas;
  if (typeof waitForReplicas !== 'number' || !Number.isInteger(waitForReplicas) || waitForReplicas < 0 || waitForReplicas > MAX_REPLICAS) {
    throw new ConfigurationError('waitForReplicas', `must be a whole number of replicas from 0 to ${MAX_REPLICAS}`);
  }
  if (o.waitTimeout !== undefined && waitForReplicas === 0) throw new ConfigurationError('waitTimeout', 'needs waitForReplicas of 1 or more');
  const waitTimeout = milliseconds(o.waitTimeout, 'waitTimeout', Math.max(1, Math.floor(commandTimeout / 2)));
  if (waitForReplicas > 0 && waitTimeout >= commandTimeout) {
    throw new ConfigurationError('waitTimeout', `must be below commandTimeout (${commandTimeout} ms), or every wait would time out as a whole`);
  }
  return { keyPrefix, commandTimeout, now: (o.now as (() => number) | undefined) ?? Date.now, waitForReplicas, waitTimeout };
}

const URL_PROBLEM = 'must be a redis:// or rediss:// URL';

function redisUrl(value: unknown, field: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(typeof value === 'string' ? value : '');
  } catch {
    throw new ConfigurationError(field, URL_PROBLEM);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new ConfigurationError(field, URL_PROBLEM);
  if (parsed.hostname === '') throw new ConfigurationError(field, `${URL_PROBLEM} with a host`);
  return parsed;
}

function port(text: string, field: string): number {
  const value = Number(text);
  if (!/^\d{1,5}$/.test(text) || value < 1 || value > 65535) throw new ConfigurationError(field, 'must have a TCP port from 1 to 65535');
  return value;
}

function hostPort(value: unknown, field: string): HostPort {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { host, port: p } = value as Record<string, unknown>;
    if (typeof host !== 'string' || host === '') throw new ConfigurationError(`${field}.host`, 'must be a non-empty string');
    if (typeof p !== 'number') throw new ConfigurationError(`${field}.port`, 'must be a TCP port number');
    return { host, port: port(String(p), `${field}.port`) };
  }
  const match = typeof value === 'string' ? /^(\[[^\]]+\]|[^:\s]+):([^:]*)$/.exec(value) : null;
  if (match === null) throw new ConfigurationError(field, 'must be "host:port"');
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: port(match[2]!, field) };
}

function nonEmptyArray(value: unknown, field: string): readonly unknown[] {
  if (!Array.isArray(value) || value.length === 0) throw new ConfigurationError(field, 'must be a non-empty array');
  return value;
}

/** Validates the connection target of `createRedisReplayStore`; throws a ConfigurationError naming the field. */
function target(value: unknown): ResolvedTarget {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const t = value as Record<string, unknown>;
    if ('cluster' in t) {
      onlyKnown(t, ['cluster']);
      const urls = nonEmptyArray(t.cluster, 'cluster').map((u, i) => redisUrl(u, `cluster[${i}]`));
      const first = urls[0]!;
      return {
        kind: 'cluster',
        nodes: urls.map((u, i) => ({ host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port === '' ? 6379 : port(u.port, `cluster[${i}]`) })),
        username: first.username === '' ? undefined : decodeURIComponent(first.username),
        password: first.password === '' ? undefined : decodeURIComponent(first.password),
        tls: first.protocol === 'rediss:',
      };
    }
    if ('sentinels' in t) {
      onlyKnown(t, ['sentinels', 'name']);
      const sentinels = nonEmptyArray(t.sentinels, 'sentinels').map((s, i) => hostPort(s, `sentinels[${i}]`));
      if (typeof t.name !== 'string' || t.name.trim() === '') throw new ConfigurationError('name', 'must be the master group name the sentinels monitor');
      return { kind: 'sentinel', sentinels, name: t.name };
    }
    throw new ConfigurationError('url', `${URL_PROBLEM}, { cluster: [...] } or { sentinels: [...], name }`);
  }
  redisUrl(value, 'url');
  return { kind: 'url', url: value as string };
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

/** Validates `createRedisReplayStore(target, options)` once; throws a ConfigurationError naming the option. */
export function validateCreateOptions(where: RedisTarget | unknown, options: CreateRedisReplayStoreOptions | undefined): ResolvedCreateOptions {
  const resolvedTarget = target(where);
  const o = options === undefined ? {} : object(options, 'options');
  onlyKnown(o, CREATE_FIELDS);
  if (o.onError !== undefined && typeof o.onError !== 'function') throw new ConfigurationError('onError', 'must be a function');
  const redisOptions = o.redisOptions === undefined ? {} : object(o.redisOptions, 'redisOptions');
  for (const key of FORCED_REDIS_OPTIONS) {
    if (key in redisOptions) {
      throw new ConfigurationError(`redisOptions.${key}`, 'is set by createRedisReplayStore and may not be given (see its documentation)');
    }
  }
  const clusterOptions = o.clusterOptions === undefined ? {} : object(o.clusterOptions, 'clusterOptions');
  if (o.clusterOptions !== undefined && resolvedTarget.kind !== 'cluster') throw new ConfigurationError('clusterOptions', 'applies to a { cluster: [...] } target only');
  for (const key of FORCED_CLUSTER_OPTIONS) {
    if (key in clusterOptions) {
      throw new ConfigurationError(`clusterOptions.${key}`, 'is set by createRedisReplayStore and may not be given (see its documentation)');
    }
  }
  return Object.freeze({
    ...common(o),
    target: resolvedTarget,
    clusterOptions: Object.freeze({ ...clusterOptions }),
    connectTimeout: milliseconds(o.connectTimeout, 'connectTimeout', REDIS_REPLAY_STORE_DEFAULTS.connectTimeout),
    maxReconnectDelay: milliseconds(o.maxReconnectDelay, 'maxReconnectDelay', REDIS_REPLAY_STORE_DEFAULTS.maxReconnectDelay),
    onError: o.onError as ((error: Error) => void) | undefined,
    redisOptions: Object.freeze({ ...redisOptions }),
  });
}
