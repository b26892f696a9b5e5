/**
 * Where used assertions are remembered (RFC 7523 §3.7, OIDC Core §9: a client assertion is used once).
 * One atomic operation, so that of N concurrent requests carrying one assertion exactly one succeeds.
 * Implement it over any shared store with an atomic "set if absent, with expiry"; `@rfc7523/redis`
 * is one.
 */
export interface ReplayStore {
  /**
   * Remembers `key` until `expiresAt` (seconds since the epoch) unless it is already remembered and
   * live. Resolves `true` when the key was new (the assertion may be used), `false` when it is a replay.
   * Rejects when the store cannot answer: the engine then fails closed with 503.
   */
  remember(key: string, expiresAt: number): Promise<boolean>;
}

/** Replay key of an assertion with a `jti`: issuer and `jti`, unambiguously joined (rule J7). */
export function jtiReplayKey(issuer: string, jti: string): string {
  return 'j' + JSON.stringify([issuer, jti]);
}

/** Replay key of an assertion without `jti`: issuer and a digest of the decoded signature bytes (rule J7). */
export function signatureReplayKey(issuer: string, signatureDigest: string): string {
  return 's' + JSON.stringify([issuer, signatureDigest]);
}
