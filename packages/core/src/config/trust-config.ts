import { readFile } from 'node:fs/promises';
import { Checker } from './checks.js';
import { jsonErrorPosition } from './json-error-position.js';
import type { ClientMetadata, TrustedIssuerMetadata } from './metadata-types.js';
import { checkDistinctIssuers, MAX_CONFIGURABLE_LIFETIME, validateClients, validateTrustedIssuers } from './validate-metadata.js';
import { validateResources } from './id-jag-fields.js';
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
  /** Resource indicators this server issues tokens for (RFC 8707 §2; rule G4); present only when the file sets them. */
  resources?: string[];
}

const TOP_LEVEL = ['clients', 'trusted_issuers', 'access_token_lifetime', 'clock_tolerance', 'max_assertion_lifetime', 'resources'];

/**
 * Validates a parsed trust configuration (docs/configuration.md). Unknown fields are errors, so that a typo never
 * silently weakens a policy. Throws a ConfigurationError naming `source` and the field.
 */
export function parseTrustConfig(value: unknown, source = 'trust configuration'): TrustConfig {
  const c = new Checker({ source });
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
  if (root.resources !== undefined) config.resources = validateResources(c, root.resources, 'resources'); // rule G4
  return config;
}

/**
 * Reads and validates a trust configuration file (docs/configuration.md). Errors name the file and the
 * field, or the line and column of a JSON syntax error (1-based).
 */
export async function loadTrustConfig(path: string): Promise<TrustConfig> {
  const c = new Checker({ source: path });
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    return c.fail('(file)', `cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  // A byte order mark, as some editors write, is not JSON (RFC 8259 §8.1) but is harmless: skip it.
  if (text.startsWith('\ufeff')) text = text.slice(1);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    // V8's message, without its own position and without the quoted text it sometimes adds.
    const reason = (err as Error).message.replace(/ in JSON at position \d+.*$/s, '').replace(/, ".*" is not valid JSON$/s, '');
    const at = jsonErrorPosition(text);
    return c.fail('(file)', `is not valid JSON${at === undefined ? '' : ` at line ${at.line}, column ${at.column}`}: ${reason}`);
  }
  return parseTrustConfig(value, path);
}
