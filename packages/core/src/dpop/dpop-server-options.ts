import type { Checker } from '../config/checks.js';
import { ConfigurationError } from '../config/configuration-error.js';
import { MAX_CLOCK_TOLERANCE } from '../options.js';
import type { ReplayStore } from '../replay/replay-store.js';
import { DPOP_SIGNING_ALG_VALUES_SUPPORTED } from './dpop-algorithms.js';
import { DpopNonces, type DpopNoncesOptions } from './dpop-nonces.js';
import { DpopVerifier } from './dpop-verifier.js';
import { DPOP_DEFAULTS } from './verify-dpop-proof.js';

/**
 * The engine's `dpop` option (RFC 9449): how DPoP proofs are checked at the token endpoint (rule D1) and
 * by `verifyAccessToken` (rule D2). DPoP itself is always available: a request with a valid proof gets a
 * bound token, one without gets a Bearer token unless its client registered `dpop_bound_access_tokens`.
 */
export interface DpopServerOptions {
  /**
   * Require a server nonce in every proof (RFC 9449 §8, §9): `true` for DpopNonces with its defaults (a
   * 300-second window, a random secret per instance), or DpopNonces options (give every instance the same
   * `secret` so that nonces hold across instances). Default `false`: no nonce required.
   */
  nonces?: boolean | DpopNoncesOptions;
  /** Seconds a proof is accepted after its `iat`, 1 to 600 (RFC 9449 §4.3 item 11, §11.1). Default 60. */
  maxAge?: number;
  /** Proof algorithms accepted, a non-empty subset of DPOP_SIGNING_ALG_VALUES_SUPPORTED (RFC 9449 §5.1). Default all of them. */
  algorithms?: readonly string[];
  /** Longest proof `jti`, characters, 16 to 1024. Default 256. */
  maxJtiLength?: number;
}

const KNOWN = ['nonces', 'maxAge', 'algorithms', 'maxJtiLength'] as const;

/**
 * Validates the engine's `dpop` option (each problem named `dpop.<field>`) and builds the one verifier
 * the token endpoint and the resource side share: one replay store (the engine's, so each proof is used
 * once across instances, RFC 9449 §11.1), one clock tolerance (the engine's `clockTolerance`).
 */
export function dpopVerifierFromOptions(
  c: Checker,
  value: unknown,
  shared: { replayStore: ReplayStore; clockTolerance: number; now: () => number },
): DpopVerifier {
  const o = value === undefined ? {} : c.object(value, 'dpop');
  c.onlyKnown(o, 'dpop', KNOWN);
  const maxAge = c.seconds(o['maxAge'], 'dpop.maxAge', 1, 600, DPOP_DEFAULTS.maxAge);
  const maxJtiLength = c.wholeNumber(o['maxJtiLength'], 'dpop.maxJtiLength', 16, 1024, 'characters', DPOP_DEFAULTS.maxJtiLength);
  let algorithms: readonly string[] = DPOP_SIGNING_ALG_VALUES_SUPPORTED;
  if (o['algorithms'] !== undefined) {
    algorithms = c.stringArray(o['algorithms'], 'dpop.algorithms');
    if (algorithms.length === 0) c.fail('dpop.algorithms', 'must be a non-empty array');
    algorithms.forEach((alg, i) => {
      if (!DPOP_SIGNING_ALG_VALUES_SUPPORTED.includes(alg)) {
        c.fail(`dpop.algorithms[${i}]`, `must be one of ${DPOP_SIGNING_ALG_VALUES_SUPPORTED.join(', ')} (asymmetric only, RFC 9449 §4.2)`);
      }
    });
  }
  const nonceOption = o['nonces'];
  let nonces: DpopNonces | undefined;
  if (nonceOption === true) nonces = new DpopNonces({ now: shared.now });
  else if (typeof nonceOption === 'object' && nonceOption !== null && !Array.isArray(nonceOption)) {
    try {
      nonces = new DpopNonces({ now: shared.now, ...(nonceOption as DpopNoncesOptions) });
    } catch (err) {
      if (!(err instanceof ConfigurationError)) throw err;
      c.fail(`dpop.nonces.${err.field}`, err.message.replace(/^"[^"]*" /, ''));
    }
  } else if (nonceOption !== undefined && nonceOption !== false) c.fail('dpop.nonces', 'must be true, false or an object of DpopNonces options');
  return new DpopVerifier({
    replayStore: shared.replayStore,
    algorithms,
    maxAge,
    clockTolerance: Math.min(shared.clockTolerance, MAX_CLOCK_TOLERANCE),
    maxJtiLength,
    ...(nonces === undefined ? {} : { nonces }),
    now: shared.now,
  });
}
