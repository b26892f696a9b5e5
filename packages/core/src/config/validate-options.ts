import { Checker } from './checks.js';
import { validateResources } from './id-jag-fields.js';
import {
  BUILT_IN_GRANT_TYPES,
  checkDistinctIssuers,
  checkGrantTypes,
  validateClients,
  validateTrustedIssuers,
  MAX_CONFIGURABLE_LIFETIME,
} from './validate-metadata.js';
import { REMOTE_KEY_SET_DEFAULTS } from '../keys/remote-key-set.js';
import { DEFAULTS, IMPORT_KEYS, MAX_ACCESS_TOKEN_LIFETIME, MAX_CLOCK_TOLERANCE, type AuthorizationServerOptions } from '../options.js';
import type { ClientMetadata, TrustedIssuerMetadata } from './metadata-types.js';

/** Options after validation and defaults; frozen. */
export type ResolvedOptions = Readonly<
  Required<Omit<AuthorizationServerOptions, 'signingKey' | 'replayStore' | 'onEvent' | 'grants' | 'dpop'>> &
    Pick<AuthorizationServerOptions, 'signingKey' | 'replayStore' | 'onEvent' | 'grants' | 'dpop'> & {
      clients: readonly ClientMetadata[];
      trustedIssuers: readonly TrustedIssuerMetadata[];
      jwksFetch: Required<NonNullable<AuthorizationServerOptions['jwksFetch']>>;
    }
>;

/** Every option of {@link AuthorizationServerOptions}; anything else is refused, as in the trust file. */
const OPTION_NAMES = [
  'issuer',
  'tokenEndpoint',
  'jwksUri',
  'clients',
  'trustedIssuers',
  'signingKey',
  'accessTokenAudience',
  'resources',
  'accessTokenLifetime',
  'clockTolerance',
  'maxAssertionLifetime',
  'maxAssertionLength',
  'maxBodyLength',
  'replayStore',
  'dpop',
  'importKeys',
  'jwksFetch',
  'grants',
  'onEvent',
  'now',
] as const satisfies readonly (keyof AuthorizationServerOptions)[];

// Fails to compile when an option is added to AuthorizationServerOptions but not to OPTION_NAMES.
const everyOptionListed: Exclude<keyof AuthorizationServerOptions, (typeof OPTION_NAMES)[number]> extends never ? true : never = true;
void everyOptionListed;

/** A whole number of milliseconds up to an hour (the `jwksFetch` timings), or the default. */
function milliseconds(c: Checker, value: unknown, field: string, fallback: number): number {
  return c.milliseconds(value, field, 0, 3_600_000, fallback);
}

/** Validates `createAuthorizationServer` options once; throws a ConfigurationError naming the option. */
export function validateServerOptions(options: AuthorizationServerOptions): ResolvedOptions {
  const c = new Checker();
  // A typo (`clokTolerance`) would otherwise silently keep the default.
  const o = c.options(options, OPTION_NAMES) as Partial<AuthorizationServerOptions>;
  const issuer = c.httpsUrl(o.issuer, 'issuer', 'nothing');
  const base = issuer.replace(/\/+$/, '');
  const seconds = (field: 'accessTokenLifetime' | 'clockTolerance' | 'maxAssertionLifetime', min: number, max: number) =>
    c.seconds(o[field], field, min, max, DEFAULTS[field]);
  const bytes = (field: 'maxAssertionLength' | 'maxBodyLength') =>
    c.wholeNumber(o[field], field, 1024, 1_048_576, 'bytes', DEFAULTS[field]);
  if (o.replayStore !== undefined && typeof o.replayStore?.remember !== 'function') {
    c.fail('replayStore', 'must have a remember(key, expiresAt) method');
  }
  if (o.grants !== undefined) {
    for (const [name, handler] of Object.entries(c.object(o.grants, 'grants'))) {
      if (typeof (handler as { handle?: unknown })?.handle !== 'function') c.fail(`grants.${name}`, 'must have a handle(context) method');
    }
  }
  if (o.importKeys !== undefined && !(IMPORT_KEYS as readonly unknown[]).includes(o.importKeys)) {
    c.fail('importKeys', `must be ${IMPORT_KEYS.map((v) => `"${v}"`).join(' or ')}`);
  }
  const fetchOptions = o.jwksFetch === undefined ? {} : c.object(o.jwksFetch, 'jwksFetch');
  c.onlyKnown(fetchOptions, 'jwksFetch', ['timeout', 'cooldown', 'cacheMaxAge', 'maxBytes']);
  const resolved: ResolvedOptions = {
    issuer,
    tokenEndpoint: o.tokenEndpoint === undefined ? `${base}/token` : c.httpsUrl(o.tokenEndpoint, 'tokenEndpoint', 'nothing'),
    jwksUri: o.jwksUri === undefined ? `${base}/jwks` : c.httpsUrl(o.jwksUri, 'jwksUri', 'nothing'),
    clients: o.clients === undefined ? [] : validateClients(c, o.clients, 'clients'),
    trustedIssuers: o.trustedIssuers === undefined ? [] : validateTrustedIssuers(c, o.trustedIssuers, 'trustedIssuers'),
    signingKey: o.signingKey,
    accessTokenAudience: c.string(o.accessTokenAudience, 'accessTokenAudience', issuer),
    resources: o.resources === undefined ? [] : validateResources(c, o.resources, 'resources'),
    accessTokenLifetime: seconds('accessTokenLifetime', 1, MAX_ACCESS_TOKEN_LIFETIME),
    clockTolerance: seconds('clockTolerance', 0, MAX_CLOCK_TOLERANCE),
    maxAssertionLifetime: seconds('maxAssertionLifetime', 1, MAX_CONFIGURABLE_LIFETIME),
    maxAssertionLength: bytes('maxAssertionLength'),
    maxBodyLength: bytes('maxBodyLength'),
    replayStore: o.replayStore,
    // Checked in full (dpop-server-options.ts) once the engine's replay store is wrapped for telemetry.
    ...(o.dpop === undefined ? {} : { dpop: o.dpop }),
    importKeys: o.importKeys ?? IMPORT_KEYS[0],
    jwksFetch: {
      timeout: milliseconds(c, fetchOptions.timeout, 'jwksFetch.timeout', REMOTE_KEY_SET_DEFAULTS.timeout),
      cooldown: milliseconds(c, fetchOptions.cooldown, 'jwksFetch.cooldown', REMOTE_KEY_SET_DEFAULTS.cooldown),
      cacheMaxAge: milliseconds(c, fetchOptions.cacheMaxAge, 'jwksFetch.cacheMaxAge', REMOTE_KEY_SET_DEFAULTS.cacheMaxAge),
      maxBytes: c.wholeNumber(fetchOptions.maxBytes, 'jwksFetch.maxBytes', 1024, 16_777_216, 'bytes', REMOTE_KEY_SET_DEFAULTS.maxBytes),
    },
    grants: o.grants,
    onEvent: c.function<AuthorizationServerOptions['onEvent']>(o.onEvent, 'onEvent', undefined),
    now: c.function(o.now, 'now', Date.now, 'must be a function returning milliseconds'),
  };
  checkDistinctIssuers(c, resolved.clients, 'clients', resolved.trustedIssuers, 'trustedIssuers');
  checkGrantTypes(c, resolved.clients, 'clients', [...BUILT_IN_GRANT_TYPES, ...Object.keys(o.grants ?? {})]);
  return Object.freeze(resolved);
}
