import { Checker } from '../config/checks.js';
import type { OAuthError } from '../errors.js';
import { MAX_CLOCK_TOLERANCE } from '../options.js';
import { MemoryReplayStore } from '../replay/memory-replay-store.js';
import type { ReplayStore } from '../replay/replay-store.js';
import { DPOP_SIGNING_ALG_VALUES_SUPPORTED } from './dpop-algorithms.js';
import { dpopChallenge, dpopResourceError, dpopTokenEndpointError, type DpopRefusal } from './dpop-errors.js';
import type { DpopNonceSource } from './dpop-nonces.js';
import {
  DPOP_DEFAULTS,
  verifyDpopProof,
  type DpopHeaderValues,
  type DpopPolicy,
  type DpopRequestContext,
  type DpopVerification,
} from './verify-dpop-proof.js';

/** Options of {@link DpopVerifier}; validated once, at construction. */
export interface DpopVerifierOptions {
  /** Where used proofs are remembered (share one across instances, e.g. `@rfc7523/redis`). Default an in-memory store. */
  replayStore?: ReplayStore;
  /** Accepted proof algorithms, a non-empty subset of DPOP_SIGNING_ALG_VALUES_SUPPORTED (RFC 9449 §5.1). Default all. */
  algorithms?: readonly string[];
  /** Seconds a proof is accepted after its `iat`, 1 to 600 (RFC 9449 §4.3 item 11). Default 60. */
  maxAge?: number;
  /** Seconds of clock skew allowed, 0 to 300. Default 30. */
  clockTolerance?: number;
  /** Longest `jti`, characters, 16 to 1024. Default 256. */
  maxJtiLength?: number;
  /** Require server nonces (RFC 9449 §8, §9), e.g. `new DpopNonces()`. Default none: no nonce required. */
  nonces?: DpopNonceSource;
  /** Clock, milliseconds since the epoch. Default `Date.now`. For tests. */
  now?: () => number;
}

const KNOWN = ['replayStore', 'algorithms', 'maxAge', 'clockTolerance', 'maxJtiLength', 'nonces', 'now'] as const;

/**
 * A DPoP proof verifier (RFC 9449 §4.3) with its policy fixed at start-up: one per token endpoint or
 * resource server. Bad options throw a ConfigurationError naming the option. Verifiers sharing one
 * ReplayStore accept each proof once between them.
 */
export class DpopVerifier {
  /** The accepted algorithms: `dpop_signing_alg_values_supported` (RFC 9449 §5.1) and the challenge's `algs`. */
  readonly algorithms: readonly string[];
  readonly #policy: DpopPolicy;

  constructor(options: DpopVerifierOptions = {}) {
    const check = new Checker({ keys: 'option' });
    const o = check.options(options, KNOWN);
    const now = check.function<() => number>(o['now'], 'now', Date.now);
    const algorithms =
      o['algorithms'] === undefined ? DPOP_SIGNING_ALG_VALUES_SUPPORTED : check.stringArray(o['algorithms'], 'algorithms');
    if (algorithms.length === 0) check.fail('algorithms', 'must be a non-empty array');
    algorithms.forEach((alg, i) => {
      if (!DPOP_SIGNING_ALG_VALUES_SUPPORTED.includes(alg)) {
        check.fail(`algorithms[${i}]`, `must be one of ${DPOP_SIGNING_ALG_VALUES_SUPPORTED.join(', ')} (asymmetric only, RFC 9449 §4.2)`);
      }
    });
    const replayStore = o['replayStore'] ?? new MemoryReplayStore({ now });
    if (typeof (replayStore as ReplayStore).remember !== 'function') check.fail('replayStore', 'must have a remember(key, expiresAt) method');
    const nonces = o['nonces'];
    if (nonces !== undefined && (typeof (nonces as DpopNonceSource).current !== 'function' || typeof (nonces as DpopNonceSource).accepts !== 'function')) {
      check.fail('nonces', 'must have current() and accepts(nonce) methods');
    }
    this.algorithms = Object.freeze([...algorithms]);
    this.#policy = Object.freeze({
      replayStore: replayStore as ReplayStore,
      algorithms: this.algorithms,
      maxAge: check.seconds(o['maxAge'], 'maxAge', 1, 600, DPOP_DEFAULTS.maxAge),
      clockTolerance: check.seconds(o['clockTolerance'], 'clockTolerance', 0, MAX_CLOCK_TOLERANCE, DPOP_DEFAULTS.clockTolerance),
      maxJtiLength: check.wholeNumber(o['maxJtiLength'], 'maxJtiLength', 16, 1024, 'characters', DPOP_DEFAULTS.maxJtiLength),
      ...(nonces === undefined ? {} : { nonce: nonces as DpopNonceSource }),
      now,
    });
  }

  /** Verifies the `DPoP` header values of one request (see verifyDpopProof). */
  verify(values: DpopHeaderValues, request: DpopRequestContext): Promise<DpopVerification> {
    return verifyDpopProof(values, { ...request, ...this.#policy });
  }

  /** The token-endpoint error for a refusal (RFC 9449 §5): 400 `invalid_dpop_proof`, `use_dpop_nonce` or `invalid_grant`. */
  tokenEndpointError(refusal: DpopRefusal): OAuthError {
    return dpopTokenEndpointError(refusal);
  }

  /** The resource error for a refusal (RFC 9449 §7.1): 401 with a `WWW-Authenticate: DPoP` challenge. */
  resourceError(refusal: DpopRefusal): OAuthError {
    return dpopResourceError(refusal, this.algorithms);
  }

  /** The nonce to hand out now in `DPoP-Nonce` (RFC 9449 §8.2), or undefined when no nonce is required. */
  currentNonce(): string | undefined {
    const source = this.#policy.nonce;
    return source === undefined ? undefined : typeof source === 'string' ? source : source.current();
  }

  /** The bare `WWW-Authenticate: DPoP algs="…"` challenge, for a request that sent no token (RFC 9449 §7.1). */
  challenge(): string {
    return dpopChallenge(this.algorithms);
  }
}
