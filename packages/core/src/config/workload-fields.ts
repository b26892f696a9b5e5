import { compileCel, CelCompileError, type CompiledExpression } from '../workload/cel.js';
import { PRESET_NAMES, PRESETS, type PresetName } from '../workload/presets.js';
import type { Checker } from './checks.js';

/** The trusted-issuer fields of workload identity issuers (rules W1–W6). */
export const WORKLOAD_ISSUER_FIELDS = ['discovery', 'claim_conditions', 'audiences', 'one_time_use', 'subject_mapping', 'preset'] as const;

function compile(c: Checker, source: unknown, field: string, want: 'bool' | 'string'): CompiledExpression {
  const text = c.string(source, field);
  try {
    return compileCel(text, want);
  } catch (err) {
    if (err instanceof CelCompileError) c.fail(field, err.message);
    throw err;
  }
}

/**
 * Fills a trusted issuer's `preset` defaults in (rule W6) and returns the entry to validate: a copy, the
 * defaults first so that every field the operator wrote overrides them. Entries without a preset are
 * returned as they are.
 */
export function applyPreset(c: Checker, entry: Record<string, unknown>, field: string): Record<string, unknown> {
  if (entry.preset === undefined) return entry;
  if (!(PRESET_NAMES as readonly unknown[]).includes(entry.preset)) c.fail(`${field}.preset`, `must be one of ${PRESET_NAMES.map((n) => `"${n}"`).join(', ')}`);
  const preset = PRESETS[entry.preset as PresetName];
  if (preset.issuer === undefined && entry.issuer === undefined) c.fail(`${field}.issuer`, `is required with preset "${String(entry.preset)}" (the cluster's own issuer)`);
  const keysGiven = entry.jwks !== undefined || entry.jwks_uri !== undefined;
  return {
    ...(preset.issuer === undefined ? {} : { issuer: preset.issuer }),
    ...(keysGiven ? {} : { discovery: preset.discovery }),
    ...(preset.oneTimeUse === undefined ? {} : { one_time_use: preset.oneTimeUse }),
    ...(preset.requireJti === undefined ? {} : { require_jti: preset.requireJti }),
    ...entry,
  };
}

/**
 * Validates the workload fields of one trusted issuer (rules W1–W6), after {@link applyPreset}: how its
 * keys are found (exactly one of `jwks`, `jwks_uri`, `discovery: true`), which subjects it may assert
 * (at least one of `subjects`, `claim_conditions`, `allow_any_subject: true`; never both `subjects` and
 * `allow_any_subject`), the CEL expressions (parsed and type-checked here, so a bad one stops start-up
 * naming `…claim_conditions[j]` and the position), `audiences`, `one_time_use`, and the immutable-id rule
 * of the GitHub and GitLab presets on the shared public issuers.
 */
export function validateWorkloadFields(c: Checker, entry: Record<string, unknown>, field: string): void {
  const discovery = entry.discovery !== undefined && c.boolean(entry.discovery, `${field}.discovery`);
  const keySources = [entry.jwks !== undefined, entry.jwks_uri !== undefined, discovery].filter(Boolean).length;
  if (keySources !== 1) c.fail(field, 'must have exactly one of "jwks", "jwks_uri" and "discovery": true');
  if (discovery) c.httpsUrl(entry.issuer, `${field}.issuer`, 'nothing');

  const conditions =
    entry.claim_conditions === undefined
      ? []
      : c.array(entry.claim_conditions, `${field}.claim_conditions`, true).map((s, j) => compile(c, s, `${field}.claim_conditions[${j}]`, 'bool'));
  const hasSubjects = entry.subjects !== undefined;
  const anySubject = entry.allow_any_subject !== undefined;
  if (hasSubjects && anySubject) c.fail(field, 'must not have both "subjects" and "allow_any_subject"');
  if (!hasSubjects && !anySubject && conditions.length === 0) {
    c.fail(field, 'must have at least one of "subjects", "claim_conditions" and "allow_any_subject": true');
  }
  if (entry.subject_mapping !== undefined) compile(c, entry.subject_mapping, `${field}.subject_mapping`, 'string');
  if (entry.audiences !== undefined) {
    const audiences = c.stringArray(entry.audiences, `${field}.audiences`);
    if (audiences.length === 0) c.fail(`${field}.audiences`, 'must be a non-empty array of strings');
  }
  if (entry.one_time_use !== undefined) c.boolean(entry.one_time_use, `${field}.one_time_use`);

  // Keyed on the issuer, not on `preset`: the shared public issuer is as open without the preset.
  const shared = Object.values(PRESETS).find((p) => p.immutableIds !== undefined && p.issuer === entry.issuer);
  if (shared?.immutableIds !== undefined) {
    const pinned = new Set(conditions.flatMap((cond) => [...cond.claimsPinned]));
    if (!shared.immutableIds.some((id) => pinned.has(id))) {
      const ids = shared.immutableIds.map((id) => `claims.${id}`).join(' or ');
      c.fail(
        `${field}.claim_conditions`,
        `must compare ${ids} with a literal (claims.ID == '…' or claims.ID in ['…'], as a condition or a top-level && term of one) for issuer ${String(entry.issuer)}: ${shared.why}`,
      );
    }
  }
}
