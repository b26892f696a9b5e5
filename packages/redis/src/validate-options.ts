import { Checker } from '@rfc7523/core/validation';
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

/** The Redis store's options style: `"keyprefix" is not a known option`, `"commandTimeout" must be …`. */
const c: Checker = new Checker({ keys: 'option' });

function milliseconds(value: unknown, field: string, fallback: number): number {
  return c.milliseconds(value, field, 1, MAX_REDIS_TIMEOUT, fallback);
}

function common(o: Record<string, unknown>): Omit<ResolvedStoreOptions, 'client'> {
  const keyPrefix = c.string(o.keyPrefix, 'keyPrefix', REDIS_REPLAY_STORE_DEFAULTS.keyPrefix);
  const now = c.function(o.now, 'now', Date.now, 'must be a function returning milliseconds');
  const commandTimeout = milliseconds(o.commandTimeout, 'commandTimeout', REDIS_REPLAY_STORE_DEFAULTS.commandTimeout);
  const waitForReplicas = c.wholeNumber(o.waitForReplicas, 'waitForReplicas', 0, MAX_REPLICAS, 'replicas', REDIS_REPLAY_STORE_DEFAULTS.waitForReplicas);
  if (o.waitTimeout !== undefined && waitForReplicas === 0) c.fail('waitTimeout', 'needs waitForReplicas of 1 or more');
  const waitTimeout = milliseconds(o.waitTimeout, 'waitTimeout', Math.max(1, Math.floor(commandTimeout / 2)));
  if (waitForReplicas > 0 && waitTimeout >= commandTimeout) {
    c.fail('waitTimeout', `must be below commandTimeout (${commandTimeout} ms), or every wait would time out as a whole`);
  }
  return { keyPrefix, commandTimeout, now, waitForReplicas, waitTimeout };
}

const URL_PROBLEM = 'must be a redis:// or rediss:// URL';

function redisUrl(value: unknown, field: string): URL {
  const parsed = c.url(value, field, URL_PROBLEM);
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') c.fail(field, URL_PROBLEM);
  if (parsed.hostname === '') c.fail(field, `${URL_PROBLEM} with a host`);
  return parsed;
}

function port(text: string, field: string): number {
  const value = Number(text);
  if (!/^\d{1,5}$/.test(text) || value < 1 || value > 65535) c.fail(field, 'must have a TCP port from 1 to 65535');
  return value;
}

function hostPort(value: unknown, field: string): HostPort {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { host: h, port: p } = value as Record<string, unknown>;
    const host = c.string(h, `${field}.host`);
    if (typeof p !== 'number') c.fail(`${field}.port`, 'must be a TCP port number');
    return { host, port: port(String(p), `${field}.port`) };
  }
  const match = typeof value === 'string' ? /^(\[[^\]]+\]|[^:\s]+):([^:]*)$/.exec(value) : null;
  if (match === null) c.fail(field, 'must be "host:port"');
  return { host: match[1]!.replace(/^\[|\]$/g, ''), port: port(match[2]!, field) };
}

/** Validates the connection target of `createRedisReplayStore`; throws a ConfigurationError naming the field. */
function target(value: unknown): ResolvedTarget {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const t = value as Record<string, unknown>;
    if ('cluster' in t) {
      c.onlyKnown(t, '', ['cluster']);
      const urls = c.array(t.cluster, 'cluster', true).map((u, i) => redisUrl(u, `cluster[${i}]`));
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
      c.onlyKnown(t, '', ['sentinels', 'name']);
      const sentinels = c.array(t.sentinels, 'sentinels', true).map((s, i) => hostPort(s, `sentinels[${i}]`));
      if (typeof t.name !== 'string' || t.name.trim() === '') c.fail('name', 'must be the master group name the sentinels monitor');
      return { kind: 'sentinel', sentinels, name: t.name };
    }
    c.fail('url', `${URL_PROBLEM}, { cluster: [...] } or { sentinels: [...], name }`);
  }
  redisUrl(value, 'url');
  return { kind: 'url', url: value as string };
}

/** ioredis options passed through as given, except those the store sets itself (named as `field.key`). */
function passThrough(value: unknown, field: string, forced: readonly string[]): Record<string, unknown> {
  const options = value === undefined ? {} : c.object(value, field);
  for (const key of forced) {
    if (key in options) c.fail(`${field}.${key}`, 'is set by createRedisReplayStore and may not be given (see its documentation)');
  }
  return options;
}

/** Validates `new RedisReplayStore(options)` once; throws a ConfigurationError (a TypeError) naming the option. */
export function validateStoreOptions(options: RedisReplayStoreOptions): ResolvedStoreOptions {
  const o = c.options(options, STORE_FIELDS);
  const client = o.client as { set?: unknown; options?: { enableOfflineQueue?: unknown; maxRetriesPerRequest?: unknown } } | undefined;
  if (typeof client !== 'object' || client === null || typeof client.set !== 'function') {
    c.fail('client', 'must be an ioredis Redis or Cluster client');
  }
  // A standalone client that queues commands forever would pile up one command per request while Redis is down.
  if (client.options?.enableOfflineQueue !== false && client.options?.maxRetriesPerRequest === null) {
    c.fail('client', 'must not queue commands forever: create it with enableOfflineQueue: false or a maxRetriesPerRequest');
  }
  return Object.freeze({ client: o.client as RedisReplayClient, ...common(o) });
}

/** Validates `createRedisReplayStore(target, options)` once; throws a ConfigurationError naming the option. */
export function validateCreateOptions(where: RedisTarget | unknown, options: CreateRedisReplayStoreOptions | undefined): ResolvedCreateOptions {
  const resolvedTarget = target(where);
  const o = c.options(options === undefined ? {} : options, CREATE_FIELDS);
  const onError = c.function<((error: Error) => void) | undefined>(o.onError, 'onError', undefined);
  const redisOptions = passThrough(o.redisOptions, 'redisOptions', FORCED_REDIS_OPTIONS);
  if (o.clusterOptions !== undefined && resolvedTarget.kind !== 'cluster') c.fail('clusterOptions', 'applies to a { cluster: [...] } target only');
  const clusterOptions = passThrough(o.clusterOptions, 'clusterOptions', FORCED_CLUSTER_OPTIONS);
  return Object.freeze({
    ...common(o),
    target: resolvedTarget,
    clusterOptions: Object.freeze({ ...clusterOptions }),
    connectTimeout: milliseconds(o.connectTimeout, 'connectTimeout', REDIS_REPLAY_STORE_DEFAULTS.connectTimeout),
    maxReconnectDelay: milliseconds(o.maxReconnectDelay, 'maxReconnectDelay', REDIS_REPLAY_STORE_DEFAULTS.maxReconnectDelay),
    onError,
    redisOptions: Object.freeze({ ...redisOptions }),
  });
}
