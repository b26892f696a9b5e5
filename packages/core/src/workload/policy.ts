import type { TrustedIssuerMetadata } from '../config/metadata-types.js';
import { compileCel, type CelInput, type CompiledExpression } from './cel.js';

/** What a trusted issuer's workload fields (rules W2–W5) ask of its grants, compiled once at start-up. */
export interface WorkloadPolicy {
  /** `claim_conditions`, compiled (rule W2); each must return `true`. */
  readonly conditions: readonly CompiledExpression[];
  /** `audiences` (rule W3): when set, `aud` must contain one of them instead of naming this server. */
  readonly audiences: ReadonlySet<string> | null;
  /** `one_time_use` (rule W4). Default `true`. */
  readonly oneTimeUse: boolean;
  /** `subject_mapping`, compiled (rule W5), or null for the assertion's `sub`. */
  readonly subjectMapping: CompiledExpression | null;
}

/**
 * The workload policy of a validated trusted issuer, or undefined when it sets none of the fields (so
 * that a plain trusted issuer costs nothing more per request). The expressions were already checked by
 * the trust-file validation; compiling again here cannot fail.
 */
export function workloadPolicy(meta: TrustedIssuerMetadata): WorkloadPolicy | undefined {
  const { claim_conditions: conditions, audiences, one_time_use: oneTimeUse, subject_mapping: mapping } = meta;
  if (conditions === undefined && audiences === undefined && oneTimeUse === undefined && mapping === undefined) return undefined;
  return Object.freeze({
    conditions: Object.freeze((conditions ?? []).map((source) => compileCel(source, 'bool'))),
    audiences: audiences === undefined ? null : new Set(audiences),
    oneTimeUse: oneTimeUse !== false,
    subjectMapping: mapping === undefined ? null : compileCel(mapping, 'string'),
  });
}

/** Why one condition refused: its index, and what happened. */
export interface ConditionFailure {
  readonly index: number;
  readonly detail: string;
}

function errorSummary(err: unknown): string {
  const e = err as { code?: unknown; summary?: unknown; message?: unknown };
  const text = typeof e.summary === 'string' ? e.summary : typeof e.message === 'string' ? e.message.split('\n')[0] : 'failed';
  return typeof e.code === 'string' ? `${e.code}: ${text}` : (text ?? 'failed');
}

/**
 * Evaluates the conditions in order (rule W2): the first that returns anything but boolean `true`, or
 * throws (an absent claim, a wrong type), refuses — never fail-open.
 */
export function failedCondition(conditions: readonly CompiledExpression[], input: CelInput): ConditionFailure | undefined {
  for (let index = 0; index < conditions.length; index++) {
    let result: unknown;
    try {
      result = conditions[index]!.evaluate(input);
    } catch (err) {
      return { index, detail: `claim_conditions[${index}] could not be evaluated (${errorSummary(err)})` };
    }
    if (result !== true) return { index, detail: `claim_conditions[${index}] returned ${typeof result === 'boolean' ? String(result) : `a ${typeof result}, not a boolean`}` };
  }
  return undefined;
}

/** The mapped subject (rule W5), or a reason it could not be computed. */
export function mappedSubject(mapping: CompiledExpression, input: CelInput): { subject: string } | { problem: string } {
  let result: unknown;
  try {
    result = mapping.evaluate(input);
  } catch (err) {
    return { problem: `subject_mapping could not be evaluated (${errorSummary(err)})` };
  }
  return typeof result === 'string' ? { subject: result } : { problem: `subject_mapping returned a ${typeof result}, not a string` };
}
