/**
 * Shared test fixtures: a frozen clock, keys and tokens minted with jose, form requests, and
 * hand-built tokens for the shapes jose refuses to produce (`none`, HS256, malformed headers).
 */
import { randomUUID } from 'node:crypto';
import { importJWK, SignJWT, type CryptoKey, type JWK, type JWTHeaderParameters, type JWTPayload } from 'jose';
import {
  createAuthorizationServer,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  JWT_BEARER_GRANT_TYPE,
  type AuthorizationServer,
  type AuthorizationServerOptions,
  type PlainRequest,
} from '@rfc7523/core';
import { T0, TestClock } from '../../../../test/support/clock.js';
import type { TestKey } from '../../../../test/support/keys.js';

export const ISSUER = 'https://as.example.com';
export const TOKEN_ENDPOINT = `${ISSUER}/token`;
/** 2026-01-01T00:00:00Z, in milliseconds. */
export { T0 };

/** The test kit's clock (test/support/clock.ts). */
export type Clock = TestClock;

/** A test clock at `start` (default {@link T0}). */
export const frozenClock = (start = T0): Clock => new TestClock(start);

export { makeKey, type TestKey } from '../../../../test/support/keys.js';

/** The private key imported for `alg` (an RSA CryptoKey is bound to one hash and padding). */
export async function signingKeyFor(key: TestKey, alg: string): Promise<CryptoKey> {
  if (alg === key.alg || key.publicJwk.kty !== 'RSA') return key.privateKey;
  return (await importJWK(key.privateJwk, alg)) as CryptoKey;
}

/** Signs a JWT with the key; the header gets `alg` and `kid` unless `header` overrides them. */
export async function sign(key: TestKey, claims: JWTPayload, header: Partial<JWTHeaderParameters> = {}): Promise<string> {
  const protectedHeader = { alg: key.alg, kid: key.kid, ...header } as JWTHeaderParameters;
  return new SignJWT(claims).setProtectedHeader(protectedHeader).sign(await signingKeyFor(key, protectedHeader.alg));
}

export function b64u(value: string | Uint8Array | object): string {
  if (typeof value === 'string') return Buffer.from(value, 'utf8').toString('base64url');
  if (value instanceof Uint8Array) return Buffer.from(value).toString('base64url');
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

/** A token assembled by hand from a header, claims and signature (texts are used verbatim). */
export function rawToken(header: object | string, claims: object | string, signature: string = b64u('signature')): string {
  const h = typeof header === 'string' ? b64u(header) : b64u(header);
  const c = typeof claims === 'string' ? b64u(claims) : b64u(claims);
  return `${h}.${c}.${signature}`;
}

/** Claims of a valid client assertion for `clientId` at the clock's time. */
export function clientClaims(clock: Clock, clientId: string, extra: JWTPayload = {}): JWTPayload {
  const now = clock.seconds();
  return { iss: clientId, sub: clientId, aud: ISSUER, iat: now, exp: now + 60, jti: randomUUID(), ...extra };
}

/** Claims of a valid grant assertion from `issuer` for `subject` at the clock's time. */
export function grantClaims(clock: Clock, issuer: string, subject: string, extra: JWTPayload = {}): JWTPayload {
  const now = clock.seconds();
  return { iss: issuer, sub: subject, aud: ISSUER, iat: now, exp: now + 60, jti: randomUUID(), ...extra };
}

/** A POST form request. Values that are undefined are left out. */
export function formRequest(
  params: Record<string, string | undefined> | string,
  headers: Record<string, string> = {},
): PlainRequest {
  const body =
    typeof params === 'string'
      ? params
      : new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => e[1] !== undefined)).toString();
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body };
}

/** A client_credentials request authenticated by `assertion`. */
export function clientCredentials(assertion: string, extra: Record<string, string | undefined> = {}): PlainRequest {
  return formRequest({
    grant_type: 'client_credentials',
    client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE,
    client_assertion: assertion,
    ...extra,
  });
}

/** A jwt-bearer grant request carrying `assertion`. */
export function jwtBearer(assertion: string, extra: Record<string, string | undefined> = {}): PlainRequest {
  return formRequest({ grant_type: JWT_BEARER_GRANT_TYPE, assertion, ...extra });
}

/** The JWK Set form of some test keys. */
export function jwks(...keys: TestKey[]): { keys: JWK[] } {
  return { keys: keys.map((k) => k.publicJwk) };
}

/** A server with a frozen clock unless the options give one. */
export function makeServer(options: Partial<AuthorizationServerOptions> & { now: () => number }): Promise<AuthorizationServer> {
  return createAuthorizationServer({ issuer: ISSUER, ...options });
}

/** Decodes the payload of a compact JWS without verifying it. */
export function payloadOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
}

/** Decodes the header of a compact JWS without verifying it. */
export function headerOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0] as string, 'base64url').toString('utf8')) as Record<string, unknown>;
}
