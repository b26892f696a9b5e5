import type { KeyObject } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { ASSERTION_ALGORITHMS } from '../constants.js';
import type { ReasonCode } from '../errors.js';
import type { AssertionUse, EventSink } from '../events.js';
import { decodeJwt, JwtDecodeError, type DecodedJwt } from '../jwt/decode.js';
import { signatureDigest } from '../jwt/signature-digest.js';
import { verifySignature } from '../jwt/verify-signature.js';
import { decoyVerification } from '../keys/decoy-verification.js';
import { KeyNotFoundError } from '../keys/remote-key-set.js';
import { jtiReplayKey, signatureReplayKey, type ReplayStore } from '../replay/replay-store.js';
import { scopeBeyond } from '../scope.js';
import { failedCondition, mappedSubject } from '../workload/policy.js';
import type { Registration } from './registration.js';
import type { AssertionStepId } from './rules.js';
import { subjectProblem } from './subject.js';
import { CLIENT_ASSERTION_TYP, typMediaType } from './typ.js';
import { ID_JAG_TYP } from '../id-jag/constants.js';
import { idJagBindingStep, idJagClaimsStep, idJagClientStep, idJagScope, idJagTypStep, resourceStep } from '../id-jag/steps.js';

/** What the pipeline needs from the server, fixed at start-up. */
export interface PipelineSettings {
  /** This server's issuer identifier (RFC 8414 §2), the `aud` of assertions (rule J3). */
  readonly issuer: string;
  /** Token endpoint URL, an `aud` grants may use (rule J3). */
  readonly tokenEndpoint: string;
  /** Leeway for `exp`, `nbf`, `iat`, seconds (rule J4). */
  readonly clockTolerance: number;
  /** Longest assertion accepted, characters (rule R8). */
  readonly maxAssertionLength: number;
  /** Where used assertions are remembered (rule J7). */
  readonly replayStore: ReplayStore;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly emit: EventSink;
  /** Registered `client_id`s: a grant's subject may not be one (rule W5). */
  readonly clientIds: { has(id: string): boolean };
  /** Resource indicators this server issues tokens for (RFC 8707 §2; rule G4); null when any. */
  readonly resources?: ReadonlySet<string> | null;
}

/** What one request adds to the registration: parameters sent along with the assertion. */
export interface VerifyOptions {
  /** The `client_id` parameter sent with a client assertion, if any (rule R5). */
  readonly clientId?: string;
  /** Grant: the scopes requested (RFC 6749 §3.3), parsed; empty or absent asks for all allowed (rule R10). */
  readonly requestedScope?: readonly string[];
  /** Grant: a further ceiling, the scope of the client presenting it (rule R10). Default none. */
  readonly scopeCeiling?: ReadonlySet<string>;
  /** Grant: the `client_id` of the client that authenticated with the request, if any (rule G3). */
  readonly presenter?: string;
  /** Grant: the JWK thumbprint (RFC 7638) of the request's verified DPoP proof, if any (rule D1, an ID-JAG's `cnf.jkt`). */
  readonly proofJkt?: string;
  /** Grant: the `resource` parameters of the request (RFC 8707 §2; rule G4). Default none. */
  readonly resources?: readonly string[];
}

/** Chooses the registration an assertion is checked against from its unverified `iss` and `sub`. */
export type SelectRegistration<R extends Registration> = (iss: string, sub: string) => R | undefined;

/**
 * Why a step refused. `claim` undefined takes the step's only claim from the rule table; null names none.
 */
export interface StepFailure {
  readonly reason: ReasonCode;
  readonly detail: string;
  readonly claim?: string | null;
  readonly cause?: unknown;
  /** claim_condition_failed: the index of the condition that refused (rule W2). */
  readonly condition?: number;
}

/** One assertion on its way through the pipeline; each step fills in what later ones read. */
export class Attempt<R extends Registration = Registration> {
  jwt!: DecodedJwt;
  iss!: string;
  sub!: string;
  registration!: R;
  alg!: string;
  /** Seconds since the epoch, read once. */
  now!: number;
  exp!: number;
  jti: string | undefined;
  key!: CryptoKey | KeyObject;
  scope: readonly string[] = [];
  /** Grant: the resources the access token is for (rule G4); empty for the server's default audience. */
  resource: readonly string[] = [];
  /** Client authentication: accepted with the token endpoint URL as `aud` under `audience_policy: "warn"` (rule A1). */
  deprecatedAudience: string | undefined;
  /** The access token's subject: `sub`, or the issuer's `subject_mapping` result (rule W5). */
  subject!: string;

  constructor(
    readonly use: AssertionUse,
    readonly token: string,
    readonly select: SelectRegistration<R>,
    readonly options: VerifyOptions,
    /** A dry run: no events, no decoy work, and nothing remembered (the replay step is not checked). */
    readonly dryRun: boolean,
  ) {}
}

/** A step passes (undefined), fails, or — replay in a dry run — is not checked. */
export type StepResult = StepFailure | undefined | 'not_checked';

/** One step of the pipeline. */
export type Step = (a: Attempt, settings: PipelineSettings) => StepResult | Promise<StepResult>;

const DECOY_ALGORITHMS: ReadonlySet<string> = new Set(ASSERTION_ALGORITHMS);

/** The NumericDate claims (RFC 7519 §4.1.4–§4.1.6), in the order they are checked. */
const DATE_CLAIMS = Object.freeze(['exp', 'nbf', 'iat'] as const);

/** J10: why no key was found — the issuer's keys could not be fetched (503), or none fits the header. */
function keyFailure(err: unknown): StepFailure {
  if (err instanceof KeyNotFoundError && err.unavailable) return { reason: 'jwks_unavailable', detail: err.message, claim: null, cause: err };
  return { reason: 'key_not_found', detail: 'no registered key matches the header', cause: err };
}

/** J9: the signature step's answer. */
const signatureVerdict = (verified: boolean): StepResult => (verified ? undefined : { reason: 'signature_invalid', detail: 'the signature does not verify' });

/**
 * A refusal of a client assertion before its signature is checked, made as slow as a registered client's
 * bad signature so that timing does not reveal which client_ids exist (keys/decoy-verification.ts).
 */
async function afterDecoy(a: Attempt, failure: StepFailure): Promise<StepFailure> {
  if (a.use === 'client_authentication' && !a.dryRun) await decoyVerification(a.jwt, DECOY_ALGORITHMS);
  return failure;
}

/** J1/J2: the registration chosen from iss (grant) or sub (client); used only for that identifier. */
function select(a: Attempt): StepResult | Promise<StepResult> {
  const client = a.use === 'client_authentication';
  const registration = a.select(a.iss, a.sub);
  if (registration !== undefined && registration.kind !== (client ? 'client' : 'issuer')) {
    throw new TypeError(`a ${registration.kind} registration was selected for ${a.use}`);
  }
  if (registration === undefined || registration.issuer !== (client ? a.sub : a.iss)) {
    return client
      ? afterDecoy(a, { reason: 'unknown_client', detail: 'sub names no registered client' })
      : { reason: 'untrusted_issuer', detail: 'iss is not a trusted issuer' };
  }
  a.registration = registration;
  return undefined;
}

/**
 * The implementation of every step of ASSERTION_RULES (rules.ts), by step id. The pipeline runs them in
 * the table's order; each reads what earlier ones established on the {@link Attempt}.
 */
export const STEPS: Readonly<Record<AssertionStepId, Step>> = Object.freeze({
  size: (a, s) =>
    a.token.length > s.maxAssertionLength
      ? { reason: 'assertion_too_large', detail: `the assertion has ${a.token.length} characters, more than ${s.maxAssertionLength}` }
      : undefined,

  compact: (a) => {
    try {
      a.jwt = decodeJwt(a.token);
      return undefined;
    } catch (err) {
      if (err instanceof JwtDecodeError) return { reason: err.reason, detail: err.detail, cause: err };
      throw err;
    }
  },

  crit: ({ jwt: { header } }) =>
    'crit' in header || 'b64' in header
      ? { reason: 'crit_not_understood', detail: 'the header uses an extension (crit or b64) we do not understand', claim: 'crit' in header ? 'crit' : 'b64' }
      : undefined,

  typ: (a) => {
    const typ = a.jwt.header.typ;
    if (typ === undefined) return undefined;
    const type = typMediaType(typ);
    if (type === 'jwt' || (type === CLIENT_ASSERTION_TYP && a.use === 'client_authentication')) return undefined;
    if (type === ID_JAG_TYP && a.use === 'authorization_grant') return undefined; // rule G1: id-jag-typ checks the issuer
    return { reason: 'typ_not_allowed', detail: `typ ${JSON.stringify(typ)} is not accepted here` };
  },

  'iss-sub': (a) => {
    const { iss, sub } = a.jwt.claims;
    if (typeof iss !== 'string' || typeof sub !== 'string') {
      return { reason: 'missing_claim', detail: 'iss and sub are required strings', claim: typeof iss === 'string' ? 'sub' : 'iss' };
    }
    a.iss = iss;
    a.sub = sub;
    return undefined;
  },

  'client-id': (a) =>
    a.options.clientId !== undefined && a.options.clientId !== a.sub
      ? { reason: 'client_id_mismatch', detail: 'client_id differs from the assertion sub' }
      : undefined,

  registered: select,
  trusted: select,
  'id-jag-typ': idJagTypStep,

  'iss-is-sub': (a) =>
    // Stryker disable next-line LogicalOperator: step registered has made registration.issuer equal sub, so the two comparisons are one
    a.iss !== a.sub || a.iss !== a.registration.issuer ? afterDecoy(a, { reason: 'iss_mismatch', detail: 'iss must equal sub and the client_id' }) : undefined,

  subject: (a) => {
    const subjects = a.registration.subjects;
    return subjects !== null && !subjects.has(a.sub) ? { reason: 'sub_not_allowed', detail: 'the issuer may not assert this subject' } : undefined;
  },

  alg: (a) => {
    const alg = a.jwt.header.alg;
    if (typeof alg !== 'string' || !a.registration.algorithms.has(alg)) return { reason: 'alg_not_allowed', detail: `alg ${JSON.stringify(alg)} is not accepted` };
    a.alg = alg;
    return undefined;
  },

  'explicit-typ': (a) =>
    a.registration.requireExplicitTyp && typMediaType(a.jwt.header.typ) !== CLIENT_ASSERTION_TYP
      ? { reason: 'explicit_typ_required', detail: `typ must be ${CLIENT_ASSERTION_TYP}` }
      : undefined,

  aud: (a, s) => {
    const aud = a.jwt.claims.aud;
    if (aud === undefined) return { reason: 'missing_claim', detail: 'aud is required' };
    const audiences = a.registration.workload?.audiences;
    if (audiences !== undefined && audiences !== null) {
      // Rule W3: the issuer's fixed audiences replace the J3 grant rule.
      return (Array.isArray(aud) ? aud : [aud]).some((v) => typeof v === 'string' && audiences.has(v)) ? undefined : { reason: 'aud_mismatch', detail: "aud names none of the issuer's audiences" };
    }
    const policy = a.registration.audience;
    const namesUs = (value: unknown) => value === s.issuer || (policy.tokenEndpoint && value === s.tokenEndpoint);
    if (policy.sole) {
      const sole = Array.isArray(aud) && aud.length === 1 ? (aud[0] as unknown) : aud;
      if (!namesUs(sole)) return { reason: 'aud_mismatch', detail: 'aud must be the issuer identifier of this server as its only value' };
      if (policy.warn === true && sole !== s.issuer) a.deprecatedAudience = sole as string; // rule A1: reported once accepted
      return undefined;
    }
    return (Array.isArray(aud) ? aud : [aud]).some(namesUs) ? undefined : { reason: 'aud_mismatch', detail: 'aud must name this server' };
  },

  dates: (a, s) => {
    for (const name of DATE_CLAIMS) {
      const value = a.jwt.claims[name];
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
        return { reason: 'invalid_claim', detail: `${name} must be a NumericDate`, claim: name };
      }
    }
    a.now = s.now() / 1000;
    return undefined;
  },

  exp: (a, s) => {
    const exp = a.jwt.claims.exp as number | undefined;
    if (exp === undefined) return { reason: 'missing_claim', detail: 'exp is required' };
    if (a.now >= exp + s.clockTolerance) return { reason: 'expired', detail: 'the assertion has expired' };
    a.exp = exp;
    return undefined;
  },

  nbf: (a, s) => {
    const nbf = a.jwt.claims.nbf as number | undefined;
    return nbf !== undefined && nbf > a.now + s.clockTolerance ? { reason: 'not_yet_valid', detail: 'nbf is in the future' } : undefined;
  },

  iat: (a, s) => {
    const iat = a.jwt.claims.iat as number | undefined;
    return iat !== undefined && iat > a.now + s.clockTolerance ? { reason: 'iat_in_future', detail: 'iat is in the future' } : undefined;
  },

  lifetime: (a) => {
    const { maxLifetime } = a.registration;
    const iat = a.jwt.claims.iat as number | undefined;
    return a.exp - (iat ?? a.now) > maxLifetime ? { reason: 'lifetime_too_long', detail: `the assertion lives longer than ${maxLifetime} seconds` } : undefined;
  },

  jti: (a) => {
    const jti = a.jwt.claims.jti;
    if (jti === undefined) return a.registration.requireJti ? { reason: 'missing_jti', detail: 'jti is required' } : undefined;
    if (typeof jti !== 'string' || jti.length === 0) return { reason: 'invalid_claim', detail: 'jti must be a non-empty string' };
    a.jti = jti;
    return undefined;
  },

  'id-jag-claims': idJagClaimsStep,
  'id-jag-client': idJagClientStep,

  key: (a) => {
    try {
      const key = a.registration.resolveKey(a.jwt.header as { alg: string });
      // A local key set answers synchronously: no async frame per request.
      if (!(key instanceof Promise)) {
        a.key = key;
        return undefined;
      }
      return key.then((resolved) => {
        a.key = resolved;
        return undefined;
      }, keyFailure);
    } catch (err) {
      return keyFailure(err);
    }
  },

  signature: (a) => {
    const verified = verifySignature(a.alg, a.key, a.jwt.signingInput, a.jwt.signature);
    // Answered synchronously unless the verification went to the thread pool: no async frame per request.
    return verified instanceof Promise ? verified.then(signatureVerdict) : signatureVerdict(verified);
  },

  // After the signature, so that only a trusted issuer can probe which client_ids are registered.
  // Rule W2: after the signature (only verified claims are evaluated) and before replay (a refused assertion is not used up).
  'claim-conditions': (a) => {
    const conditions = a.registration.workload?.conditions;
    if (conditions === undefined || conditions.length === 0) return undefined;
    const failed = failedCondition(conditions, { claims: a.jwt.claims, header: a.jwt.header });
    return failed === undefined ? undefined : { reason: 'claim_condition_failed', detail: failed.detail, condition: failed.index };
  },

  'subject-sanity': (a, s) => {
    const mapping = a.registration.workload?.subjectMapping;
    if (mapping === undefined || mapping === null) {
      a.subject = a.sub;
    } else {
      // Rule W5: the mapped subject passes the same checks as a sub would.
      const mapped = mappedSubject(mapping, { claims: a.jwt.claims, header: a.jwt.header });
      if ('problem' in mapped) return { reason: 'sub_invalid', detail: mapped.problem };
      a.subject = mapped.subject;
    }
    const problem = subjectProblem(a.subject, s.clientIds);
    return problem === undefined ? undefined : { reason: 'sub_invalid', detail: mapping ? `the mapped subject: ${problem}` : problem };
  },

  'id-jag-binding': idJagBindingStep,
  resource: resourceStep,

  // After the signature, so a scope typo neither burns the assertion nor tells strangers our ceilings.
  scope: (a) => {
    if (a.registration.idJag === true) return idJagScope(a); // rule G5: an intersection, not a refusal
    const ceiling = a.options.scopeCeiling;
    const allowed = ceiling === undefined ? a.registration.scope : new Set([...a.registration.scope].filter((s) => ceiling.has(s)));
    const requested = a.options.requestedScope ?? [];
    const extra = scopeBeyond(requested, allowed);
    if (extra.length > 0) return { reason: 'scope_not_allowed', detail: `not allowed: ${extra.join(' ')}` };
    a.scope = requested.length === 0 ? [...allowed] : [...requested];
    return undefined;
  },

  replay: async (a, s) => {
    if (a.dryRun) return 'not_checked';
    if (a.registration.workload?.oneTimeUse === false) return undefined; // rule W4: reuse allowed until exp
    const key = a.jti !== undefined ? jtiReplayKey(a.iss, a.jti) : signatureReplayKey(a.iss, signatureDigest(a.alg, a.jwt.signature));
    let fresh: boolean;
    try {
      fresh = await s.replayStore.remember(key, a.exp + s.clockTolerance);
    } catch (err) {
      return { reason: 'replay_store_unavailable', detail: err instanceof Error ? err.message : 'failed', claim: null, cause: err };
    }
    return fresh ? undefined : { reason: 'jti_replayed', detail: 'the assertion was already used', claim: a.jti === undefined ? null : 'jti' };
  },
});
