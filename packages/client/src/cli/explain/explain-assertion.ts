import {
  ASSERTION_RULES,
  CLIENT_ASSERTION_TYP,
  createAuthorizationServer,
  maxLifetimeFor,
  typMediaType,
  type AssertionTraceStep,
  type FixContext,
  type ReasonCode,
  type TrustConfig,
} from '@rfc7523/core';
import { decodeForDisplay } from '../inputs.js';
import { ASSERTION_USE, type ExplainUse } from './checks.js';

/** What to explain, and against which server. */
export interface ExplainInput {
  /** The assertion, compact JWS. */
  readonly assertion: string;
  /** The trust configuration (docs/configuration.md), loaded. */
  readonly config: TrustConfig;
  /** Where it was loaded from, for the fix texts. */
  readonly configPath: string;
  /** The authorization server's issuer identifier (RFC 8414 §2). */
  readonly issuer: string;
  /** Its token endpoint URL. Default `issuer + "/token"`. */
  readonly tokenEndpoint?: string;
  /** Client authentication or grant. Default: guessed (see {@link chooseUse}). */
  readonly use?: ExplainUse;
  /** Client use: a `client_id` parameter to send along (rule R5). Grant use: the client presenting it, authenticated (rule G3). */
  readonly clientId?: string;
  /** A `scope` parameter to send along (grant use only, rule R10). */
  readonly scope?: string;
  /** Clock, milliseconds since the epoch. Default `Date.now`. */
  readonly now?: () => number;
}

/** One check and how the assertion fared. */
export interface CheckResult {
  /** docs/rules.md rule id. */
  readonly rule: string;
  /** What passing means. */
  readonly check: string;
  /** `not_checked`: the engine stops at the first failure, or the check needs the live server (replay). */
  readonly result: 'pass' | 'fail' | 'not_checked';
  /** ReasonCode of the failure. */
  readonly reason?: string;
  /** The engine's precise reason (its log detail). */
  readonly detail?: string;
  /** What to change, in plain words. */
  readonly fix?: string;
}

/** The whole explanation. */
export interface Explanation {
  readonly use: ExplainUse;
  /** Why this use was chosen. */
  readonly useChosenBy: string;
  /** `pass`: the server would accept the assertion (once). */
  readonly verdict: 'pass' | 'fail';
  /** On failure: the RFC 6749 error, HTTP status, reason code and rule id (docs/rules.md). */
  readonly error?: string;
  readonly status?: number;
  readonly reason?: string;
  readonly rule?: string;
  readonly checks: readonly CheckResult[];
  readonly header?: Readonly<Record<string, unknown>>;
  readonly claims?: Readonly<Record<string, unknown>>;
}

const REPLAY_NOTE = 'explain never records nor looks up jti; the live server refuses a second use';

/**
 * Client authentication or grant, when not given: `typ: client-authentication+jwt` or an `iss` that is
 * a registered client → client; an `iss` that is a trusted issuer → grant; else client when `iss` = `sub`.
 */
export function chooseUse(decoded: ReturnType<typeof decodeForDisplay>, config: TrustConfig): { use: ExplainUse; why: string } {
  if (decoded === undefined) return { use: 'client', why: 'default: the token cannot be decoded' };
  const { header, claims } = decoded;
  if (typMediaType(header.typ) === CLIENT_ASSERTION_TYP) return { use: 'client', why: `typ is ${CLIENT_ASSERTION_TYP}` };
  if (config.clients.some((c) => c.client_id === claims.iss)) return { use: 'client', why: 'iss is a registered client' };
  if (config.trustedIssuers.some((t) => t.issuer === claims.iss)) return { use: 'grant', why: 'iss is a trusted issuer' };
  return claims.iss === claims.sub ? { use: 'client', why: 'iss equals sub' } : { use: 'grant', why: 'iss differs from sub' };
}

/** The rule table's entry of a traced step: its fix comes from there (the explain page uses the same). */
function ruleOf(step: AssertionTraceStep) {
  return ASSERTION_RULES.find((r) => r.id === step.id)!;
}

function title(step: AssertionTraceStep, ctx: FixContext): string {
  return step.id === 'lifetime' ? `${step.check} (${maxLifetimeFor(ctx)} s)` : step.check;
}

/**
 * Runs an assertion through the engine itself — an AuthorizationServer built from the trust
 * configuration, in a dry run of its assertion pipeline (`traceAssertion`), which never uses the
 * assertion's `jti` up — and lists every check in the engine's order: passed, failed (with reason code
 * and fix), or not reached. The checks, their order, the failure and the fix texts (ASSERTION_RULES'
 * `fix`, quoting the configuration file here) all come from the engine.
 */
export async function explainAssertion(input: ExplainInput): Promise<Explanation> {
  const now = input.now ?? Date.now;
  const decoded = decodeForDisplay(input.assertion);
  const chosen = input.use === undefined ? chooseUse(decoded, input.config) : { use: input.use, why: 'chosen with --use' };
  const { use } = chosen;
  const server = await createAuthorizationServer({
    issuer: input.issuer,
    ...(input.tokenEndpoint === undefined ? {} : { tokenEndpoint: input.tokenEndpoint }),
    ...input.config,
    // A diagnosis of one assertion: a key of another client that does not import must not stop it, and
    // only the keys this assertion needs are imported.
    importKeys: 'on-first-use',
    now,
  });
  const trace = await server.traceAssertion(ASSERTION_USE[use], input.assertion, use === 'client' ? { ...(input.clientId === undefined ? {} : { clientId: input.clientId }) } : { ...(input.scope === undefined ? {} : { scope: input.scope }), ...(input.clientId === undefined ? {} : { clientId: input.clientId }) });

  const ctx: FixContext = {
    use: ASSERTION_USE[use],
    issuer: server.issuer,
    tokenEndpoint: server.tokenEndpoint,
    maxAssertionLength: server.maxAssertionLength,
    configuration: { path: input.configPath, config: input.config },
    header: decoded?.header ?? {},
    claims: decoded?.claims ?? {},
    now: trace.now,
  };
  // Without a client_id parameter the R5 check has nothing to compare: not shown.
  const steps = trace.steps.filter((s) => s.id !== 'client-id' || input.clientId !== undefined);
  const checks: CheckResult[] = steps.map((step): CheckResult => {
    const base = { rule: step.rule, check: title(step, ctx) };
    if (step.result === 'fail') {
      return { ...base, result: 'fail', reason: step.reason!, ...(step.detail === undefined ? {} : { detail: step.detail }), fix: ruleOf(step).fix(step.reason as ReasonCode, ctx) };
    }
    if (step.id === 'replay') return { ...base, result: 'not_checked', detail: REPLAY_NOTE };
    return { ...base, result: step.result === 'pass' ? 'pass' : 'not_checked' };
  });
  const failure = trace.error;
  const failed = steps.find((s) => s.result === 'fail');
  return {
    use,
    useChosenBy: chosen.why,
    verdict: trace.verdict,
    ...(failure === undefined ? {} : { error: failure.error, status: failure.status, reason: failure.reason, rule: failed?.rule ?? '?' }),
    checks,
    ...(decoded === undefined ? {} : { header: decoded.header, claims: decoded.claims }),
  };
}
