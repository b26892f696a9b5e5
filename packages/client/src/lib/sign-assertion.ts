import { randomUUID } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import type { SigningKey } from '../signing-key.js';

/** What every assertion needs besides its own claims. Internal. */
export interface AssertionTemplate {
  readonly signingKey: SigningKey;
  /** `typ` header, or undefined for none. */
  readonly typ: string | undefined;
  /** Seconds. */
  readonly lifetime: number;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
}

/**
 * Signs one assertion: the given claims plus `iat` = now, `exp` = now + lifetime (RFC 7523 §3 items
 * 4 and 6) and a fresh random `jti` (§3 item 7, 122 random bits), as a compact JWS (RFC 7515 §7.1).
 */
export function signAssertion(template: AssertionTemplate, claims: JWTPayload): Promise<string> {
  const iat = Math.floor(template.now() / 1000);
  const { signingKey } = template;
  return new SignJWT({ ...claims, iat, exp: iat + template.lifetime, jti: randomUUID() })
    .setProtectedHeader({
      alg: signingKey.alg,
      ...(template.typ === undefined ? {} : { typ: template.typ }),
      ...(signingKey.kid === undefined ? {} : { kid: signingKey.kid }),
    })
    .sign(signingKey.key);
}
