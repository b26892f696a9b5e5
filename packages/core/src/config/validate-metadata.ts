import type { JWK } from 'jose';
import { ASSERTION_ALGORITHMS, CLIENT_CREDENTIALS_GRANT_TYPE, JWT_BEARER_GRANT_TYPE, PRIVATE_KEY_JWT } from '../constants.js';
import { publicJwkProblem } from '../keys/jwk-problem.js';
import { jwkCanVerify } from '../keys/local-key-set.js';
import { SCOPE_PATTERN } from '../scope.js';
import type { Checker } from './checks.js';
import { DPOP_CLIENT_FIELDS, validateDpopClientFields } from './dpop-fields.js';
import { checkAudiencePolicy, checkIdJagIssuer } from './id-jag-fields.js';
import type { ClientMetadata, PublicJwks, TrustedIssuerMetadata } from './metadata-types.js';
import { applyPreset, validateWorkloadFields, WORKLOAD_ISSUER_FIELDS } from './workload-fields.js';

/** Longest assertion lifetime anyone may configure, seconds (1 day). */
export const MAX_CONFIGURABLE_LIFETIME = 86_400;

const CLIENT_FIELDS = [
  'client_id',
  'jwks',
  'jwks_uri',
  'token_endpoint_auth_method',
  'token_endpoint_auth_signing_alg',
  'grant_types',
  'scope',
  'legacy_token_endpoint_audience',
  'audience_policy',
  'require_explicit_typ',
  'max_assertion_lifetime',
  ...DPOP_CLIENT_FIELDS,
] as const;

const ISSUER_FIELDS = [
  'issuer',
  'jwks',
  'jwks_uri',
  'subjects',
  'allow_any_subject',
  'scope',
  'max_assertion_lifetime',
  'require_jti',
  'id_jag',
  ...WORKLOAD_ISSUER_FIELDS,
] as const;

function checkKeys(c: Checker, entry: Record<string, unknown>, field: string): void {
  const hasJwks = entry.jwks !== undefined;
  const hasUri = entry.jwks_uri !== undefined;
  if (hasJwks === hasUri) c.fail(field, 'must have exactly one of "jwks" and "jwks_uri"');
  if (hasUri) {
    c.httpsUrl(entry.jwks_uri, `${field}.jwks_uri`);
    return;
  }
  const jwks = c.object(entry.jwks, `${field}.jwks`) as Partial<PublicJwks>;
  c.onlyKnown(jwks as Record<string, unknown>, `${field}.jwks`, ['keys']);
  const keys = c.array(jwks.keys, `${field}.jwks.keys`, true) as JWK[];
  const kids = new Map<string, number>();
  keys.forEach((key, i) => {
    const problem = publicJwkProblem(key);
    if (problem !== undefined) c.fail(`${field}.jwks.keys[${i}]`, problem);
    // A duplicate kid makes key selection ambiguous (RFC 7517 §4.5): one of the two keys would never be used.
    const kid = (key as JWK).kid;
    if (kid === undefined) return;
    const first = kids.get(kid);
    if (first !== undefined) c.fail(`${field}.jwks.keys[${i}].kid`, `duplicates the kid of ${field}.jwks.keys[${first}]`);
    kids.set(kid, i);
  });
}

function checkScope(c: Checker, value: unknown, field: string): void {
  if (value === undefined) return;
  if (typeof value !== 'string' || !SCOPE_PATTERN.test(value)) {
    c.fail(field, 'must be space-separated scope tokens (RFC 6749 §3.3)');
  }
}

/** Validates one client registration; throws a ConfigurationError naming the field. */
export function validateClient(c: Checker, value: unknown, field: string): ClientMetadata {
  const entry = c.object(value, field);
  c.onlyKnown(entry, field, CLIENT_FIELDS);
  c.string(entry.client_id, `${field}.client_id`);
  checkKeys(c, entry, field);
  if (entry.token_endpoint_auth_method !== undefined && entry.token_endpoint_auth_method !== PRIVATE_KEY_JWT) {
    c.fail(`${field}.token_endpoint_auth_method`, `must be "${PRIVATE_KEY_JWT}"`);
  }
  const alg = entry.token_endpoint_auth_signing_alg;
  if (alg !== undefined && !(ASSERTION_ALGORITHMS as readonly unknown[]).includes(alg)) {
    c.fail(`${field}.token_endpoint_auth_signing_alg`, `must be one of ${ASSERTION_ALGORITHMS.join(', ')}`);
  }
  // Keys fetched from a jwks_uri are unknown at start-up; a mismatch there shows per request as key_not_found.
  const keys = (entry.jwks as PublicJwks | undefined)?.keys;
  if (typeof alg === 'string' && keys !== undefined && !keys.some((key) => jwkCanVerify(key, alg))) {
    c.fail(`${field}.token_endpoint_auth_signing_alg`, `is ${alg}, but no key in "jwks" can verify ${alg}: the client could never authenticate`);
  }
  if (entry.grant_types !== undefined) c.stringArray(entry.grant_types, `${field}.grant_types`);
  checkScope(c, entry.scope, `${field}.scope`);
  for (const flag of ['legacy_token_endpoint_audience', 'require_explicit_typ'] as const) {
    if (entry[flag] !== undefined) c.boolean(entry[flag], `${field}.${flag}`);
  }
  checkAudiencePolicy(c, entry, field);
  validateDpopClientFields(c, entry, field);
  if (entry.max_assertion_lifetime !== undefined) {
    c.seconds(entry.max_assertion_lifetime, `${field}.max_assertion_lifetime`, 1, MAX_CONFIGURABLE_LIFETIME);
  }
  return entry as unknown as ClientMetadata;
}

/** Validates one trusted issuer; throws a ConfigurationError naming the field. */
export function validateTrustedIssuer(c: Checker, value: unknown, field: string): TrustedIssuerMetadata {
  c.onlyKnown(c.object(value, field), field, ISSUER_FIELDS);
  const entry = applyPreset(c, value as Record<string, unknown>, field);
  c.string(entry.issuer, `${field}.issuer`);
  validateWorkloadFields(c, entry, field); // rules W1–W6: key source, subject sources, CEL, presets
  if (entry.discovery !== true) checkKeys(c, entry, field);
  const hasSubjects = entry.subjects !== undefined;
  const anySubject = entry.allow_any_subject !== undefined;
  if (hasSubjects) c.stringArray(entry.subjects, `${field}.subjects`);
  if (anySubject && entry.allow_any_subject !== true) c.fail(`${field}.allow_any_subject`, 'must be true when present');
  checkScope(c, entry.scope, `${field}.scope`);
  if (entry.max_assertion_lifetime !== undefined) {
    c.seconds(entry.max_assertion_lifetime, `${field}.max_assertion_lifetime`, 1, MAX_CONFIGURABLE_LIFETIME);
  }
  if (entry.require_jti !== undefined) c.boolean(entry.require_jti, `${field}.require_jti`);
  checkIdJagIssuer(c, entry, field); // rules G1, G2: id_jag, and what it excludes
  return entry as unknown as TrustedIssuerMetadata;
}

/** Validates a list with `entry`, and that no two entries share `key` (a repeat is named at its second place). */
function uniqueList<T>(
  c: Checker,
  value: unknown,
  field: string,
  entry: (c: Checker, value: unknown, field: string) => T,
  key: keyof T & string,
  repeated: string,
): T[] {
  const seen = new Set<unknown>();
  return c.array(value, field).map((item, i) => {
    const valid = entry(c, item, `${field}[${i}]`);
    if (seen.has(valid[key])) c.fail(`${field}[${i}].${key}`, repeated);
    seen.add(valid[key]);
    return valid;
  });
}

/** Validates the client list: each entry, and no client_id twice. */
export function validateClients(c: Checker, value: unknown, field: string): ClientMetadata[] {
  return uniqueList(c, value, field, validateClient, 'client_id', 'is registered twice');
}

/** Grant types the engine itself serves (RFC 6749 §4.4, RFC 7523 §2.1). */
export const BUILT_IN_GRANT_TYPES: readonly string[] = [CLIENT_CREDENTIALS_GRANT_TYPE, JWT_BEARER_GRANT_TYPE];

/**
 * Every client's `grant_types` value must be a grant the server serves (the built-in ones and those of
 * the `grants` option): a typo would otherwise lock the client out with `unauthorized_client`.
 */
export function checkGrantTypes(c: Checker, clients: readonly ClientMetadata[], field: string, known: readonly string[]): void {
  clients.forEach((client, i) => {
    client.grant_types?.forEach((grantType, j) => {
      if (!known.includes(grantType)) c.fail(`${field}[${i}].grant_types[${j}]`, `is not a grant type this server serves (${known.join(', ')})`);
    });
  });
}

/**
 * No `client_id` may equal a trusted issuer's `issuer`: replay is keyed on (`iss`, `jti`) (rule J7),
 * so the two would share one replay namespace, and a log line could not tell them apart.
 */
export function checkDistinctIssuers(
  c: Checker,
  clients: readonly ClientMetadata[],
  clientsField: string,
  issuers: readonly TrustedIssuerMetadata[],
  issuersField: string,
): void {
  const issuerIndex = new Map(issuers.map((issuer, i) => [issuer.issuer, i]));
  clients.forEach((client, i) => {
    const j = issuerIndex.get(client.client_id);
    if (j !== undefined) {
      c.fail(`${clientsField}[${i}].client_id`, `equals ${issuersField}[${j}].issuer; a client and a trusted issuer would share one replay namespace`);
    }
  });
}

/** Validates the trusted-issuer list: each entry, and no issuer twice. */
export function validateTrustedIssuers(c: Checker, value: unknown, field: string): TrustedIssuerMetadata[] {
  return uniqueList(c, value, field, validateTrustedIssuer, 'issuer', 'is listed twice');
}
