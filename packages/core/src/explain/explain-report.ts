import type { AssertionTrace } from '../assertion/pipeline.js';
import { ASSERTION_RULES, type AssertionRule, type AssertionStepId } from '../assertion/rules.js';
import type { FixContext } from '../assertion/fixes.js';
import type { ReasonCode } from '../errors.js';
import { safeDescription } from '../errors.js';

/** How one rule fared in a dry run, as the explain endpoint answers it (docs/explain.md). */
export interface ExplainStep {
  /** Step id of ASSERTION_RULES, e.g. `aud`. */
  readonly id: AssertionStepId;
  /** docs/rules.md rule id, e.g. `J3`. */
  readonly rule: string;
  /** What passing means. */
  readonly check: string;
  /** Where the rule comes from, e.g. `RFC 7523 §3 item 3`. */
  readonly source: string;
  /**
   * `not_reached`: an earlier rule failed; `not_checked`: a dry run never makes it (replay); `hidden`: a
   * check of the trust configuration whose result is shown only for an assertion signed by a registered
   * key ({@link TRUST_STEPS}).
   */
  readonly status: 'pass' | 'fail' | 'not_reached' | 'not_checked' | 'hidden';
  /** The claim or header parameter concerned: the failing one, else those the rule reads (comma-separated). */
  readonly claim?: string;
  /** ReasonCode of a failure. */
  readonly reason?: string;
  /** The engine's precise reason of a failure; left out where it could quote the server's configuration. */
  readonly detail?: string;
  /** What to change (ASSERTION_RULES `fix`, the same text `rfc7523 explain` shows), for a failure and for replay. */
  readonly fix?: string;
}

/** A time claim put in words against the server's clock: `expires in 42 s`, `expired 3 min ago`. */
export interface ExplainTime {
  readonly claim: 'exp' | 'nbf' | 'iat';
  /** The claim as an ISO 8601 date. */
  readonly at: string;
  readonly relative: string;
}

/** One `aud` value compared with this server's issuer identifier and token endpoint (rule J3). */
export interface ExplainAudience {
  readonly value: unknown;
  readonly names: 'issuer' | 'token_endpoint' | 'other';
}

/** The explain endpoint's answer to a dry run (a JSON object). */
export interface ExplainReport {
  /** `pass`: this server would accept the assertion (once). */
  readonly verdict: 'pass' | 'fail';
  readonly use: AssertionTrace['use'];
  /** The refusal the token endpoint would answer: RFC 6749 §5.2 `error`, description and HTTP status. */
  readonly error?: { readonly error: string; readonly error_description: string; readonly status: number };
  readonly server: { readonly issuer: string; readonly token_endpoint: string; readonly now: string };
  readonly header?: Readonly<Record<string, unknown>>;
  readonly claims?: Readonly<Record<string, unknown>>;
  readonly times: readonly ExplainTime[];
  /** `aud` compared with the server; absent when the claims have none. */
  readonly audience?: readonly ExplainAudience[];
  /** Every rule of the use, in the engine's order (ASSERTION_RULES). */
  readonly steps: readonly ExplainStep[];
}

/**
 * Steps whose failure detail may quote the configuration (a claim condition or a CEL error, a key URL, the
 * maximum lifetime): the detail is never shown, the fix (which does not quote it) is.
 */
const PRIVATE_DETAIL: ReadonlySet<AssertionStepId> = new Set(['claim-conditions', 'subject-sanity', 'lifetime', 'key', 'replay']);

const RULES: ReadonlyMap<AssertionStepId, AssertionRule> = new Map(ASSERTION_RULES.map((r) => [r.id, r]));

/**
 * The steps whose verdict depends on the trust configuration, from the registration's lookup (`registered`,
 * `trusted`) up to and including `key`, in the order of ASSERTION_RULES: which subjects an issuer may assert,
 * its audiences, a client's algorithm, typ and audience policy, the lifetime and jti policy, whether a kid is
 * registered. The steps between them (dates, client-id of an ID-JAG) are in the range too, so that no status
 * tells where inside it an assertion failed. Shown only when the assertion is signed by a key of the
 * registration it names (AssertionTrace `signedByRegistration`); `hidden` otherwise.
 */
export const TRUST_STEPS: ReadonlySet<AssertionStepId> = (() => {
  const ids = ASSERTION_RULES.map((r) => r.id);
  return new Set(ids.slice(ids.indexOf('registered'), ids.indexOf('key') + 1));
})();

/** The reason and fix of a refusal inside {@link TRUST_STEPS} for an assertion not signed by a registered key. */
export const TRUST_HIDDEN = Object.freeze({
  reason: 'trust_check_failed',
  fix: "fails a check of this server's trust configuration; details are shown only for an assertion signed by a registered key",
});

/**
 * The steps as a page served to anyone may show them: unchanged for an assertion signed by a key of its
 * registration, or one that failed before the registration was looked up. Otherwise every step of
 * {@link TRUST_STEPS} is `hidden` — passed or failed alike — and the refusal is reported at `signature`
 * (the assertion is indeed not signed by a key registered for what it names) with {@link TRUST_HIDDEN}:
 * neither a status nor the place of the failure tells which check of the configuration refused it.
 */
function concealed(steps: readonly ExplainStep[], trace: AssertionTrace): readonly ExplainStep[] {
  if (trace.signedByRegistration) return steps;
  const failed = steps.find((s) => s.status === 'fail');
  if (failed === undefined || !(TRUST_STEPS.has(failed.id) || failed.id === 'signature')) return steps;
  return steps.map((step): ExplainStep => {
    const { id, rule, check, source } = step;
    const claim = RULES.get(id)!.claims?.join(', ');
    const base = { id, rule, check, source, ...(claim === undefined ? {} : { claim }) };
    if (TRUST_STEPS.has(id)) return { ...base, status: 'hidden' };
    if (id === 'signature') return { ...base, status: 'fail', ...TRUST_HIDDEN };
    return step;
  });
}

/** Deepest nesting of a header or claim value the report echoes (rule R8 bounds the token, not its depth). */
export const ECHO_MAX_DEPTH = 16;
/** Most values (objects, arrays and scalars together) the report echoes of a header or claims. */
export const ECHO_MAX_VALUES = 5000;
/** What stands for a value nested deeper than {@link ECHO_MAX_DEPTH}, or beyond {@link ECHO_MAX_VALUES}. */
export const ECHO_ELIDED = '[not shown: nested too deep or too many values]';

/**
 * A copy of a decoded header or claims fit to echo and to quote in a fix: values deeper than
 * {@link ECHO_MAX_DEPTH} levels, and any beyond the first {@link ECHO_MAX_VALUES}, are {@link ECHO_ELIDED},
 * so that serialising it never overflows the stack (`[[[[…` five thousand deep). Own members only,
 * `__proto__` kept as a plain member.
 */
export function echoed<T>(value: T): T {
  let budget = ECHO_MAX_VALUES;
  const copy = (v: unknown, depth: number): unknown => {
    if (budget-- <= 0) return ECHO_ELIDED;
    if (v === null || typeof v !== 'object') return v;
    if (depth >= ECHO_MAX_DEPTH) return ECHO_ELIDED;
    if (Array.isArray(v)) return v.map((item: unknown) => copy(item, depth + 1));
    return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, copy(item, depth + 1)]));
  };
  return copy(value, 0) as T;
}

/** A duration in words: `42 s`, `3 min`, `5 h`, `2 d` (rounded down, seconds below two minutes). */
export function duration(seconds: number): string {
  const s = Math.floor(Math.abs(seconds));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min`;
  if (s < 172_800) return `${Math.floor(s / 3600)} h`;
  return `${Math.floor(s / 86_400)} d`;
}

/** `exp`, `nbf` and `iat` in words against `now` (seconds), for those that are NumericDates. */
export function relativeTimes(claims: Readonly<Record<string, unknown>>, now: number): ExplainTime[] {
  const times: ExplainTime[] = [];
  for (const claim of ['exp', 'nbf', 'iat'] as const) {
    const value = claims[claim];
    if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > 1e11) continue;
    const delta = value - now;
    const span = duration(delta);
    const future = delta > 0;
    const relative =
      claim === 'exp'
        ? future ? `expires in ${span}` : `expired ${span} ago`
        : claim === 'nbf'
          ? future ? `not valid for another ${span}` : `valid since ${span} ago`
          : future ? `issued ${span} in the future` : `issued ${span} ago`;
    times.push({ claim, at: new Date(value * 1000).toISOString(), relative });
  }
  return times;
}

/** Each `aud` value against the issuer identifier and token endpoint; undefined without `aud`. */
export function compareAudience(aud: unknown, issuer: string, tokenEndpoint: string): ExplainAudience[] | undefined {
  if (aud === undefined) return undefined;
  return (Array.isArray(aud) ? aud : [aud]).slice(0, 16).map((value: unknown) => ({
    value,
    names: value === issuer ? 'issuer' : value === tokenEndpoint ? 'token_endpoint' : 'other',
  }));
}

/**
 * The explain endpoint's JSON for a dry run: every rule of the use with its status, claim, RFC source and,
 * for the failure, the fix from the rule table — with `context` (server, token, clock) as
 * `rfc7523 explain` gives it, minus the trust file, so nothing of the configuration is quoted.
 */
export function explainReport(trace: AssertionTrace, context: Omit<FixContext, 'configuration'>): ExplainReport {
  const all = trace.steps.map((step): ExplainStep => {
    const rule = RULES.get(step.id)!;
    const base = { id: step.id, rule: step.rule, check: step.check, source: rule.source };
    if (step.result !== 'fail') {
      const claim = rule.claims?.join(', ');
      return {
        ...base,
        status: step.result,
        ...(claim === undefined ? {} : { claim }),
        ...(step.id === 'replay' ? { detail: 'a dry run never records nor looks up jti: the token endpoint accepts an assertion once', fix: rule.fix('jti_replayed', context) } : {}),
      };
    }
    const reason = step.reason as ReasonCode;
    const claim = step.claim ?? rule.claims?.join(', ');
    return {
      ...base,
      status: 'fail',
      ...(claim === undefined ? {} : { claim }),
      reason,
      ...(step.detail === undefined || PRIVATE_DETAIL.has(step.id) ? {} : { detail: step.detail }),
      fix: rule.fix(reason, context),
    };
  });
  const steps = concealed(all, trace);
  const { error } = trace;
  const audience = trace.claims === undefined ? undefined : compareAudience(trace.claims.aud, context.issuer, context.tokenEndpoint);
  return {
    verdict: trace.verdict,
    use: trace.use,
    ...(error === undefined ? {} : { error: { error: error.error, error_description: safeDescription(error.description), status: error.status } }),
    server: { issuer: context.issuer, token_endpoint: context.tokenEndpoint, now: new Date(trace.now).toISOString() },
    ...(trace.header === undefined ? {} : { header: trace.header }),
    ...(trace.claims === undefined ? {} : { claims: trace.claims }),
    times: trace.claims === undefined ? [] : relativeTimes(trace.claims, trace.now / 1000),
    ...(audience === undefined ? {} : { audience }),
    steps,
  };
}
