import type { Checker } from './checks.js';

/**
 * How a client's assertions may name this server in `aud` during the RFC 10070 rollout (rule A1):
 * `strict` only the issuer identifier as sole value (rule J3); `warn` also the token endpoint URL as sole
 * value, with a `client_assertion.audience_deprecated` event each time; `legacy` also the token endpoint
 * URL, silently. Default `strict`.
 */
export type AudiencePolicyName = 'strict' | 'warn' | 'legacy';

/** Every value of {@link AudiencePolicyName}. */
export const AUDIENCE_POLICIES: readonly AudiencePolicyName[] = Object.freeze(['strict', 'warn', 'legacy']);

/**
 * Rule A1: validates a client's `audience_policy` and its older alias `legacy_token_endpoint_audience`
 * (`true` = `legacy`). Both set and disagreeing is a start-up error naming `audience_policy`.
 */
export function checkAudiencePolicy(c: Checker, entry: Record<string, unknown>, field: string): void {
  const policy = entry.audience_policy;
  if (policy === undefined) return;
  if (!(AUDIENCE_POLICIES as readonly unknown[]).includes(policy)) {
    c.fail(`${field}.audience_policy`, `must be one of ${AUDIENCE_POLICIES.map((p) => `"${p}"`).join(', ')}`);
  }
  const legacy = entry.legacy_token_endpoint_audience;
  if (legacy !== undefined && (legacy === true) !== (policy === 'legacy')) {
    c.fail(
      `${field}.audience_policy`,
      `is "${String(policy)}" but legacy_token_endpoint_audience is ${String(legacy)}; legacy_token_endpoint_audience: true is the old name of "legacy": keep only audience_policy`,
    );
  }
}

/** The audience policy of a validated client (rule A1): `audience_policy`, else `legacy` for the alias, else `strict`. */
export function audiencePolicyOf(meta: { audience_policy?: AudiencePolicyName; legacy_token_endpoint_audience?: boolean }): AudiencePolicyName {
  return meta.audience_policy ?? (meta.legacy_token_endpoint_audience === true ? 'legacy' : 'strict');
}

/**
 * Rules G1, G2: validates a trusted issuer's `id_jag`. An ID-JAG issuer keeps `jti` one-time (rule G2), and
 * its `aud` rule is the draft's (§4.4.1), so `require_jti: false`, `one_time_use: false` and `audiences`
 * are start-up errors on it, each naming the field.
 */
export function checkIdJagIssuer(c: Checker, entry: Record<string, unknown>, field: string): void {
  if (entry.id_jag === undefined) return;
  c.boolean(entry.id_jag, `${field}.id_jag`);
  if (entry.id_jag !== true) return;
  if (entry.require_jti === false) c.fail(`${field}.require_jti`, 'must not be false for an id_jag issuer: an ID-JAG always carries jti and is used once (rule G2)');
  if (entry.one_time_use === false) c.fail(`${field}.one_time_use`, 'must not be false for an id_jag issuer: an ID-JAG is used once (rule G2)');
  if (entry.audiences !== undefined) {
    c.fail(`${field}.audiences`, "must not be set for an id_jag issuer: an ID-JAG's aud is this server's issuer identifier as sole value (rule G2)");
  }
}

/**
 * RFC 8707 §2: a resource indicator is an absolute URI without a fragment. Returns what is wrong, or
 * undefined when `value` is one.
 */
export function resourceProblem(value: unknown): string | undefined {
  if (typeof value !== 'string' || value === '') return 'must be a non-empty string';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an absolute URI (RFC 8707 §2)';
  }
  if (value.includes('#') || url.hash !== '') return 'must not have a fragment (RFC 8707 §2)';
  return undefined;
}

/**
 * Rule G4: validates the top-level `resources`, the resource indicators (RFC 8707 §2) this server issues
 * tokens for: a non-empty array of distinct absolute URIs without fragments.
 */
export function validateResources(c: Checker, value: unknown, field: string): string[] {
  const list = c.stringArray(value, field);
  if (list.length === 0) c.fail(field, 'must list at least one resource when present');
  const seen = new Set<string>();
  list.forEach((uri, i) => {
    const problem = resourceProblem(uri);
    if (problem !== undefined) c.fail(`${field}[${i}]`, problem);
    if (seen.has(uri)) c.fail(`${field}[${i}]`, 'is listed twice');
    seen.add(uri);
  });
  return list;
}
