import { readFile } from 'node:fs/promises';
import { Checker } from './checks.js';
import type { ClientMetadata, TrustedIssuerMetadata } from './metadata-types.js';
import { checkDistinctIssuers, MAX_CONFIGURABLE_LIFETIME, validateClients, validateTrustedIssuers } from './validate-metadata.js';
import { MAX_CLOCK_TOLERANCE, MAX_ACCESS_TOKEN_LIFETIME } from '../options.js';

/** The trust configuration file (docs/configuration.md) turned into engine options. */
export interface TrustConfig {
  /** Registered clients. */
  clients: ClientMetadata[];
  /** Trusted issuers of jwt-bearer grants. */
  trustedIssuers: TrustedIssuerMetadata[];
  /** Seconds; present only when the file sets it. */
  accessTokenLifetime?: number;
  /** Seconds; present only when the file sets it. */
  clockTolerance?: number;
  /** Seconds; present only when the file sets it. */
  maxAssertionLifetime?: number;
}

const TOP_LEVEL = ['clients', 'trusted_issuers', 'access_token_lifetime', 'clock_tolerance', 'max_assertion_lifetime'];

/**
 * Validates a parsed trust configuration (docs/configuration.md). Unknown fields are errors, so that a typo never
 * silently weakens a policy. Throws a ConfigurationError naming `source` and the field.
 */
export function parseTrustConfig(value: unknown, source = 'trust configuration'): TrustConfig {
  const c = new Checker(source);
  const root = c.object(value, '(root)');
  c.onlyKnown(root, '', TOP_LEVEL);
  const config: TrustConfig = {
    clients: root.clients === undefined ? [] : validateClients(c, root.clients, 'clients'),
    trustedIssuers:
      root.trusted_issuers === undefined ? [] : validateTrustedIssuers(c, root.trusted_issuers, 'trusted_issuers'),
  };
  checkDistinctIssuers(c, config.clients, 'clients', config.trustedIssuers, 'trusted_issuers');
  if (root.access_token_lifetime !== undefined) {
    config.accessTokenLifetime = c.seconds(root.access_token_lifetime, 'access_token_lifetime', 1, MAX_ACCESS_TOKEN_LIFETIME);
  }
  if (root.clock_tolerance !== undefined) {
    config.clockTolerance = c.seconds(root.clock_tolerance, 'clock_tolerance', 0, MAX_CLOCK_TOLERANCE);
  }
  if (root.max_assertion_lifetime !== undefined) {
    config.maxAssertionLifetime = c.seconds(root.max_assertion_lifetime, 'max_assertion_lifetime', 1, MAX_CONFIGURABLE_LIFETIME);
  }
  return config;
}

/** Reads and validates a trust configuration file (docs/configuration.md). Errors name the file and the field. */
export async function loadTrustConfig(path: string): Promise<TrustConfig> {
  const c = new Checker(path);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return c.fail('(file)', `cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return c.fail('(file)', `is not valid JSON: ${(err as Error).message}`);
  }
  return parseTrustConfig(value, path);
}
