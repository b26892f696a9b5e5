/**
 * DPoP proof minting for the tests: real proofs signed with jose, and hand-built ones for the shapes a
 * well-behaved signer refuses to make (`none`, HS256).
 */
import { createHash, createHmac, createPrivateKey, randomUUID, sign, type KeyObject } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { MemoryReplayStore } from '../../src/replay/memory-replay-store.js';
import type { Clock } from '../support/fixtures.js';

/** Where the tests' requests go. */
export const TOKEN_URL = 'https://as.example.com/token';
export const API_URL = 'https://api.example.com/v1/things';

/** A client's DPoP key pair. */
export interface ProofKey {
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
  privateJwk: JWK;
}

export async function proofKey(alg: string, options: { modulusLength?: number; crv?: string } = {}): Promise<ProofKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true, ...options });
  return { alg, privateKey, publicJwk: await exportJWK(publicKey), privateJwk: await exportJWK(privateKey) };
}

/** What a proof says; each member can be overridden, or removed with `undefined`. */
export interface ProofParts {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
}

const drop = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** base64url SHA-256 of the access token, computed here independently of the code under test. */
export const ath = (token: string) => createHash('sha256').update(token, 'ascii').digest('base64url');

/** A proof for `htm`/`htu` signed with jose, iat from the clock, a fresh jti. */
export function mintProof(key: ProofKey, clock: Clock, parts: ProofParts & { htm?: string; htu?: string } = {}): Promise<string> {
  const header = drop({ alg: key.alg, typ: 'dpop+jwt', jwk: key.publicJwk, ...parts.header });
  const claims = drop({ jti: randomUUID(), htm: parts.htm ?? 'POST', htu: parts.htu ?? TOKEN_URL, iat: clock.seconds(), ...parts.claims });
  return new SignJWT(claims as JWTPayload).setProtectedHeader(header as never).sign(key.privateKey);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A proof with `alg: none` and an empty signature (RFC 7519 §6.1), which jose will not produce. */
export function unsecuredProof(clock: Clock, jwk: JWK): string {
  return `${b64({ alg: 'none', typ: 'dpop+jwt', jwk })}.${b64({ jti: randomUUID(), htm: 'POST', htu: TOKEN_URL, iat: clock.seconds() })}.`;
}

/** An HS256 proof with the HMAC key in the jwk header: "verifies" with the key it carries. */
export function hmacProof(clock: Clock): string {
  const secret = Buffer.alloc(32, 7);
  const input = `${b64({ alg: 'HS256', typ: 'dpop+jwt', jwk: { kty: 'oct', k: secret.toString('base64url') } })}.${b64({ jti: randomUUID(), htm: 'POST', htu: TOKEN_URL, iat: clock.seconds() })}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** A replay store on the test clock. */
export const storeOn = (clock: Clock) => new MemoryReplayStore({ now: clock.now });

/**
 * A proof signed with node:crypto from any header and claims, for shapes jose will not sign (`crit`,
 * a key jose will not generate): ES256 (raw r||s) or RS256.
 */
export function nodeSignedProof(privateKey: KeyObject | JWK, header: Record<string, unknown>, claims: Record<string, unknown>): string {
  const key = 'type' in privateKey && typeof privateKey.type === 'string' && privateKey.type === 'private' ? (privateKey as KeyObject) : createPrivateKey({ key: privateKey as never, format: 'jwk' });
  const input = `${b64(header)}.${b64(claims)}`;
  const ec = key.asymmetricKeyType === 'ec';
  const signature = sign('sha256', Buffer.from(input), ec ? { key, dsaEncoding: 'ieee-p1363' } : key);
  return `${input}.${signature.toString('base64url')}`;
}
