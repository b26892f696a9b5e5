/**
 * Test fixtures: an engine with one client (`svc`) and one trusted issuer (`idp`, subject `alice`),
 * ES256 keys minted here, and assertions signed at a clock the test holds.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Express } from 'express';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import {
  createAuthorizationServer,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  JWT_BEARER_GRANT_TYPE,
  type AuthorizationServer,
  type AuthorizationServerOptions,
} from '@rfc7523/express';

export const ISSUER = 'https://as.express.test';
export const FORM = 'application/x-www-form-urlencoded';

/** The engine and what a test needs to talk to it. */
export interface Fixture {
  server: AuthorizationServer;
  /** A client assertion for `svc` (iss = sub = client_id, aud = the issuer). */
  clientAssertion(): Promise<string>;
  /** A grant assertion from `idp` for `alice`. */
  grantAssertion(): Promise<string>;
  /** The form fields of private_key_jwt client authentication (RFC 7523 §2.2), plus `extra`. */
  clientForm(extra?: Record<string, string>): Promise<Record<string, string>>;
}

export async function makeFixture(options: Partial<AuthorizationServerOptions> = {}): Promise<Fixture> {
  const now = Date.UTC(2026, 0, 1);
  const seconds = Math.floor(now / 1000);
  const pair = await generateKeyPair('ES256');
  const key: CryptoKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1' };
  const server = await createAuthorizationServer({
    issuer: ISSUER,
    now: () => now,
    clients: [{ client_id: 'svc', jwks: { keys: [jwk] }, grant_types: ['client_credentials', JWT_BEARER_GRANT_TYPE], scope: 'read write' }],
    trustedIssuers: [{ issuer: 'idp', jwks: { keys: [jwk] }, subjects: ['alice'], scope: 'read' }],
    ...options,
  });
  const sign = (claims: Record<string, unknown>) =>
    new SignJWT({ aud: ISSUER, iat: seconds, exp: seconds + 60, jti: randomUUID(), ...claims }).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(key);
  const clientAssertion = () => sign({ iss: 'svc', sub: 'svc' });
  return {
    server,
    clientAssertion,
    grantAssertion: () => sign({ iss: 'idp', sub: 'alice' }),
    clientForm: async (extra = {}) => ({ client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: await clientAssertion(), ...extra }),
  };
}

/** Encodes form fields. */
export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

/** Asserts the RFC 6749 §5.2 JSON error shape and headers. */
export function expectOAuthError(res: { status: number; body: unknown; headers: Record<string, string> }, status: number, error: string): void {
  expect({ status: res.status, error: (res.body as { error?: unknown }).error }).toEqual({ status, error });
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-store');
}

/**
 * POSTs `body` to `app` listening on 127.0.0.1 port 0, with `fetch` so that bytes and headers go as given
 * (supertest re-encodes a Buffer body sent with a form Content-Type).
 */
export async function postRaw(
  app: Express,
  path: string,
  headers: Record<string, string>,
  body: Uint8Array | string,
): Promise<{ status: number; headers: Record<string, string>; body: Record<string, unknown> }> {
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  try {
    const { port } = server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers, body });
    const text = await res.text();
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(text) as Record<string, unknown>;
    } catch {
      parsed = { text };
    }
    return { status: res.status, headers: Object.fromEntries(res.headers), body: parsed };
  } finally {
    server.closeAllConnections();
    server.close();
  }
}
