import type { KeyResolver } from '../keys/remote-key-set.js';
import type { WorkloadPolicy } from '../workload/policy.js';

/** Which `aud` values identify this server for a registration (rule J3). */
export interface AudiencePolicy {
  /**
   * true: `aud` must hold exactly one value (a string or a one-element array) — client authentication,
   * rfc7523bis §4. false: one value among several suffices — grants, RFC 7523 §3 item 3.
   */
  readonly sole: boolean;
  /** Also accept the token endpoint URL, not only the issuer identifier. */
  readonly tokenEndpoint: boolean;
  /** Rule A1 `warn`: report each assertion accepted with the token endpoint URL (`client_assertion.audience_deprecated`). */
  readonly warn?: boolean;
}

/**
 * What an assertion is checked against: a registered client (RFC 7523 §2.2) or a trusted issuer of
 * grants (§2.1), prepared once at start-up and chosen per request from the unverified `iss`/`sub`.
 * Everything the pipeline needs about the signer is here, so it reads the registry once per request.
 */
export interface Registration {
  /** `client`: a registered client; `issuer`: a trusted issuer of grants. */
  readonly kind: 'client' | 'issuer';
  /** What the assertion's `iss` must equal: the `client_id`, or the trusted issuer (rule J1). */
  readonly issuer: string;
  /** Its keys, and only its keys (rule J10). */
  readonly resolveKey: KeyResolver;
  /** Algorithms accepted on its assertions (rule J9). */
  readonly algorithms: ReadonlySet<string>;
  /** Longest assertion lifetime accepted, seconds (rule J6). */
  readonly maxLifetime: number;
  /** Whether `jti` is required (rule J7); always true for clients. */
  readonly requireJti: boolean;
  /** Which `aud` values identify this server (rule J3). */
  readonly audience: AudiencePolicy;
  /** Require `typ: client-authentication+jwt` (rule J12, rfc7523bis §4). Default false. */
  readonly requireExplicitTyp: boolean;
  /** Scope ceiling: what may be granted with its assertions (rule R10). */
  readonly scope: ReadonlySet<string>;
  /** Subjects it may assert (rule J2); null when any. A client asserts only itself. */
  readonly subjects: ReadonlySet<string> | null;
  /** Trusted issuer with `id_jag: true`: its grants are ID-JAGs (rules G1–G5). Default false. */
  readonly idJag?: boolean;
  /** Trusted issuer: claim conditions, audiences, reuse, subject mapping (rules W2–W5); absent when none is set. */
  readonly workload?: WorkloadPolicy;
}
