import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { ConfigurationError, loadTrustConfig, type AuthorizationServerOptions, type Rfc7523Event } from '@rfc7523/core';
import type { CreateRedisReplayStoreOptions, RedisTarget } from '@rfc7523/redis';
import type { JWK } from 'jose';
import { DEMO_CONFIG_PATH } from './demo-files.js';

/** Everything a demo app needs to start, read from the environment (docs/demo-interface.md). */
export interface DemoSettings {
  /** TCP port; `PORT`, default per app. */
  port: number;
  /** Address to bind; `HOST`, default 127.0.0.1. */
  host: string;
  /** Engine options built from `ISSUER`, `AS_CONFIG`, `AS_SIGNING_KEY`. */
  options: AuthorizationServerOptions;
  /**
   * Where the shared replay store lives: the URL of `REDIS_URL`, `{ cluster }` from
   * `REDIS_CLUSTER_NODES`, or `{ sentinels, name }` from `REDIS_SENTINELS` and `REDIS_SENTINEL_NAME`;
   * undefined (the in-memory store) when none is set.
   */
  redis: RedisTarget | undefined;
}

/** Options of {@link demoSettings}. */
export interface DemoSettingsOptions {
  /** Log engine events to stderr, one line each. Default true. */
  logEvents?: boolean;
  /** Engine options that win over the environment, for tests (e.g. a fake clock). Default none. */
  overrides?: Partial<AuthorizationServerOptions>;
  /** Redis replay-store options when a Redis is configured, for tests (e.g. a longer `commandTimeout`). Default none. */
  redis?: Pick<CreateRedisReplayStoreOptions, 'commandTimeout' | 'connectTimeout'>;
  /** Receives start-up warnings (one line each, e.g. an `ISSUER` with a trailing slash). Default: written to stderr. */
  warn?: (message: string) => void;
}

const REDIS_URL_PROBLEM = 'must be a redis:// or rediss:// URL, such as redis://127.0.0.1:6379';

/** Throws a ConfigurationError naming `variable` unless `value` is a redis:// or rediss:// URL with a host. */
function redisUrl(value: string, variable: string, what = REDIS_URL_PROBLEM): string {
  let url: URL | undefined;
  try {
    url = new URL(value);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || url.hostname === '') {
    throw new ConfigurationError(variable, what);
  }
  return value;
}

/** The comma-separated, non-empty items of a list variable. */
function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/**
 * The replay store's Redis from REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS + REDIS_SENTINEL_NAME
 * (docs/demo-interface.md), at most one of them; undefined when none is set. Throws a
 * ConfigurationError naming the variable.
 */
export function redisTargetFromEnv(env: Readonly<Record<string, string | undefined>>): RedisTarget | undefined {
  const set = ['REDIS_URL', 'REDIS_CLUSTER_NODES', 'REDIS_SENTINELS'].filter((name) => (env[name] ?? '') !== '');
  if (set.length > 1) throw new ConfigurationError(set[1]!, `cannot be combined with ${set[0]}: set only one of REDIS_URL, REDIS_CLUSTER_NODES, REDIS_SENTINELS`);
  if (env.REDIS_SENTINEL_NAME && !env.REDIS_SENTINELS) throw new ConfigurationError('REDIS_SENTINEL_NAME', 'needs REDIS_SENTINELS (the sentinels to ask for that master)');
  if (env.REDIS_URL) return redisUrl(env.REDIS_URL, 'REDIS_URL');
  if (env.REDIS_CLUSTER_NODES) {
    const nodes = list(env.REDIS_CLUSTER_NODES);
    if (nodes.length === 0) throw new ConfigurationError('REDIS_CLUSTER_NODES', 'must list at least one redis://host:port');
    for (const node of nodes) redisUrl(node, 'REDIS_CLUSTER_NODES', `must be comma-separated redis://host:port URLs; ${JSON.stringify(node)} is not one`);
    return { cluster: nodes };
  }
  if (env.REDIS_SENTINELS) {
    const sentinels = list(env.REDIS_SENTINELS);
    if (sentinels.length === 0) throw new ConfigurationError('REDIS_SENTINELS', 'must list at least one host:port');
    for (const sentinel of sentinels) {
      const port = /^(?:\[[^\]]+\]|[^:\s/]+):(\d{1,5})$/.exec(sentinel)?.[1];
      if (port === undefined || Number(port) < 1 || Number(port) > 65535) {
        throw new ConfigurationError('REDIS_SENTINELS', `must be comma-separated host:port pairs; ${JSON.stringify(sentinel)} is not one`);
      }
    }
    const name = env.REDIS_SENTINEL_NAME?.trim();
    if (!name) throw new ConfigurationError('REDIS_SENTINEL_NAME', 'must name the master group the sentinels monitor when REDIS_SENTINELS is set');
    return { sentinels, name };
  }
  return undefined;
}

/**
 * The trust configuration path of AS_CONFIG made absolute (against the working directory), so that
 * every message names the file that was really looked for. Throws a ConfigurationError naming
 * AS_CONFIG and the resolved path when there is no file there.
 */
async function trustConfigPath(value: string): Promise<string> {
  const path = resolve(value);
  try {
    await stat(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const relative = isAbsolute(value) ? '' : ` (${JSON.stringify(value)} resolved against the working directory ${process.cwd()})`;
    throw new ConfigurationError('AS_CONFIG', `names no readable file: ${path}${relative}: ${code}`);
  }
  return path;
}

function logEvent(event: Rfc7523Event): void {
  process.stderr.write(`event ${JSON.stringify(event)}\n`);
}

async function readSigningKey(path: string): Promise<JWK> {
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (err) {
    throw new ConfigurationError('AS_SIGNING_KEY', `cannot be read as a JSON private JWK: ${(err as Error).message}`, path);
  }
  return value as JWK;
}

/**
 * Reads PORT, HOST, ISSUER, AS_CONFIG, AS_SIGNING_KEY, and REDIS_URL or REDIS_CLUSTER_NODES or
 * REDIS_SENTINELS + REDIS_SENTINEL_NAME (docs/demo-interface.md). Throws a ConfigurationError naming
 * the variable or the file and field. Warns (through `options.warn`) about an ISSUER ending in "/".
 */
export async function demoSettings(
  env: Readonly<Record<string, string | undefined>>,
  defaultPort: number,
  options: DemoSettingsOptions = {},
): Promise<DemoSettings> {
  const portText = env.PORT ?? String(defaultPort);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new ConfigurationError('PORT', 'must be a TCP port number');
  const host = env.HOST || '127.0.0.1';
  const issuer = env.ISSUER || `http://localhost:${port}`;
  const redis = redisTargetFromEnv(env);
  if (issuer.endsWith('/')) {
    const warn = options.warn ?? ((message: string) => process.stderr.write(`${message}\n`));
    warn(
      `warning: ISSUER ${JSON.stringify(issuer)} ends with "/": audiences are compared exactly (RFC 7523 §3), so assertions must carry ` +
        `aud ${JSON.stringify(issuer)} with the slash, and the token endpoint is ${JSON.stringify(`${issuer}/token`)}; remove the slash unless you mean it`,
    );
  }
  const trust = await loadTrustConfig(env.AS_CONFIG ? await trustConfigPath(env.AS_CONFIG) : DEMO_CONFIG_PATH);
  return {
    port,
    host,
    redis,
    options: {
      issuer,
      ...trust,
      ...(env.AS_SIGNING_KEY ? { signingKey: await readSigningKey(env.AS_SIGNING_KEY) } : {}),
      ...(options.logEvents === false ? {} : { onEvent: logEvent }),
      ...options.overrides,
    },
  };
}
