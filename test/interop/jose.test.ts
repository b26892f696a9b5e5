import { randomUUID } from 'node:crypto';
import { decodeJwt, jwtVerify, SignJWT } from 'jose';
import { createClientAssertion, createGrantAssertion } from '@rfc7523/client';
import {
  createAuthorizationServer,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  JWT_BEARER_GRANT_TYPE,
  type AuthorizationServer,
  type PlainRequest,
} from '@rfc7523/core';
import { makeKey, type InteropKey } from './support/interop.js';

const AS = 'https://as.jose-interop.test';
const ALGS = ['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA', 'Ed25519'] as const;
const keys = new Map<string, InteropKey>();
let ci: InteropKey;
let server: AuthorizationServer;

beforeAll(async () => {
  for (const alg of ALGS) keys.set(alg, await makeKey(alg, `${alg.toLowerCase()}-kid`));
  ci = await makeKey('ES256', 'ci-kid');
  server = await createAuthorizationServer({
    issuer: AS,
    clients: ALGS.map((alg) => ({ client_id: `client-${alg}`, jwks: { keys: [keys.get(alg)!.publicJwk] }, scope: 'read' })),
    trustedIssuers: [{ issuer: 'https://ci.jose.test', jwks: { keys: [ci.publicJwk] }, allow_any_subject: true, scope: 'deploy' }],
  });
});

const form = (fields: Record<string, string>): PlainRequest => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});
const clientCredentials = (assertion: string) =>
  server.exchange(form({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: assertion }));

describe('assertions minted by @rfc7523/client verify with plain jose', () => {
  it.each(ALGS)('a %s client assertion passes jwtVerify with the expected aud, iss, sub, typ and claims', async (alg) => {
    const key = keys.get(alg)!;
    const jwt = await createClientAssertion({ clientId: 'svc', issuer: AS, key: key.privateJwk, alg });
    const { payload, protectedHeader } = await jwtVerify(jwt, key.publicKey, {
      algorithms: [alg],
      audience: AS,
      issuer: 'svc',
      subject: 'svc',
      typ: 'client-authentication+jwt',
      maxTokenAge: '60s',
      requiredClaims: ['jti', 'iat', 'exp'],
    });
    expect(protectedHeader).toEqual({ alg, typ: 'client-authentication+jwt', kid: key.kid });
    expect(payload.aud).toBe(AS);
  });

  it('a grant assertion passes jwtVerify with the expected iss, aud and typ', async () => {
    const jwt = await createGrantAssertion({ issuer: 'https://ci.jose.test', subject: 'job-1', audience: AS, key: ci.privateJwk });
    const { payload } = await jwtVerify(jwt, ci.publicKey, { issuer: 'https://ci.jose.test', audience: AS, subject: 'job-1', typ: 'JWT', requiredClaims: ['jti'] });
    expect(payload.exp! - payload.iat!).toBe(60);
  });
});

describe('assertions minted by plain jose are accepted by the engine', () => {
  it.each(ALGS)('a jose SignJWT %s client assertion (typ client-authentication+jwt) gets a token', async (alg) => {
    const key = keys.get(alg)!;
    const jwt = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg, kid: key.kid, typ: 'client-authentication+jwt' })
      .setIssuer(`client-${alg}`)
      .setSubject(`client-${alg}`)
      .setAudience(AS)
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(key.privateKey);
    const body = await clientCredentials(jwt);
    expect(decodeJwt(body.access_token)).toMatchObject({ sub: `client-${alg}`, client_id: `client-${alg}`, scope: 'read' });
  });

  it('a jose client assertion without typ and without kid is accepted too', async () => {
    const key = keys.get('ES256')!;
    const jwt = await new SignJWT({ iss: 'client-ES256', sub: 'client-ES256', aud: AS, jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuedAt()
      .setExpirationTime('1m')
      .sign(key.privateKey);
    await expect(clientCredentials(jwt)).resolves.toMatchObject({ token_type: 'Bearer' });
  });

  it('a jose jwt-bearer grant gets a token for its subject', async () => {
    const jwt = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: ci.kid, typ: 'JWT' })
      .setIssuer('https://ci.jose.test')
      .setSubject('job-42')
      .setAudience([AS, `${AS}/token`])
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(ci.privateKey);
    const body = await server.exchange(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: jwt }));
    expect(decodeJwt(body.access_token)).toMatchObject({ sub: 'job-42', scope: 'deploy' });
  });

  it('and our own minted assertions, end to end through exchange', async () => {
    const key = keys.get('PS256')!;
    const body = await clientCredentials(await createClientAssertion({ clientId: 'client-PS256', issuer: AS, key: key.privateJwk }));
    expect(body.token_type).toBe('Bearer');
    const grant = await createGrantAssertion({ issuer: 'https://ci.jose.test', subject: 'job-7', audience: AS, key: ci.privateJwk });
    await expect(server.exchange(form({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: grant }))).resolves.toMatchObject({ scope: 'deploy' });
  });
});
