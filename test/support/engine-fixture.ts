/**
 * The engine half of the adapter tests' fixtures (Koa, Fastify): a fake clock, ES256 keys and assertions
 * minted with jose, and an engine with one client and one trusted issuer. Each adapter's
 * test/support/fixture.ts re-exports it and adds its framework's half.
 */
import { TestClock } from './clock.js';
import { makeKey as makeTestKey, type TestKey } from './keys.js';
import { mintClientAssertion, mintGrantAssertion } from './mint.js';
import {
  createAuthorizationServer,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  JWT_BEARER_GRANT_TYPE,
  type AuthorizationServer,
} from '@rfc7523/core';

/** The issuer identifier; client assertions use it as their sole `aud` (rfc7523bis §4). */
export const ISSUER = 'https://as.example.com';
/** The trusted issuer of jwt-bearer grants. */
export const GRANT_ISSUER = 'https://ci.example.com';
/** The subject the trusted issuer may assert. */
export const SUBJECT = 'repo:acme/api:ref:refs/heads/main';
export const FORM = 'application/x-www-form-urlencoded';

/** The test kit's clock (test/support/clock.ts), at 2026-01-01T00:00:00Z. */
export const Clock = TestClock;
export type Clock = TestClock;

/** An ES256 key pair of the test kit. */
export type Key = TestKey;

export const makeKey = (kid: string): Promise<Key> => makeTestKey('ES256', kid);


/** Everything a test needs: the engine, its clock and the keys it trusts. */
export interface Fixture {
  server: AuthorizationServer;
  clock: Clock;
  client: Key;
  grantIssuer: Key;
  /** A client assertion for `worker` (iss = sub = client_id, aud = the issuer identifier). */
  clientAssertion(): Promise<string>;
  /** A grant assertion from the trusted issuer for {@link SUBJECT}. */
  grantAssertion(): Promise<string>;
}

/** An engine with one client (`worker`, scopes `read write`) and one trusted issuer (scope `deploy`). */
export async function makeFixture(): Promise<Fixture> {
  const clock = new Clock();
  const [client, grantIssuer] = await Promise.all([makeKey('worker-1'), makeKey('ci-1')]);
  const server = await createAuthorizationServer({
    issuer: ISSUER,
    now: clock.now,
    maxBodyLength: 4096,
    clients: [
      {
        client_id: 'worker',
        jwks: { keys: [client.publicJwk] },
        token_endpoint_auth_method: 'private_key_jwt',
        grant_types: ['client_credentials', JWT_BEARER_GRANT_TYPE],
        scope: 'read write',
      },
    ],
    trustedIssuers: [{ issuer: GRANT_ISSUER, jwks: { keys: [grantIssuer.publicJwk] }, subjects: [SUBJECT], scope: 'deploy' }],
  });
  return {
    server,
    clock,
    client,
    grantIssuer,
    clientAssertion: () => mintClientAssertion(client, { clientId: 'worker', audience: ISSUER }, clock),
    grantAssertion: () => mintGrantAssertion(grantIssuer, { issuer: GRANT_ISSUER, subject: SUBJECT, audience: ISSUER }, clock),
  };
}

/** Form fields of private_key_jwt client authentication (RFC 7523 §2.2). */
export function clientAuth(assertion: string): Record<string, string> {
  return { client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: assertion };
}

/** Encodes form fields. */
export function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}
