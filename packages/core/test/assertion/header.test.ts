import { createHmac, generateKeyPairSync } from 'node:crypto';
import { CompactSign, FlattenedSign, type JWK } from 'jose';
import { createAuthorizationServer, type AuthorizationServer } from '@rfc7523/core';
import {
  b64u,
  clientClaims,
  clientCredentials,
  frozenClock,
  grantClaims,
  ISSUER,
  jwks,
  jwtBearer,
  makeKey,
  makeServer,
  rawToken,
  sign,
  type TestKey,
} from '../support/fixtures.js';
import { startJwksServer, type JwksServer } from '../../../../test/support/jwks-server.js';

const clock = frozenClock();
let server: AuthorizationServer;
let rsa: TestKey;
let ec256: TestKey;
let ec384: TestKey;
let ec521: TestKey;
let ed: TestKey;
let attacker: TestKey;
let attackerJwks: JwksServer;

const invalidGrant = (reason: string) => ({ error: 'invalid_grant', status: 400, reason });
const invalidClient = (reason: string) => ({ error: 'invalid_client', status: 401, reason });

beforeAll(async () => {
  rsa = await makeKey('RS256', 'rsa');
  ec256 = await makeKey('ES256', 'ec256');
  ec384 = await makeKey('ES384', 'ec384');
  ec521 = await makeKey('ES512', 'ec521');
  ed = await makeKey('EdDSA', 'ed');
  attacker = await makeKey('ES256', 'evil');
  attackerJwks = await startJwksServer([attacker.publicJwk]);
  server = await makeServer({
    now: clock.now,
    trustedIssuers: [
      { issuer: 'multi', jwks: jwks(rsa, ec256, ec384, ec521, ed), allow_any_subject: true, scope: 'read' },
      { issuer: 'single', jwks: jwks(ec256), allow_any_subject: true },
      { issuer: 'labelled-eddsa', jwks: { keys: [{ ...ed.publicJwk, alg: 'EdDSA' }] }, allow_any_subject: true },
      { issuer: 'labelled-ed25519', jwks: { keys: [{ ...ed.publicJwk, alg: 'Ed25519' }] }, allow_any_subject: true },
    ],
    clients: [{ client_id: 'rsa-client', jwks: jwks(rsa, ed) }],
  });
});

afterAll(() => attackerJwks.close());

const grantFrom = (issuer: string, extra = {}) => grantClaims(clock, issuer, 'alice', extra);

describe('J9 signature algorithms', () => {
  const algorithms: Array<[string, () => TestKey]> = [
    ['RS256', () => rsa],
    ['RS384', () => rsa],
    ['RS512', () => rsa],
    ['PS256', () => rsa],
    ['PS384', () => rsa],
    ['PS512', () => rsa],
    ['ES256', () => ec256],
    ['ES384', () => ec384],
    ['ES512', () => ec521],
    ['EdDSA', () => ed],
    ['Ed25519', () => ed],
  ];

  it.each(algorithms)('J9 accepts a grant assertion signed with %s', async (alg, key) => {
    const token = await sign(key(), grantFrom('multi'), { alg });
    await expect(server.exchange(jwtBearer(token))).resolves.toMatchObject({ token_type: 'Bearer', scope: 'read' });
  });

  it('J9 RS256 (mandatory to implement) works for client authentication', async () => {
    const token = await sign(rsa, clientClaims(clock, 'rsa-client'));
    await expect(server.authenticateClient(clientCredentials(token))).resolves.toMatchObject({ clientId: 'rsa-client' });
  });

  it('J9 accepts an Ed25519 client key under both names, EdDSA and the fully-specified Ed25519 (RFC 9864)', async () => {
    for (const alg of ['EdDSA', 'Ed25519']) {
      const token = await sign(ed, clientClaims(clock, 'rsa-client'), { alg });
      await expect(server.authenticateClient(clientCredentials(token))).resolves.toMatchObject({ clientId: 'rsa-client' });
    }
  });

  it('J9 accepts an Ed25519 key whatever name its registration labels it with', async () => {
    const outcomes: string[] = [];
    for (const issuer of ['labelled-eddsa', 'labelled-ed25519']) {
      for (const alg of ['EdDSA', 'Ed25519']) {
        const token = await sign(ed, grantFrom(issuer), { alg });
        outcomes.push(`${issuer} ${alg}: ${await server.exchange(jwtBearer(token)).then(() => 'ok', (e: { reason: string }) => e.reason)}`);
      }
    }
    expect(outcomes).toEqual(['labelled-eddsa EdDSA: ok', 'labelled-eddsa Ed25519: ok', 'labelled-ed25519 EdDSA: ok', 'labelled-ed25519 Ed25519: ok']);
  });

  it('J9 rejects alg none in any letter case', async () => {
    for (const alg of ['none', 'NONE', 'None', 'nOnE']) {
      const withSignature = rawToken({ alg, kid: 'ec256' }, grantFrom('multi'), b64u('x'));
      await expect(server.exchange(jwtBearer(withSignature))).rejects.toMatchObject(invalidGrant('alg_not_allowed'));
      const client = rawToken({ alg }, clientClaims(clock, 'rsa-client'), b64u('x'));
      await expect(server.exchange(clientCredentials(client))).rejects.toMatchObject(invalidClient('alg_not_allowed'));
      // The classic unsigned form has an empty signature segment: not even a well-formed JWS here.
      const unsigned = `${b64u({ alg })}.${b64u(grantFrom('multi'))}.`;
      await expect(server.exchange(jwtBearer(unsigned))).rejects.toMatchObject(invalidGrant('malformed_jwt'));
    }
  });

  it('J9 rejects every HS* algorithm, including HS256 keyed with the RSA public key', async () => {
    const pem = (await import('node:crypto')).createPublicKey({ key: rsa.publicJwk as JWK & { kty: string }, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    for (const alg of ['HS256', 'HS384', 'HS512']) {
      const input = `${b64u({ alg, kid: 'rsa' })}.${b64u(grantFrom('multi'))}`;
      const mac = createHmac(`sha${alg.slice(2)}`, pem).update(input).digest('base64url');
      await expect(server.exchange(jwtBearer(`${input}.${mac}`))).rejects.toMatchObject(invalidGrant('alg_not_allowed'));
    }
    const input = `${b64u({ alg: 'HS256' })}.${b64u(clientClaims(clock, 'rsa-client'))}`;
    const mac = createHmac('sha256', JSON.stringify(rsa.publicJwk)).update(input).digest('base64url');
    await expect(server.exchange(clientCredentials(`${input}.${mac}`))).rejects.toMatchObject(invalidClient('alg_not_allowed'));
  });

  it('J9 rejects a missing alg and algorithms outside the list', async () => {
    for (const header of [{ kid: 'ec256' }, { alg: 'ES256K', kid: 'ec256' }, { alg: 'RS1', kid: 'rsa' }, { alg: 'ML-DSA-44' }, { alg: 7 }, { alg: 'es256' }]) {
      const token = rawToken(header, grantFrom('multi'));
      await expect(server.exchange(jwtBearer(token))).rejects.toMatchObject(invalidGrant('alg_not_allowed'));
    }
  });

  it('J9 rejects an alg that does not fit the key the kid names', async () => {
    const es384WithP256 = rawToken({ alg: 'ES384', kid: 'ec256' }, grantFrom('multi'));
    await expect(server.exchange(jwtBearer(es384WithP256))).rejects.toMatchObject(invalidGrant('key_not_found'));
    const rsWithEc = rawToken({ alg: 'RS256', kid: 'ec256' }, grantFrom('multi'));
    await expect(server.exchange(jwtBearer(rsWithEc))).rejects.toMatchObject(invalidGrant('key_not_found'));
  });

  it('J9 rejects a signature that does not verify (tampered claims)', async () => {
    const token = await sign(ec256, grantFrom('multi'));
    const [h, , s] = token.split('.');
    const tampered = `${h}.${b64u(grantFrom('multi', { sub: 'mallory' }))}.${s}`;
    await expect(server.exchange(jwtBearer(tampered))).rejects.toMatchObject(invalidGrant('signature_invalid'));
  });

  it('J9 refuses an RSA key shorter than 2048 bits at configuration', async () => {
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const small = { ...(publicKey.export({ format: 'jwk' }) as JWK), kid: 'small' };
    const create = (keys: JWK[]) =>
      createAuthorizationServer({ issuer: ISSUER, clients: [{ client_id: 'c', jwks: { keys } }] });
    await expect(create([small])).rejects.toThrow(TypeError);
    await expect(create([small])).rejects.toMatchObject({ name: 'ConfigurationError', field: 'clients[0].jwks.keys[0]' });
    await expect(create([small])).rejects.toThrow(/at least 2048 bits/);
    await expect(
      createAuthorizationServer({ issuer: ISSUER, trustedIssuers: [{ issuer: 'i', jwks: { keys: [small] }, allow_any_subject: true }] }),
    ).rejects.toMatchObject({ field: 'trustedIssuers[0].jwks.keys[0]' });
  });
});

describe('J10 keys come only from the registration', () => {
  it('J10 ignores a jwk header: an attacker key embedded in the token is never used', async () => {
    const token = await sign(attacker, grantFrom('single'), { kid: undefined, jwk: attacker.publicJwk });
    await expect(server.exchange(jwtBearer(token))).rejects.toMatchObject(invalidGrant('signature_invalid'));
    const withKid = await sign(attacker, grantFrom('single'), { jwk: attacker.publicJwk });
    await expect(server.exchange(jwtBearer(withKid))).rejects.toMatchObject(invalidGrant('key_not_found'));
  });

  it('J10 never fetches jku or x5u, and never uses x5c', async () => {
    const before = attackerJwks.requests;
    const jku = await sign(attacker, grantFrom('single'), { jku: attackerJwks.uri });
    await expect(server.exchange(jwtBearer(jku))).rejects.toMatchObject(invalidGrant('key_not_found'));
    const x5u = await sign(attacker, grantFrom('single'), { kid: undefined, x5u: attackerJwks.uri });
    await expect(server.exchange(jwtBearer(x5u))).rejects.toMatchObject(invalidGrant('signature_invalid'));
    const x5c = await sign(attacker, grantFrom('single'), { kid: undefined, x5c: [b64u('not a certificate')] });
    await expect(server.exchange(jwtBearer(x5c))).rejects.toMatchObject(invalidGrant('signature_invalid'));
    expect(attackerJwks.requests).toBe(before);
  });

  it("J1 J10 a grant must be signed with the key of the issuer it names, not another trusted issuer's", async () => {
    const token = await sign(rsa, grantFrom('single'));
    await expect(server.exchange(jwtBearer(token))).rejects.toMatchObject(invalidGrant('key_not_found'));
  });
});

describe('J11 crit', () => {
  it('J11 rejects a crit header naming an extension we do not understand', async () => {
    const payload = new TextEncoder().encode(JSON.stringify(grantFrom('single')));
    const token = await new CompactSign(payload)
      .setProtectedHeader({ alg: 'ES256', kid: 'ec256', crit: ['x-policy'], 'x-policy': 1 })
      .sign(ec256.privateKey, { crit: { 'x-policy': true } });
    await expect(server.exchange(jwtBearer(token))).rejects.toMatchObject(invalidGrant('crit_not_understood'));
  });

  it('J11 rejects crit even when it lists a registered header, and rejects b64', async () => {
    for (const header of [{ alg: 'ES256', kid: 'ec256', crit: ['exp'], exp: 1 }, { alg: 'ES256', kid: 'ec256', crit: [] }, { alg: 'ES256', kid: 'ec256', b64: true }]) {
      const token = rawToken(header, grantFrom('single'));
      await expect(server.exchange(jwtBearer(token))).rejects.toMatchObject(invalidGrant('crit_not_understood'));
    }
    const client = rawToken({ alg: 'RS256', crit: ['x'] }, clientClaims(clock, 'rsa-client'));
    await expect(server.exchange(clientCredentials(client))).rejects.toMatchObject(invalidClient('crit_not_understood'));
  });
});

describe('J12 explicit typing of grant assertions', () => {
  it('J12 accepts typ absent, JWT and application/jwt on a grant', async () => {
    for (const typ of [undefined, 'JWT', 'jwt', 'application/JWT']) {
      const token = await sign(ec256, grantFrom('single'), typ === undefined ? {} : { typ });
      await expect(server.exchange(jwtBearer(token))).resolves.toBeDefined();
    }
  });

  it('J12 rejects a client-authentication+jwt token presented as a grant', async () => {
    for (const typ of ['client-authentication+jwt', 'application/client-authentication+jwt']) {
      const token = await sign(ec256, grantFrom('single'), { typ });
      await expect(server.exchange(jwtBearer(token))).rejects.toMatchObject(invalidGrant('typ_not_allowed'));
    }
  });

  it('J12 rejects at+jwt, dpop+jwt and other types on a grant', async () => {
    for (const typ of ['at+jwt', 'dpop+jwt', 'JOSE', 'logout+jwt']) {
      const token = await sign(ec256, grantFrom('single'), { typ });
      await expect(server.exchange(jwtBearer(token))).rejects.toMatchObject(invalidGrant('typ_not_allowed'));
    }
  });
});

describe('J13 only compact JWS', () => {
  it('J13 rejects a five-segment JWE', async () => {
    const jwe = `${b64u({ alg: 'RSA-OAEP-256', enc: 'A256GCM' })}.${b64u('k')}.${b64u('iv')}.${b64u('ct')}.${b64u('tag')}`;
    await expect(server.exchange(jwtBearer(jwe))).rejects.toMatchObject(invalidGrant('jwe_not_supported'));
    await expect(server.exchange(clientCredentials(jwe))).rejects.toMatchObject(invalidClient('jwe_not_supported'));
  });

  it('J13 rejects the JSON serialization', async () => {
    const flattened = await new FlattenedSign(new TextEncoder().encode(JSON.stringify(grantFrom('single'))))
      .setProtectedHeader({ alg: 'ES256', kid: 'ec256' })
      .sign(ec256.privateKey);
    await expect(server.exchange(jwtBearer(JSON.stringify(flattened)))).rejects.toMatchObject(invalidGrant('malformed_jwt'));
    const general = JSON.stringify({ payload: flattened.payload, signatures: [{ protected: flattened.protected, signature: flattened.signature }] });
    await expect(server.exchange(jwtBearer(general))).rejects.toMatchObject(invalidGrant('malformed_jwt'));
  });

  it('J13 rejects characters outside base64url and "."', async () => {
    const token = await sign(ec256, grantFrom('single'));
    const [h, c, s] = token.split('.') as [string, string, string];
    const variants = [`${h}.${c}.${s}=`, `${h}=.${c}.${s}`, ` ${token}`, `${token}\n`, `${h}.${c}+.${s}`, `${h}.${c}/.${s}`, `${h}..${c}.${s}`, `${h}.${c}`, `${token}.`, `${h}.${c}.${s}.x`];
    for (const variant of variants) {
      await expect(server.exchange(jwtBearer(variant))).rejects.toMatchObject(invalidGrant('malformed_jwt'));
    }
  });

  it('J13 rejects a header or claims set that is not a JSON object', async () => {
    for (const [header, claims] of [
      ['[]', JSON.stringify(grantFrom('single'))],
      ['"ES256"', JSON.stringify(grantFrom('single'))],
      ['null', JSON.stringify(grantFrom('single'))],
      ['{"alg":"ES256"', JSON.stringify(grantFrom('single'))],
      [JSON.stringify({ alg: 'ES256', kid: 'ec256' }), '[1,2]'],
      [JSON.stringify({ alg: 'ES256', kid: 'ec256' }), '42'],
      [JSON.stringify({ alg: 'ES256', kid: 'ec256' }), 'not json'],
    ] as Array<[string, string]>) {
      await expect(server.exchange(jwtBearer(rawToken(header, claims)))).rejects.toMatchObject(invalidGrant('malformed_jwt'));
    }
  });

  it('J13 rejects duplicate member names in the header or the claims set, even when signed', async () => {
    const claims = JSON.stringify(grantFrom('single'));
    const dupClaims = `${claims.slice(0, -1)},"sub":"admin"}`;
    const signedDup = await new CompactSign(new TextEncoder().encode(dupClaims)).setProtectedHeader({ alg: 'ES256', kid: 'ec256' }).sign(ec256.privateKey);
    await expect(server.exchange(jwtBearer(signedDup))).rejects.toMatchObject(invalidGrant('duplicate_member'));
    const dupHeader = rawToken('{"alg":"ES256","kid":"ec256","alg":"none"}', claims);
    await expect(server.exchange(jwtBearer(dupHeader))).rejects.toMatchObject(invalidGrant('duplicate_member'));
  });
});
