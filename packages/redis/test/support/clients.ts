/**
 * A private_key_jwt client for the engine tests: an ES256 key minted in the test, its registration,
 * client assertions and token requests in the engine's plain request shape.
 */
import {
  CLIENT_CREDENTIALS_GRANT_TYPE,
  createAuthorizationServer,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  type AuthorizationServer,
  type ClientMetadata,
  type PlainRequest,
  type ReplayStore,
  type Rfc7523Event,
} from '@rfc7523/core';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { randomUUID } from 'node:crypto';

export const ISSUER = 'https://as.example';
export const CLIENT_ID = 'billing-worker';

/** A registered client and the private key it signs its assertions with. */
export interface TestClient {
  readonly metadata: ClientMetadata;
  readonly privateKey: CryptoKey;
}

export async function mintClient(): Promise<TestClient> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
  return {
    privateKey,
    metadata: { client_id: CLIENT_ID, jwks: { keys: [jwk] }, grant_types: [CLIENT_CREDENTIALS_GRANT_TYPE], scope: 'read' },
  };
}

export interface AssertionClaims {
  /** Seconds since the epoch: `iat`; `exp` is `iat + lifetime`. */
  readonly now: number;
  readonly lifetime?: number;
  readonly jti?: string;
}

/** A client assertion (RFC 7523 §3, OIDC Core §9): iss = sub = client_id, aud = the issuer. */
export function clientAssertion(client: TestClient, { now, lifetime = 60, jti = randomUUID() }: AssertionClaims): Promise<string> {
  return new SignJWT({ jti })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(CLIENT_ID)
    .setSubject(CLIENT_ID)
    .setAudience(ISSUER)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime)
    .sign(client.privateKey);
}

/** A client_credentials token request authenticated with `assertion`. */
export function tokenRequest(assertion: string): PlainRequest {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: CLIENT_CREDENTIALS_GRANT_TYPE,
      client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE,
      client_assertion: assertion,
    }).toString(),
  };
}

/** An engine with `client` registered and `store` as its replay store, and the events it emitted. */
export async function engineWith(client: TestClient, store: ReplayStore): Promise<{ server: AuthorizationServer; events: Rfc7523Event[] }> {
  const events: Rfc7523Event[] = [];
  const server = await createAuthorizationServer({ issuer: ISSUER, clients: [client.metadata], replayStore: store, onEvent: (event) => events.push(event) });
  return { server, events };
}
