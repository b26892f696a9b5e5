/**
 * Typed events for audit logs and metrics. They carry identifiers and reason codes, never a token,
 * a key or a signature.
 */

/** Which use of RFC 7523 an assertion served: client authentication (§2.2) or authorization grant (§2.1). */
export type AssertionUse = 'client_authentication' | 'authorization_grant';

/** Every event the engine emits. */
export type Rfc7523Event =
  | {
      type: 'assertion.accepted';
      use: AssertionUse;
      /** `iss` of the assertion. */
      issuer: string;
      /** `sub` of the assertion. */
      subject: string;
      /** `jti`, when the assertion has one. */
      jti?: string;
    }
  | {
      type: 'assertion.rejected';
      use: AssertionUse;
      /** RFC 6749 error code answered. */
      error: string;
      /** Stable reason code. */
      reason: string;
      /** Precise reason, for logs. */
      detail?: string;
      /** The claim or header parameter concerned (`exp`, `aud`, `typ`, …), when one. */
      claim?: string;
      /** `iss` as claimed by the (unverified) assertion, when readable. */
      issuer?: string;
      /** claim_condition_failed: the index in the issuer's `claim_conditions` of the condition that refused (rule W2). */
      condition?: number;
    }
  | { type: 'replay.detected'; use: AssertionUse; issuer: string; jti?: string }
  /**
   * Rule A1: a client with `audience_policy: "warn"` authenticated with the token endpoint URL as `aud`,
   * which RFC 10070 (rfc7523bis §4) deprecates; upgrade the client before switching it to `strict`.
   */
  | { type: 'client_assertion.audience_deprecated'; clientId: string; /** The `aud` value accepted. */ audience: string }
  | { type: 'keys.fetched'; uri: string; /** Number of keys in the set. */ keys: number }
  | { type: 'keys.fetch_failed'; uri: string; reason: string }
  | { type: 'replay_store.unavailable'; reason: string }
  | { type: 'token.issued'; grantType: string; subject: string; clientId?: string; scope: string }
  | { type: 'request.failed'; error: string; reason: string; detail?: string }
  /**
   * One dry run of the explain page (docs/explain.md): its use, verdict, and for a refusal the failing step
   * (ASSERTION_RULES id) and reason code — all from bounded sets, and nothing of the token (no iss, sub,
   * jti, claim value nor signature). `verdict: "error"` with `error: "server_error"`: the dry run failed
   * unexpectedly (a bug), reported without its message.
   */
  | {
      type: 'explain.dry_run';
      /** Absent when the dry run failed before the use was known. */
      use?: AssertionUse;
      verdict: 'pass' | 'fail' | 'error';
      /** The step that refused (e.g. `aud`), as the engine decided it, when `fail`. */
      step?: string;
      /** Its ReasonCode when `fail`; `server_error` when `error`. */
      reason?: string;
      /** `server_error` when `error`. */
      error?: string;
    };

/** Receives events; must not throw (a throwing listener is ignored). */
export type EventSink = (event: Rfc7523Event) => void;

/** Wraps a user listener so that it can never break a request. */
export function safeSink(listener: EventSink | undefined): EventSink {
  if (listener === undefined) return () => {};
  return (event) => {
    try {
      listener(event);
    } catch {
      // A listener's failure is the listener's problem, never the client's.
    }
  };
}
