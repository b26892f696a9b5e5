import type { CryptoKey } from 'jose';
import { ASSERTION_ALGORITHMS } from '../constants.js';
import { InvalidClientError, InvalidGrantError, OAuthError, TemporarilyUnavailableError, type ReasonCode } from '../errors.js';
import type { AssertionUse, EventSink } from '../events.js';
import { decodeJwt, JwtDecodeError, type DecodedJwt } from '../jwt/decode.js';
import { signatureDigest } from '../jwt/signature-digest.js';
import { verifySignature } from '../jwt/verify-signature.js';
import { KeyNotFoundError, type KeyResolver } from '../keys/remote-key-set.js';
import { jtiReplayKey, signatureReplayKey, type ReplayStore } from '../replay/replay-store.js';

/** What the verifier needs from the server, fixed at start-up. */
export interface VerifierSettings {
  readonly issuer: string;
  readonly tokenEndpoint: string;
  /** Seconds. */
  readonly clockTolerance: number;
  readonly replayStore: ReplayStore;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  readonly emit: EventSink;
}

/** The registration an assertion is checked against, chosen from its unverified `iss`/`sub`. */
export interface AssertionPolicy {
  readonly issuer: string;
  readonly resolveKey: KeyResolver;
  readonly algorithms: ReadonlySet<string>;
  /** Seconds. */
  readonly maxLifetime: number;
  readonly requireJti: boolean;
  /** Client authentication only: also accept the token endpoint URL as sole `aud`. */
  readonly legacyAudience?: boolean;
  /** Client authentication only: require `typ: client-authentication+jwt`. */
  readonly requireExplicitTyp?: boolean;
  /** Further checks once the signature holds and before the assertion is used up (e.g. scope). */
  readonly beforeUse?: () => void;
}

/** A verified assertion. */
export interface VerifiedAssertion {
  readonly header: Readonly<Record<string, unknown>>;
  readonly claims: Readonly<Record<string, unknown>> & { iss: string; sub: string; exp: number };
}

/** What a refusal is about, beyond its reason code (see {@link AssertionVerifier.reject}). */
export interface RejectContext {
  /** `iss` as claimed by the (unverified) assertion, when readable. */
  issuer?: string;
  /** The claim or header parameter concerned (OAuthError `claim`). */
  claim?: string;
  /** The underlying error, for logs. */
  cause?: unknown;
}

/** Builds the refusal of one verification; `claim` names the claim or header parameter concerned. */
type Fail = (reason: ReasonCode, detail: string, claim?: string, cause?: unknown) => OAuthError;

const EXPLICIT_TYP = 'client-authentication+jwt';
const DESCRIPTIONS: Record<AssertionUse, string> = {
  client_authentication: 'client authentication failed',
  authorization_grant: 'the assertion is not valid',
};

function normalTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}

/**
 * The rules every assertion passes (rule J1–J13), in a fixed order: shape, header, claims, signature,
 * replay. The use case decides the error: `invalid_client` 401 or `invalid_grant` 400 (RFC 7523 §3.1, §3.2).
 */
export class AssertionVerifier {
  /** Every algorithm accepted on assertions (rule J9). */
  readonly algorithms: ReadonlySet<string> = new Set(ASSERTION_ALGORITHMS);

  constructor(private readonly settings: VerifierSettings) {}

  /** An error of the right class for the use case, with a general public description. */
  reject(use: AssertionUse, reason: ReasonCode, detail: string, context: RejectContext = {}): OAuthError {
    const { issuer, claim, cause } = context;
    const Err = use === 'client_authentication' ? InvalidClientError : InvalidGrantError;
    const error = new Err(reason, DESCRIPTIONS[use], { detail, cause, ...(claim === undefined ? {} : { claim }) });
    this.settings.emit({
      type: 'assertion.rejected',
      use,
      error: error.error,
      reason,
      detail,
      ...(claim === undefined ? {} : { claim }),
      ...(issuer === undefined ? {} : { issuer }),
    });
    return error;
  }

  /** Splits and decodes the token (J13) and checks the header (J9 algorithm list, J11, J12). */
  decode(use: AssertionUse, token: string): DecodedJwt {
    let jwt: DecodedJwt;
    try {
      jwt = decodeJwt(token);
    } catch (err) {
      if (err instanceof JwtDecodeError) throw this.reject(use, err.reason, err.detail);
      throw err;
    }
    const { header } = jwt;
    if ('crit' in header || 'b64' in header) {
      throw this.reject(use, 'crit_not_understood', 'the header uses an extension (crit or b64) we do not understand', { claim: 'crit' in header ? 'crit' : 'b64' });
    }
    const typ = header.typ;
    if (typ !== undefined) {
      const t = typeof typ === 'string' ? normalTyp(typ) : '';
      const ok = t === 'jwt' || (t === EXPLICIT_TYP && use === 'client_authentication');
      if (!ok) throw this.reject(use, 'typ_not_allowed', `typ ${JSON.stringify(typ)} is not accepted here`, { claim: 'typ' });
    }
    return jwt;
  }

  /** Checks the claims (J1–J7), the signature (J9, J10) and replay (J7) against one registration. */
  async verify(use: AssertionUse, jwt: DecodedJwt, policy: AssertionPolicy): Promise<VerifiedAssertion> {
    const { header, claims } = jwt;
    const iss = policy.issuer;
    const fail: Fail = (reason, detail, claim, cause) => this.reject(use, reason, detail, { issuer: iss, claim, cause });

    const alg = header.alg;
    if (typeof alg !== 'string' || !policy.algorithms.has(alg)) {
      throw fail('alg_not_allowed', `alg ${JSON.stringify(alg)} is not accepted`, 'alg');
    }
    if (policy.requireExplicitTyp && (typeof header.typ !== 'string' || normalTyp(header.typ) !== EXPLICIT_TYP)) {
      throw fail('explicit_typ_required', `typ must be ${EXPLICIT_TYP}`, 'typ');
    }
    this.#checkAudience(use, claims.aud, policy, fail);
    const exp = this.#checkTimes(claims, policy, fail);
    const jti = claims.jti;
    if (jti === undefined) {
      if (policy.requireJti) throw fail('missing_jti', 'jti is required', 'jti');
    } else if (typeof jti !== 'string' || jti.length === 0) {
      throw fail('invalid_claim', 'jti must be a non-empty string', 'jti');
    }

    let key: CryptoKey;
    try {
      key = await policy.resolveKey(header as { alg: string });
    } catch (err) {
      if (err instanceof KeyNotFoundError && err.unavailable) {
        this.settings.emit({ type: 'assertion.rejected', use, error: 'temporarily_unavailable', reason: 'jwks_unavailable', detail: err.message, issuer: iss });
        throw new TemporarilyUnavailableError('jwks_unavailable', 'the keys of the issuer cannot be fetched now', { detail: err.message, cause: err });
      }
      throw fail('key_not_found', 'no registered key matches the header', 'kid', err);
    }
    if (!(await verifySignature(alg, key, jwt.signingInput, jwt.signature))) {
      throw fail('signature_invalid', 'the signature does not verify');
    }
    policy.beforeUse?.();

    const replayKey = typeof jti === 'string' ? jtiReplayKey(iss, jti) : signatureReplayKey(iss, signatureDigest(alg, jwt.signature));
    let fresh: boolean;
    try {
      fresh = await this.settings.replayStore.remember(replayKey, exp + this.settings.clockTolerance);
    } catch (err) {
      const reason = err instanceof Error ? err.message : 'failed';
      this.settings.emit({ type: 'replay_store.unavailable', reason });
      throw new TemporarilyUnavailableError('replay_store_unavailable', 'the replay check cannot be made now', { detail: reason, cause: err });
    }
    if (!fresh) {
      this.settings.emit({ type: 'replay.detected', use, issuer: iss, ...(typeof jti === 'string' ? { jti } : {}) });
      throw fail('jti_replayed', 'the assertion was already used', typeof jti === 'string' ? 'jti' : undefined);
    }
    this.settings.emit({
      type: 'assertion.accepted',
      use,
      issuer: iss,
      subject: claims.sub as string,
      ...(typeof jti === 'string' ? { jti } : {}),
    });
    return { header, claims: claims as VerifiedAssertion['claims'] };
  }

  /** J3: client auth wants the issuer identifier as sole value; a grant accepts issuer or token endpoint among its values. */
  #checkAudience(use: AssertionUse, aud: unknown, policy: AssertionPolicy, fail: Fail): void {
    const { issuer, tokenEndpoint } = this.settings;
    if (aud === undefined) throw fail('missing_claim', 'aud is required', 'aud');
    if (use === 'client_authentication') {
      const sole = Array.isArray(aud) && aud.length === 1 ? aud[0] : aud;
      if (sole === issuer || (policy.legacyAudience === true && sole === tokenEndpoint)) return;
      throw fail('aud_mismatch', 'aud must be the issuer identifier of this server as its only value', 'aud');
    }
    const values = Array.isArray(aud) ? aud : [aud];
    if (values.some((v) => v === issuer || v === tokenEndpoint)) return;
    throw fail('aud_mismatch', 'aud must name this server', 'aud');
  }

  /** J4–J6: exp required, nbf and iat not in the future, lifetime within the maximum. Returns exp. */
  #checkTimes(claims: Readonly<Record<string, unknown>>, policy: AssertionPolicy, fail: Fail): number {
    const now = this.settings.now() / 1000;
    const tolerance = this.settings.clockTolerance;
    for (const name of ['exp', 'nbf', 'iat']) {
      const value = claims[name];
      if (value !== undefined && (typeof value !== 'number' || !Number.isFinite(value))) {
        throw fail('invalid_claim', `${name} must be a NumericDate`, name);
      }
    }
    const { exp, nbf, iat } = claims as { exp?: number; nbf?: number; iat?: number };
    if (exp === undefined) throw fail('missing_claim', 'exp is required', 'exp');
    if (now >= exp + tolerance) throw fail('expired', 'the assertion has expired', 'exp');
    if (nbf !== undefined && nbf > now + tolerance) throw fail('not_yet_valid', 'nbf is in the future', 'nbf');
    if (iat !== undefined && iat > now + tolerance) throw fail('iat_in_future', 'iat is in the future', 'iat');
    if (exp - (iat ?? now) > policy.maxLifetime) {
      throw fail('lifetime_too_long', `the assertion lives longer than ${policy.maxLifetime} seconds`, 'exp');
    }
    return exp;
  }
}
