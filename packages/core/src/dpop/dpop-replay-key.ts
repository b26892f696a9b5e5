import { hash } from 'node:crypto';

/**
 * Replay key of a DPoP proof (RFC 9449 §11.1: a proof is used once): `d` followed by the base64url
 * SHA-256 of the proof key's thumbprint and the `jti`, unambiguously joined. The prefix keeps it apart
 * from the assertion keys (`j`, `s`) in a shared ReplayStore; the digest bounds its length (44
 * characters) whatever the `jti`.
 */
export function dpopReplayKey(jkt: string, jti: string): string {
  return 'd' + hash('sha256', JSON.stringify([jkt, jti]), 'base64url');
}
