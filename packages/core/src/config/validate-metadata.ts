import { ASSERTION_ALGORITHMS, PRIVATE_KEY_JWT } from '../constants.js';
import { publicJwkProblem } from '../keys/jwk-problem.js';
import { SCOPE_PATTERN } from '../scope.js';
import type { Checker } from './checks.js';
import type { ClientMetadata, PublicJwks, TrustedIssuerMetadata } from './metadata-types.js';

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
  'require_explicit_typ',
  'max_assertion_lifetime',
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
] as const;

function checkKeys(c: Checker, entry: Record<string, unknown>, field: string): void {
  const hasJwks = entry.jwks !== undefined;
  const hasUri = entry.jwks_uri !== undefined;
  if (hasJwks === hasUri) c.fail(field, 'must have exactly one of "jwks" and "jwks_uri"');
  if (hasUri) {
    c.keyUrl(entry.jwks_uri, `${field}.jwks_uri`);
    return;
  }
  const jwks = c.object(entry.jwks, `${field}.jwks`) as Partial<PublicJwks>;
  c.onlyKnown(jwks as Record<string, unknown>, `${field}.jwks`, ['keys']);
  if (!Array.isArray(jwks.keys) || jwks.keys.length === 0) c.fail(`${field}.jwks.keys`, 'must be a non-empty array');
  jwks.keys.forEach((key, i) => {
    const problem = publicJwkProblem(key);
    if (problem !== undefined) c.fail(`${field}.jwks.keys[${i}]`, problem);
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
  if (entry.grant_types !== undefined) c.stringArray(entry.grant_types, `${field}.grant_types`);
  checkScope(c, entry.scope, `${field}.scope`);
  for (const flag of ['legacy_token_endpoint_audience', 'require_explicit_typ'] as const) {
    if (entry[flag] !== undefined) c.boolean(entry[flag], `${field}.${flag}`);
  }
  if (entry.max_assertion_lifetime !== undefined) {
    c.seconds(entry.max_assertion_lifetime, `${field}.max_assertion_lifetime`, 1, MAX_CONFIGURABLE_LIFETIME);
  }
  return entry as unknown as ClientMetadata;
}

/** Validates one trusted issuer; throws a ConfigurationError naming the field. */
export function validateTrustedIssuer(c: Checker, value: unknown, field: string): TrustedIssuerMetadata {
  const entry = c.object(value, field);
  c.onlyKnown(entry, field, ISSUER_FIELDS);
  c.string(entry.issuer, `${field}.issuer`);
  checkKeys(c, entry, field);
  const hasSubjects = entry.subjects !== undefined;
  const anySubject = entry.allow_any_subject !== undefined;
  if (hasSubjects === anySubject) c.fail(field, 'must have exactly one of "subjects" and "allow_any_subject"');
  if (hasSubjects) c.stringArray(entry.subjects, `${field}.subjects`);
  if (anySubject && entry.allow_any_subject !== true) c.fail(`${field}.allow_any_subject`, 'must be true when present');
  checkScope(c, entry.scope, `${field}.scope`);
  if (entry.max_assertion_lifetime !== undefined) {
    c.seconds(entry.max_assertion_lifetime, `${field}.max_assertion_lifetime`, 1, MAX_CONFIGURABLE_LIFETIME);
  }
  if (entry.require_jti !== undefined) c.boolean(entry.require_jti, `${field}.require_jti`);
  return entry as unknown as TrustedIssuerMetadata;
}

/** Validates the client list: each entry, and no client_id twice. */
export function validateClients(c: Checker, value: unknown, field: string): ClientMetadata[] {
  if (!Array.isArray(value)) c.fail(field, 'must be an array');
  const seen = new Set<string>();
  return value.map((item, i) => {
    const client = validateClient(c, item, `${field}[${i}]`);
    if (seen.has(client.client_id)) c.fail(`${field}[${i}].client_id`, 'is registered twice');
    seen.add(client.client_id);
    return client;
  });
}

/** Validates the trusted-issuer list: each entry, and no issuer twice. */
export function validateTrustedIssuers(c: Checker, value: unknown, field: string): TrustedIssuerMetadata[] {
  if (!Array.isArray(value)) c.fail(field, 'must be an array');
  const seen = new Set<string>();
  return value.map((item, i) => {
    const issuer = validateTrustedIssuer(c, item, `${field}[${i}]`);
    if (seen.has(issuer.issuer)) c.fail(`${field}[${i}].issuer`, 'is listed twice');
    seen.add(issuer.issuer);
    return issuer;
  });
}
