import { readFile } from 'node:fs/promises';
import { ConfigurationError, loadTrustConfig, type AuthorizationServerOptions, type Rfc7523Event } from '@rfc7523/core';
import type { CreateRedisReplayStoreOptions } from '@rfc7523/redis';
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
  /** `REDIS_URL`, when set. */
  redisUrl: string | undefined;
}

/** Options of {@link demoSettings}. */
export interface DemoSettingsOptions {
  /** Log engine events to stderr, one line each. Default true. */
  logEvents?: boolean;
  /** Engine options that win over the environment, for tests (e.g. a fake clock). Default none. */
  overrides?: Partial<AuthorizationServerOptions>;
  /** Redis replay-store options when `REDIS_URL` is set, for tests (e.g. a longer `commandTimeout`). Default none. */
  redis?: Pick<CreateRedisReplayStoreOptions, 'commandTimeout' | 'connectTimeout'>;
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
 * Reads PORT, HOST, ISSUER, AS_CONFIG, AS_SIGNING_KEY and REDIS_URL (docs/demo-interface.md). Throws a
 * ConfigurationError naming the variable or the file and field.
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
  const trust = await loadTrustConfig(env.AS_CONFIG || DEMO_CONFIG_PATH);
  return {
    port,
    host,
    redisUrl: env.REDIS_URL || undefined,
    options: {
      issuer,
      ...trust,
      ...(env.AS_SIGNING_KEY ? { signingKey: await readSigningKey(env.AS_SIGNING_KEY) } : {}),
      ...(options.logEvents === false ? {} : { onEvent: logEvent }),
      ...options.overrides,
    },
  };
}
