/** Keys and assertions minted inside the tests with jose. */
import { randomUUID } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { makeKey, type TestKey } from '../../../../test/support/keys.js';
import { JWT_BEARER_CLIENT_ASSERTION_TYPE, JWT_BEARER_GRANT_TYPE, type AuthorizationServerOptions } from '@rfc7523/nestjs';

/** The issuer identifier of every test server; client assertions carry it as `aud` (rfc7523bis §4). */
export const ISSUER = 'https://as.nest.test';
/** The trusted issuer of jwt-bearer grants in the tests. */
export const GRANT_ISSUER = 'https://ci.nest.test';
/** The one subject it may assert. */
export const GRANT_SUBJECT = 'repo:acme/api:ref:refs/heads/main';

/** An ES256 key pair of the test kit. */
export type Signer = TestKey;

export const makeSigner = (kid: string): Promise<Signer> => makeKey('ES256', kid);

export interface TestKeys {
  client: Signer;
  grantIssuer: Signer;
}

export async function makeKeys(): Promise<TestKeys> {
  return { client: await makeSigner('client-1'), grantIssuer: await makeSigner('ci-1') };
}

/** Engine options: client `worker` (scopes `read write`) and one trusted issuer (scope `deploy`). */
export function engineOptions(keys: TestKeys, extra: Partial<AuthorizationServerOptions> = {}): AuthorizationServerOptions {
  return {
    issuer: ISSUER,
    clients: [
      {
        client_id: 'worker',
        jwks: { keys: [keys.client.publicJwk] },
        grant_types: ['client_credentials', JWT_BEARER_GRANT_TYPE],
        scope: 'read write',
      },
    ],
    trustedIssuers: [{ issuer: GRANT_ISSUER, jwks: { keys: [keys.grantIssuer.publicJwk] }, subjects: [GRANT_SUBJECT], scope: 'deploy' }],
    ...extra,
  };
}

function sign(signer: Signer, claims: JWTPayload): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: signer.kid }).sign(signer.privateKey);
}

function lifetime(): JWTPayload {
  const now = Math.floor(Date.now() / 1000);
  return { aud: ISSUER, iat: now, exp: now + 60, jti: randomUUID() };
}

/** A client assertion of `worker` (RFC 7523 §3, private_key_jwt). */
export function clientAssertion(keys: TestKeys, extra: JWTPayload = {}): Promise<string> {
  return sign(keys.client, { iss: 'worker', sub: 'worker', ...lifetime(), ...extra });
}

/** A jwt-bearer grant assertion from the trusted issuer (RFC 7523 §2.1). */
export function grantAssertion(keys: TestKeys, extra: JWTPayload = {}): Promise<string> {
  return sign(keys.grantIssuer, { iss: GRANT_ISSUER, sub: GRANT_SUBJECT, ...lifetime(), ...extra });
}

/** The form parameters of client authentication with `assertion`. */
export function clientAuth(assertion: string): Record<string, string> {
  return { client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: assertion };
}

export const form = (params: Record<string, string>): string => new URLSearchParams(params).toString();
