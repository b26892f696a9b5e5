import {
  createAuthorizationServer,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  JWT_BEARER_GRANT_TYPE,
  OAuthError,
  type PlainRequest,
  type ReplayStore,
  type TrustConfig,
} from '@rfc7523/core';
import { decodeForDisplay } from '../inputs.js';
import { CLIENT_STEPS, failingStep, GRANT_STEPS, type CheckStep, type ExplainUse } from './checks.js';
import { fixFor, maxLifetime, type FixContext } from './fixes.js';

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
  /** A `client_id` parameter to send along (client use only, rule R5). */
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

/** A replay store that never remembers: every assertion looks unused, and explaining one never uses it up (rule J7). */
const NEVER_REMEMBERS: ReplayStore = { remember: async () => true };

const REPLAY_NOTE = 'explain never records nor looks up jti; the live server refuses a second use';

function normalTyp(typ: unknown): string {
  return typeof typ === 'string' ? typ.toLowerCase().replace(/^application\//, '') : '';
}

/**
 * Client authentication or grant, when not given: `typ: client-authentication+jwt` or an `iss` that is
 * a registered client → client; an `iss` that is a trusted issuer → grant; else client when `iss` = `sub`.
 */
export function chooseUse(decoded: ReturnType<typeof decodeForDisplay>, config: TrustConfig): { use: ExplainUse; why: string } {
  if (decoded === undefined) return { use: 'client', why: 'default: the token cannot be decoded' };
  const { header, claims } = decoded;
  if (normalTyp(header.typ) === 'client-authentication+jwt') return { use: 'client', why: 'typ is client-authentication+jwt' };
  if (config.clients.some((c) => c.client_id === claims.iss)) return { use: 'client', why: 'iss is a registered client' };
  if (config.trustedIssuers.some((t) => t.issuer === claims.iss)) return { use: 'grant', why: 'iss is a trusted issuer' };
  return claims.iss === claims.sub ? { use: 'client', why: 'iss equals sub' } : { use: 'grant', why: 'iss differs from sub' };
}

function title(step: CheckStep, ctx: FixContext): string {
  return step.id === 'lifetime' ? `${step.check} (${maxLifetime(ctx)} s)` : step.check;
}

/**
 * Runs an assertion through the engine itself — an AuthorizationServer built from the trust
 * configuration, with a replay store that never remembers, so the assertion's `jti` is not used up —
 * and lists every check in the engine's order: passed, failed (with reason code and fix), or not
 * reached. Rules are never re-implemented here; only the failure is mapped to its check.
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
    replayStore: NEVER_REMEMBERS,
    now,
  });
  const form: Record<string, string> =
    use === 'client'
      ? {
          client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE,
          client_assertion: input.assertion,
          ...(input.clientId === undefined ? {} : { client_id: input.clientId }),
        }
      : { grant_type: JWT_BEARER_GRANT_TYPE, assertion: input.assertion, ...(input.scope === undefined ? {} : { scope: input.scope }) };
  const request: PlainRequest = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form };

  let failure: OAuthError | undefined;
  try {
    if (use === 'client') await server.authenticateClient(request);
    else await server.verifyGrant(request);
  } catch (err) {
    if (!(err instanceof OAuthError)) throw err;
    failure = err;
  }

  const ctx: FixContext = {
    use,
    issuer: server.issuer,
    tokenEndpoint: server.tokenEndpoint,
    configPath: input.configPath,
    config: input.config,
    header: decoded?.header ?? {},
    claims: decoded?.claims ?? {},
    now: now(),
  };
  const steps = (use === 'client' ? CLIENT_STEPS : GRANT_STEPS).filter((s) => s.id !== 'client-id' || input.clientId !== undefined);
  const failed = failure === undefined ? undefined : failingStep(steps, failure.reason, failure.claim);
  const checks: CheckResult[] = [];
  // When the failure matches no known check, nothing can be said about which checks ran.
  let reached = failure === undefined || failed !== undefined;
  for (const step of steps) {
    const base = { rule: step.rule, check: title(step, ctx) };
    if (step === failed) {
      checks.push({ ...base, result: 'fail', reason: failure!.reason, ...(failure!.detail === undefined ? {} : { detail: failure!.detail }), fix: fixFor(step.id, failure!.reason, ctx) });
      reached = false;
    } else if (step.id === 'replay') {
      checks.push({ ...base, result: 'not_checked', detail: REPLAY_NOTE });
    } else {
      checks.push({ ...base, result: reached ? 'pass' : 'not_checked' });
    }
  }
  if (failure !== undefined && failed === undefined) {
    // A refusal no check here knows of (a new rule in the engine): show it rather than hide it.
    checks.push({ rule: '?', check: 'a check explain does not know yet', result: 'fail', reason: failure.reason, ...(failure.detail === undefined ? {} : { detail: failure.detail }), fix: 'see docs/rules.md for this reason code' });
  }
  return {
    use,
    useChosenBy: chosen.why,
    verdict: failure === undefined ? 'pass' : 'fail',
    ...(failure === undefined ? {} : { error: failure.error, status: failure.status, reason: failure.reason, rule: failed?.rule ?? '?' }),
    checks,
    ...(decoded === undefined ? {} : { header: decoded.header, claims: decoded.claims }),
  };
}
