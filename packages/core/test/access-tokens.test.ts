import { generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, SignJWT, type JWK } from 'jose';
import { createAuthorizationServer, type AuthorizationServer } from '@rfc7523/core';
import {
  clientClaims,
  clientCredentials,
  frozenClock,
  grantClaims,
  headerOf,
  ISSUER,
  jwks,
  jwtBearer,
  makeKey,
  makeServer,
  payloadOf,
  sign,
  type TestKey,
} from './support/fixtures.js';

const clock = frozenClock();
let server: AuthorizationServer;
let workerKey: TestKey;
let issuerKey: TestKey;

beforeAll(async () => {
  workerKey = await makeKey('ES256', 'w1');
  issuerKey = await makeKey('ES256', 'i1');
  server = await makeServer({
    now: clock.now,
    clients: [{ client_id: 'worker', jwks: jwks(workerKey), scope: 'read write' }],
    trustedIssuers: [{ issuer: 'ci', jwks: jwks(issuerKey), allow_any_subject: true, scope: 'deploy' }],
  });
});

const issue = async (scope?: string) => (await server.exchange(clientCredentials(await sign(workerKey, clientClaims(clock, 'worker')), { scope }))).access_token;
const invalidToken = (reason: string) => ({ error: 'invalid_token', status: 401, reason });

describe('P3 issued access tokens (RFC 9068)', () => {
  it('P3 are JWTs typed at+jwt with iss, sub, aud, client_id, scope, exp, iat and jti', async () => {
    const token = await issue();
    expect(headerOf(token)).toEqual({ alg: 'ES256', kid: server.jwks.keys[0] && (server.jwks.keys[0] as JWK).kid, typ: 'at+jwt' });
    const now = clock.seconds();
    expect(payloadOf(token)).toEqual({
      iss: ISSUER,
      sub: 'worker',
      aud: ISSUER,
      client_id: 'worker',
      scope: 'read write',
      iat: now,
      exp: now + 300,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
  });

  it('P3 every token has its own jti', async () => {
    const ids = new Set(await Promise.all([issue(), issue(), issue()]).then((ts) => ts.map((t) => payloadOf(t).jti)));
    expect(ids.size).toBe(3);
  });

  it('P3 verify with the published JWKS, as a resource server would', async () => {
    const token = await issue();
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(server.jwks as { keys: JWK[] }), {
      issuer: ISSUER,
      audience: ISSUER,
      typ: 'at+jwt',
      currentDate: new Date(clock.now()),
    });
    expect(payload.sub).toBe('worker');
    expect(protectedHeader.typ).toBe('at+jwt');
  });

  it('publishes only public key members, with kid, alg and use', () => {
    const [key] = server.jwks.keys as JWK[];
    expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig', kid: expect.any(String) });
    for (const member of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) expect(key).not.toHaveProperty(member);
    expect(Object.isFrozen(server.jwks)).toBe(true);
    expect(Object.isFrozen(server.jwks.keys)).toBe(true);
  });

  it('honours accessTokenLifetime and accessTokenAudience', async () => {
    const custom = await makeServer({
      now: clock.now,
      accessTokenLifetime: 60,
      accessTokenAudience: 'https://api.example.com',
      trustedIssuers: [{ issuer: 'ci', jwks: jwks(issuerKey), allow_any_subject: true }],
    });
    const body = await custom.exchange(jwtBearer(await sign(issuerKey, grantClaims(clock, 'ci', 'alice', { exp: clock.seconds() + 600 }))));
    expect(body.expires_in).toBe(60);
    expect(payloadOf(body.access_token)).toMatchObject({ aud: 'https://api.example.com', exp: clock.seconds() + 60 });
    await expect(custom.verifyAccessToken(`Bearer ${body.access_token}`)).resolves.toMatchObject({ sub: 'alice' });
    await expect(server.verifyAccessToken(`Bearer ${body.access_token}`)).rejects.toMatchObject(invalidToken('token_invalid'));
  });
});

describe('signing keys', () => {
  it.each([
    ['RSA', async () => generateKeyPair('RS256', { extractable: true }), 'RS256'],
    ['Ed25519', async () => generateKeyPair('EdDSA', { extractable: true }), 'EdDSA'],
    ['P-384', async () => generateKeyPair('ES384', { extractable: true }), 'ES384'],
    ['P-521', async () => generateKeyPair('ES512', { extractable: true }), 'ES512'],
  ] as const)('signs with a %s key and derives the algorithm', async (_name, generate, alg) => {
    const signingKey = await exportJWK((await generate()).privateKey);
    const custom = await makeServer({ now: clock.now, signingKey, clients: [{ client_id: 'worker', jwks: jwks(workerKey) }] });
    const { access_token } = await custom.exchange(clientCredentials(await sign(workerKey, clientClaims(clock, 'worker'))));
    expect(headerOf(access_token)).toMatchObject({ alg, typ: 'at+jwt' });
    expect((custom.jwks.keys[0] as JWK).alg).toBe(alg);
    await expect(custom.verifyAccessToken(`Bearer ${access_token}`)).resolves.toMatchObject({ sub: 'worker' });
  });

  it('uses the alg and kid a signing key names', async () => {
    const signingKey = { ...(await exportJWK((await generateKeyPair('PS256', { extractable: true })).privateKey)), alg: 'PS256', kid: 'as-2026' };
    const custom = await createAuthorizationServer({ issuer: ISSUER, signingKey });
    expect(custom.jwks.keys[0]).toMatchObject({ alg: 'PS256', kid: 'as-2026', use: 'sig' });
  });

  it.each([
    ['a public key', async () => (await makeKey('ES256')).publicJwk, 'must be an asymmetric private JWK'],
    ['a symmetric key', async () => ({ kty: 'oct', k: 'c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0', d: 'x' }), 'must be an asymmetric private JWK'],
    ['an RSA key under 2048 bits', async () => ({ ...(generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ format: 'jwk' }) as JWK) }), 'at least 2048 bits'],
    ['a key whose alg does not fit', async () => ({ ...(await makeKey('ES256')).privateJwk, alg: 'RS256' }), 'cannot be used to sign with RS256'],
    ['an X25519 key', async () => ({ kty: 'OKP', crv: 'X25519', x: 'eA', d: 'eA' }), 'unsupported "crv"'],
    ['something else', async () => 'key' as unknown as JWK, 'must be an asymmetric private JWK'],
  ])('refuses %s at start-up, naming signingKey', async (_name, key, problem) => {
    const signingKey = (await key()) as JWK;
    await expect(createAuthorizationServer({ issuer: ISSUER, signingKey })).rejects.toMatchObject({
      name: 'ConfigurationError',
      field: 'signingKey',
      message: expect.stringContaining(problem),
    });
  });

  it('refuses a P-256 key whose private part is garbage', async () => {
    const bad = { ...(await makeKey('ES256')).privateJwk, d: 'AAAA' };
    await expect(createAuthorizationServer({ issuer: ISSUER, signingKey: bad })).rejects.toMatchObject({ field: 'signingKey' });
  });
});

describe('verifyAccessToken (RFC 6750)', () => {
  it('returns the claims of a valid token; the scheme is case-insensitive', async () => {
    const token = await issue('read');
    await expect(server.verifyAccessToken(`Bearer ${token}`)).resolves.toMatchObject({ sub: 'worker', client_id: 'worker', scope: 'read' });
    await expect(server.verifyAccessToken(`bearer ${token}`)).resolves.toMatchObject({ sub: 'worker' });
  });

  it('checks required scopes: 403 insufficient_scope naming the scope', async () => {
    const token = await issue('read');
    await expect(server.verifyAccessToken(`Bearer ${token}`, ['read'])).resolves.toBeDefined();
    await expect(server.verifyAccessToken(`Bearer ${token}`, ['read', 'write'])).rejects.toMatchObject({
      error: 'insufficient_scope',
      status: 403,
      reason: 'insufficient_scope',
      headers: { 'www-authenticate': expect.stringContaining('scope="read write"') },
    });
  });

  it('a token without scope satisfies no required scope', async () => {
    const body = await server.exchange(jwtBearer(await sign(issuerKey, grantClaims(clock, 'ci', 'alice')), { scope: undefined }));
    const bare = await makeServer({ now: clock.now, trustedIssuers: [{ issuer: 'ci', jwks: jwks(issuerKey), allow_any_subject: true }] });
    const unscoped = await bare.exchange(jwtBearer(await sign(issuerKey, grantClaims(clock, 'ci', 'alice'))));
    await expect(bare.verifyAccessToken(`Bearer ${unscoped.access_token}`, ['deploy'])).rejects.toMatchObject({ error: 'insufficient_scope', status: 403, reason: 'insufficient_scope' });
    await expect(server.verifyAccessToken(`Bearer ${body.access_token}`, ['deploy'])).resolves.toBeDefined();
  });

  it('answers a missing token with 401 and both bare challenges, Bearer and DPoP with its algorithms (RFC 9449 §7.2)', async () => {
    await expect(server.verifyAccessToken(undefined)).rejects.toMatchObject({
      ...invalidToken('missing_token'),
      headers: { 'www-authenticate': 'Bearer, DPoP algs="ES256 ES384 ES512 PS256 PS384 PS512 RS256 RS384 RS512 EdDSA Ed25519"' },
    });
  });

  it('refuses another scheme, a malformed header and a token that is not ours', async () => {
    const token = await issue();
    for (const header of ['Basic d29ya2VyOnM=', 'Bearer', 'Bearer a b', `Bearer  ${token} x`, 'Token abc', '']) {
      await expect(server.verifyAccessToken(header)).rejects.toMatchObject({
        ...invalidToken('token_invalid'),
        headers: { 'www-authenticate': expect.stringMatching(/^Bearer error="invalid_token", error_description="[^"]*"$/) },
      });
    }
    const tampered = `${token.slice(0, -6)}AAAAAA`;
    await expect(server.verifyAccessToken(`Bearer ${tampered}`)).rejects.toMatchObject(invalidToken('token_invalid'));
    await expect(server.verifyAccessToken(`Bearer ${'a'.repeat(16_385)}`)).rejects.toMatchObject(invalidToken('token_invalid'));
  });

  it('refuses a client assertion or grant presented as an access token', async () => {
    const assertion = await sign(workerKey, clientClaims(clock, 'worker'));
    await expect(server.verifyAccessToken(`Bearer ${assertion}`)).rejects.toMatchObject(invalidToken('token_invalid'));
  });

  it('refuses a token signed by our key but typed otherwise or missing claims', async () => {
    const signingKey = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
    const own = await makeServer({ now: clock.now, signingKey });
    const kid = (own.jwks.keys[0] as JWK).kid as string;
    const now = clock.seconds();
    const claims = { iss: ISSUER, sub: 'x', aud: ISSUER, iat: now, exp: now + 60, jti: 'j' };
    const forge = async (header: object, body: object) =>
      new SignJWT(body as never).setProtectedHeader({ alg: 'ES256', kid, ...header }).sign(await (await import('jose')).importJWK(signingKey, 'ES256'));
    await expect(own.verifyAccessToken(`Bearer ${await forge({ typ: 'at+jwt' }, claims)}`)).resolves.toMatchObject({ sub: 'x' });
    await expect(own.verifyAccessToken(`Bearer ${await forge({ typ: 'JWT' }, claims)}`)).rejects.toMatchObject(invalidToken('token_invalid'));
    await expect(own.verifyAccessToken(`Bearer ${await forge({ typ: 'at+jwt' }, { ...claims, jti: undefined })}`)).rejects.toMatchObject(invalidToken('token_invalid'));
    await expect(own.verifyAccessToken(`Bearer ${await forge({ typ: 'at+jwt' }, { ...claims, iss: 'https://other' })}`)).rejects.toMatchObject(invalidToken('token_invalid'));
  });

  it('refuses an expired token with token_expired, after the clock tolerance', async () => {
    const token = await issue();
    clock.advance(300 + 29);
    try {
      await expect(server.verifyAccessToken(`Bearer ${token}`)).resolves.toBeDefined();
      clock.advance(2);
      await expect(server.verifyAccessToken(`Bearer ${token}`)).rejects.toMatchObject({
        ...invalidToken('token_expired'),
        headers: { 'www-authenticate': 'Bearer error="invalid_token", error_description="the access token has expired"' },
      });
    } finally {
      clock.advance(-331);
    }
  });
});
