/** Keys and assertions minted inside the tests with jose. */
import { makeKey, type TestKey } from '../../../../test/support/keys.js';
import { mintClientAssertion, mintGrantAssertion } from '../../../../test/support/mint.js';
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

/** A client assertion of `worker` (RFC 7523 §3, private_key_jwt). */
export function clientAssertion(keys: TestKeys, claims: { aud?: string } = {}): Promise<string> {
  return mintClientAssertion(keys.client, { clientId: 'worker', audience: claims.aud ?? ISSUER });
}

/** A jwt-bearer grant assertion from the trusted issuer (RFC 7523 §2.1). */
export function grantAssertion(keys: TestKeys, claims: { sub?: string } = {}): Promise<string> {
  return mintGrantAssertion(keys.grantIssuer, { issuer: GRANT_ISSUER, subject: claims.sub ?? GRANT_SUBJECT, audience: ISSUER });
}

/** The form parameters of client authentication with `assertion`. */
export function clientAuth(assertion: string): Record<string, string> {
  return { client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: assertion };
}

export const form = (params: Record<string, string>): string => new URLSearchParams(params).toString();
