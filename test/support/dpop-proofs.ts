/**
 * DPoP proofs (RFC 9449 §4.2) minted independently of the code under test: jose signs well-formed ones;
 * the shapes a careful signer refuses (`alg: none`, HS256) are built by hand here.
 */
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';

/** A client's DPoP key pair. */
export interface DpopKey {
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  privateJwk: JWK;
  /** RFC 7638 SHA-256 thumbprint of the public key, computed by jose: the `cnf.jkt` to expect. */
  jkt: string;
}

/** A new DPoP key pair (default ES256). */
export async function dpopKey(alg = 'ES256'): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  return { alg, privateKey, publicJwk, privateJwk: await exportJWK(privateKey), jkt: await calculateJwkThumbprint(publicJwk, 'sha256') };
}

/** base64url SHA-256 of an access token: the `ath` claim (RFC 9449 §4.2). */
export const accessTokenHash = (token: string): string => createHash('sha256').update(token, 'ascii').digest('base64url');

/** What a proof says: `htm`, `htu`, `iat` (seconds), and any header or claim to add, change or drop (`undefined`). */
export interface ProofParts {
  htm: string;
  htu: string;
  iat: number;
  accessToken?: string;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** A proof signed with jose by `key`, a fresh `jti`, `ath` when an access token is given. */
export function dpopProof(key: DpopKey, parts: ProofParts): Promise<string> {
  const header = defined({ alg: key.alg, typ: 'dpop+jwt', jwk: key.publicJwk, ...parts.header });
  const claims = defined({
    jti: randomUUID(),
    htm: parts.htm,
    htu: parts.htu,
    iat: parts.iat,
    ...(parts.accessToken === undefined ? {} : { ath: accessTokenHash(parts.accessToken) }),
    ...parts.claims,
  });
  return new SignJWT(claims as JWTPayload).setProtectedHeader(header as never).sign(key.privateKey);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An `alg: none` proof (RFC 7519 §6.1) with some signature bytes appended, which jose never produces. */
export function unsecuredProof(jwk: JWK, parts: ProofParts): string {
  return `${b64({ alg: 'none', typ: 'dpop+jwt', jwk })}.${b64({ jti: randomUUID(), htm: parts.htm, htu: parts.htu, iat: parts.iat })}.AAAA`;
}

/** An HS256 proof carrying its own HMAC key in `jwk`: it "verifies" with the key it brings. */
export function hmacProof(parts: ProofParts): string {
  const secret = Buffer.alloc(32, 7);
  const input = `${b64({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: secret.toString('base64url') } })}.${b64({ jti: randomUUID(), htm: parts.htm, htu: parts.htu, iat: parts.iat })}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}
