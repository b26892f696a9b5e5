import { hash } from 'node:crypto';

/**
 * The DPoP `ath` claim of an access token (RFC 9449 §4.2): base64url (no padding) of the SHA-256 of
 * the ASCII token text.
 */
export function accessTokenHash(accessToken: string): string {
  return hash('sha256', accessToken, 'base64url');
}
