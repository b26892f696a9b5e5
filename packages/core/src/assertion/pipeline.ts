import {
  InvalidClientError,
  InvalidGrantError,
  InvalidRequestError,
  InvalidTargetError,
  OAuthError,
  TemporarilyUnavailableError,
} from '../errors.js';
import { ASSERTION_ALGORITHMS } from '../constants.js';
import type { AssertionUse } from '../events.js';
import { verifySignature } from '../jwt/verify-signature.js';
import { scopeNotAllowed } from '../scope.js';
import type { Registration } from './registration.js';
import { assertionRulesFor, failureClaim, type AssertionRule, type AssertionStepId } from './rules.js';
import { Attempt, STEPS, type PipelineSettings, type SelectRegistration, type Step, type StepFailure, type VerifyOptions } from './steps.js';

/** A verified assertion: its header and claims, now trusted. */
export interface VerifiedAssertion {
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>> & { iss: string; sub: string; exp: number };
}

/** What {@link AssertionPipeline.verify} returns. */
export interface PipelineResult<R extends Registration> {
  readonly assertion: VerifiedAssertion;
  /** The registration it was verified against. */
  readonly registration: R;
  /** Grant: the scopes to grant (rule R10); empty for client authentication. */
  readonly scope: readonly string[];
  /** Grant: the resources (RFC 8707) the access token is for (rule G4); empty for the default audience. */
  readonly resource: readonly string[];
  /** Grant: the access token's subject, `sub` or the issuer's `subject_mapping` result (rule W5); client authentication: `sub`. */
  readonly subject: string;
}

/** How one step fared in a dry run. */
export interface AssertionTraceStep {
  /** Step id (ASSERTION_RULES). */
  readonly id: AssertionStepId;
  /** docs/rules.md rule id. */
  readonly rule: string;
  /** What passing means. */
  readonly check: string;
  /**
   * `not_reached`: an earlier step failed (the engine stops at the first failure); `not_checked`: a dry
   * run does not make this check (replay: it never records nor looks up an assertion).
   */
  readonly result: 'pass' | 'fail' | 'not_reached' | 'not_checked';
  /** ReasonCode of the failure. */
  readonly reason?: string;
  /** The claim or header parameter the failure concerns. */
  readonly claim?: string;
  /** The precise reason (the log detail) of the failure. */
  readonly detail?: string;
}

/** A dry run of the pipeline: every step of the use, in order, and the refusal the server would answer. */
export interface AssertionTrace {
  readonly use: AssertionUse;
  /** `pass`: the server would accept the assertion (once). */
  readonly verdict: 'pass' | 'fail';
  readonly steps: readonly AssertionTraceStep[];
  /** The refusal, exactly as the live server would make it (not emitted as an event). */
  readonly error?: OAuthError;
  /** Decoded header and claims, when the token could be decoded; nothing in them is verified unless `verdict` is `pass`. */
  readonly header?: Readonly<Record<string, unknown>>;
  readonly claims?: Readonly<Record<string, unknown>>;
  /** The server's clock when the dry run started, milliseconds since the epoch (the server's `now` option). */
  readonly now: number;
  /**
   * Whether the signature verifies with a key of the registration the token names (its `iss`, or `sub` for
   * client authentication) that matches the header's `kid` and `alg`. A dry run checks this even when an
   * earlier step failed (out of order, for the dry run only), so that a page served to anyone can show the
   * configuration-dependent steps only to the holder of a registered key (docs/explain.md).
   */
  readonly signedByRegistration: boolean;
}

const DESCRIPTIONS: Readonly<Record<AssertionUse, string>> = {
  client_authentication: 'client authentication failed',
  authorization_grant: 'the assertion is not valid',
};

const TOO_LARGE: Readonly<Record<AssertionUse, string>> = {
  client_authentication: 'the client assertion is too large',
  authorization_grant: 'the assertion is too large',
};

const SIGNING_ALGORITHMS: ReadonlySet<string> = new Set(ASSERTION_ALGORITHMS);

/**
 * A dry run's signature probe, out of the pipeline's order: the registration chosen from the token's
 * `iss`/`sub` (none: false), the key of that registration its header names (`kid`, an asymmetric `alg`),
 * and the signature checked with it. No event, no replay record; a key set may be fetched as the key step would.
 */
async function signedByRegistration(a: Attempt<Registration>): Promise<boolean> {
  // Stryker disable next-line LogicalOperator: step iss-sub sets iss and sub together, on a decoded token only; without them no registration is selected and the probe answers false below
  if (a.jwt === undefined || a.iss === undefined || a.sub === undefined) return false;
  let registration: Registration | undefined;
  try {
    registration = a.registration ?? a.select(a.iss, a.sub);
  } catch {
    return false;
  }
  const expected = a.use === 'client_authentication' ? 'client' : 'issuer';
  const named = a.use === 'client_authentication' ? a.sub : a.iss;
  if (registration === undefined || registration.kind !== expected || registration.issuer !== named) return false;
  const { alg } = a.jwt.header;
  // Stryker disable next-line LogicalOperator: verifySignature refuses every algorithm outside the same list
  if (typeof alg !== 'string' || !SIGNING_ALGORITHMS.has(alg)) return false;
  try {
    const key = await registration.resolveKey(a.jwt.header as { alg: string });
    return await verifySignature(alg, key, a.jwt.signingInput, a.jwt.signature);
  } catch {
    return false;
  }
}

/** One step of a use's plan: its row of the rule table and its implementation. */
interface PlannedStep {
  readonly rule: AssertionRule;
  readonly step: Step;
}

/**
 * The steps of a use in the table's order. Walked by index with the entries read by name: `for…of` with
 * array destructuring allocates iterator objects on each step of each request (2.4 kB a request, with
 * the await in the loop keeping V8 from removing them).
 */
type Plan = readonly PlannedStep[];

/**
 * The one path every assertion takes (RFC 7523 §3; docs/rules.md J1–J13, R5, R8, R10, W5): the caller
 * only chooses the registration from the unverified `iss`/`sub`, and the pipeline runs every step of
 * ASSERTION_RULES for the use, in the table's order, once — shape, header, registration, claims, key,
 * signature, then replay last so that a refused assertion is never used up. The use decides the error:
 * `invalid_client` 401 or `invalid_grant` 400 (RFC 7523 §3.1, §3.2). Modelled on jose's `jwtVerify`.
 */
export class AssertionPipeline {
  readonly #settings: PipelineSettings;
  readonly #plans: Readonly<Record<AssertionUse, Plan>>;

  constructor(settings: PipelineSettings) {
    this.#settings = settings;
    const plan = (use: AssertionUse): Plan => Object.freeze(assertionRulesFor(use).map((rule) => Object.freeze({ rule, step: STEPS[rule.id] })));
    this.#plans = Object.freeze({ client_authentication: plan('client_authentication'), authorization_grant: plan('authorization_grant') });
  }

  /** The steps of a use, in the order they run (the rule table's). */
  stepsOf(use: AssertionUse): readonly AssertionRule[] {
    return this.#plans[use].map(({ rule }) => rule);
  }

  /**
   * Verifies an assertion and uses it up (rule J7). Throws the refusal of the first step that fails,
   * after reporting it as an event.
   */
  async verify<R extends Registration>(use: AssertionUse, token: string, select: SelectRegistration<R>, options: VerifyOptions = {}): Promise<PipelineResult<R>> {
    const a = new Attempt<R>(use, token, select, options, false);
    const plan = this.#plans[use];
    for (let i = 0; i < plan.length; i++) {
      const { rule, step } = plan[i]!;
      let result = step(a as Attempt, this.#settings);
      if (result instanceof Promise) result = await result;
      if (result !== undefined) throw this.#refusal(a, rule, result as StepFailure, true);
    }
    if (a.deprecatedAudience !== undefined) {
      this.#settings.emit({ type: 'client_assertion.audience_deprecated', clientId: a.iss, audience: a.deprecatedAudience }); // rule A1
    }
    this.#settings.emit({
      type: 'assertion.accepted',
      use,
      issuer: a.iss,
      subject: a.sub,
      ...(a.jti === undefined ? {} : { jti: a.jti }),
    });
    const { header, claims } = a.jwt;
    return { assertion: { header, claims: claims as VerifiedAssertion['claims'] }, registration: a.registration, scope: a.scope, resource: a.resource, subject: a.subject ?? a.sub };
  }

  /**
   * A dry run: every step in order with pass, fail or not reached, and the refusal the server would
   * answer. Emits no event, spends no decoy work and never remembers the assertion — the replay step
   * is `not_checked`, so the assertion can still be used. For `rfc7523 explain` and similar tools.
   */
  async trace<R extends Registration>(use: AssertionUse, token: string, select: SelectRegistration<R>, options: VerifyOptions = {}): Promise<AssertionTrace> {
    const now = this.#settings.now();
    const a = new Attempt<R>(use, token, select, options, true);
    const steps: AssertionTraceStep[] = [];
    let error: OAuthError | undefined;
    const plan = this.#plans[use];
    for (let i = 0; i < plan.length; i++) {
      const { rule, step } = plan[i]!;
      const base = { id: rule.id, rule: rule.rule, check: rule.check };
      if (error !== undefined) {
        steps.push({ ...base, result: 'not_reached' });
        continue;
      }
      let result = step(a as Attempt, this.#settings);
      if (result instanceof Promise) result = await result;
      if (result === undefined) {
        steps.push({ ...base, result: 'pass' });
      } else if (result === 'not_checked') {
        steps.push({ ...base, result: 'not_checked' });
      } else {
        error = this.#refusal(a, rule, result, false);
        steps.push({ ...base, result: 'fail', reason: error.reason, ...(error.claim === undefined ? {} : { claim: error.claim }), detail: result.detail });
      }
    }
    const decoded = a.jwt === undefined ? {} : { header: a.jwt.header, claims: a.jwt.claims };
    // Stryker disable next-line ArrowFunction,MethodExpression,StringLiteral: a shortcut; when the signature step passed, signedByRegistration answers true as well
    const signed = steps.some((s) => s.id === 'signature' && s.result === 'pass') || (await signedByRegistration(a));
    return { use, verdict: error === undefined ? 'pass' : 'fail', now, steps, ...(error === undefined ? {} : { error }), ...decoded, signedByRegistration: signed };
  }

  /** The error of a failed step, its reason and claim checked against the rule table; reported unless a dry run. */
  #refusal(a: Attempt<Registration>, rule: AssertionRule, failure: StepFailure, report: boolean): OAuthError {
    const { reason, detail, cause } = failure;
    const claim = failureClaim(rule, reason, failure.claim);
    const emit = report ? this.#settings.emit : () => {};
    const { use, iss } = a;
    switch (reason) {
      case 'assertion_too_large':
        return new InvalidRequestError(reason, TOO_LARGE[use], { detail });
      case 'scope_not_allowed':
        return scopeNotAllowed(detail);
      case 'resource_not_allowed':
      case 'client_auth_required': {
        // Rule G4: RFC 8707 §2 invalid_target. Rule G3: no client authentication is invalid_client (401).
        const Refusal = reason === 'client_auth_required' ? InvalidClientError : InvalidTargetError;
        const refusal = new Refusal(reason, reason === 'client_auth_required' ? 'client authentication is required' : 'the requested resource is not allowed', { detail });
        emit({ type: 'assertion.rejected', use, error: refusal.error, reason, detail, ...(iss === undefined ? {} : { issuer: iss }) });
        return refusal;
      }
      case 'jwks_unavailable':
        emit({ type: 'assertion.rejected', use, error: 'temporarily_unavailable', reason, detail, issuer: iss });
        return new TemporarilyUnavailableError(reason, 'the keys of the issuer cannot be fetched now', { detail, cause });
      case 'replay_store_unavailable':
        emit({ type: 'replay_store.unavailable', reason: detail });
        return new TemporarilyUnavailableError(reason, 'the replay check cannot be made now', { detail, cause });
      case 'jti_replayed':
        emit({ type: 'replay.detected', use, issuer: iss, ...(a.jti === undefined ? {} : { jti: a.jti }) });
        break;
      default:
    }
    const Err = use === 'client_authentication' ? InvalidClientError : InvalidGrantError;
    const error = new Err(reason, DESCRIPTIONS[use], { detail, cause, ...(claim === undefined ? {} : { claim }) });
    emit({
      type: 'assertion.rejected',
      use,
      error: error.error,
      reason,
      detail,
      ...(claim === undefined ? {} : { claim }),
      ...(iss === undefined ? {} : { issuer: iss }),
      ...(failure.condition === undefined ? {} : { condition: failure.condition }),
    });
    return error;
  }
}
