import request from 'supertest';
import { CompactSign, exportJWK, generateKeyPair } from 'jose';
import { targets } from './targets.js';
import { clientAssertion, clientAuth, ISSUER, signRawEs256, TOKEN_ENDPOINT, useDemo } from './support/fixture.js';
import { expectOAuthError, postToken } from './support/http.js';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

describe.each(targets)('client authentication with private_key_jwt on $name', (target) => {
  const t = useDemo(target);
  const clock = t.clock;

  const cc = async (assertion: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) =>
    postToken(t.demo.url, { grant_type: 'client_credentials', ...clientAuth(assertion), ...extra }, headers);

  it('P1 issues a Bearer token for client_credentials with no-store headers', async () => {
    const res = await cc(await clientAssertion(t.keys.es, 'es-client', clock));
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['pragma']).toBe('no-cache');
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 300, scope: 'read write deploy' });
    const who = await request(t.demo.url).get('/api/whoami').set('authorization', `Bearer ${res.body.access_token}`);
    expect(who.status).toBe(200);
    expect(who.body).toMatchObject({ sub: 'es-client', client_id: 'es-client', scope: 'read write deploy' });
  });

  it('P3 issues RFC 9068 access tokens (typ at+jwt, iss, aud, client_id, jti)', async () => {
    const res = await cc(await clientAssertion(t.keys.es, 'es-client', clock));
    const [header, payload] = (res.body.access_token as string).split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    expect(header.typ).toBe('at+jwt');
    expect(payload).toMatchObject({ iss: ISSUER, sub: 'es-client', aud: ISSUER, client_id: 'es-client' });
    expect(typeof payload.jti).toBe('string');
    expect(payload.exp - payload.iat).toBe(300);
  });

  it('J9 accepts RS256, EdDSA and the fully-specified Ed25519 name', async () => {
    expect((await cc(await clientAssertion(t.keys.rsa, 'rsa-client', clock))).status).toBe(200);
    const typ = { header: { typ: 'client-authentication+jwt' } };
    expect((await cc(await clientAssertion(t.keys.ed, 'ed-client', clock, typ))).status).toBe(200);
    const ed25519 = { ...t.keys.ed, alg: 'Ed25519' };
    expect((await cc(await clientAssertion(ed25519, 'ed-client', clock, typ))).status).toBe(200);
  });

  it('R10 narrows to the requested scope and refuses more than allowed with invalid_scope', async () => {
    const ok = await cc(await clientAssertion(t.keys.es, 'es-client', clock), { scope: 'read' });
    expect(ok.body.scope).toBe('read');
    expectOAuthError(await cc(await clientAssertion(t.keys.es, 'es-client', clock), { scope: 'read admin' }), 400, 'invalid_scope');
  });

  it('J3 rejects the token endpoint URL as client-assertion audience', async () => {
    const res = await cc(await clientAssertion(t.keys.es, 'es-client', clock, { claims: { aud: TOKEN_ENDPOINT } }));
    expectOAuthError(res, 401, 'invalid_client');
    expect(res.headers['www-authenticate']).toBeUndefined();
  });

  it('J3 rejects an audience array with another member, accepts the issuer alone in an array', async () => {
    expectOAuthError(await cc(await clientAssertion(t.keys.es, 'es-client', clock, { claims: { aud: [ISSUER, 'https://evil.example'] } })), 401, 'invalid_client');
    expect((await cc(await clientAssertion(t.keys.es, 'es-client', clock, { claims: { aud: [ISSUER] } }))).status).toBe(200);
  });

  it('J3 rejects an audience with a trailing slash or another case', async () => {
    expectOAuthError(await cc(await clientAssertion(t.keys.es, 'es-client', clock, { claims: { aud: `${ISSUER}/` } })), 401, 'invalid_client');
    expectOAuthError(await cc(await clientAssertion(t.keys.es, 'es-client', clock, { claims: { aud: ISSUER.toUpperCase() } })), 401, 'invalid_client');
  });

  it('J3 accepts the token endpoint URL only for a client with the legacy switch', async () => {
    expect((await cc(await clientAssertion(t.keys.legacy, 'legacy-client', clock, { claims: { aud: TOKEN_ENDPOINT } }))).status).toBe(200);
  });

  it('J1 J2 reject iss or sub that differ from the client_id', async () => {
    expectOAuthError(await cc(await clientAssertion(t.keys.es, 'es-client', clock, { claims: { iss: 'other' } })), 401, 'invalid_client');
    expectOAuthError(await cc(await clientAssertion(t.keys.es, 'es-client', clock, { omit: ['sub'] })), 401, 'invalid_client');
  });

  it('R5 rejects a client_id that differs from the assertion sub', async () => {
    const res = await cc(await clientAssertion(t.keys.es, 'es-client', clock), { client_id: 'rsa-client' });
    expectOAuthError(res, 401, 'invalid_client');
    expect((await cc(await clientAssertion(t.keys.es, 'es-client', clock), { client_id: 'es-client' })).status).toBe(200);
  });

  it('J4 requires exp and refuses an expired assertion beyond the tolerance', async () => {
    expectOAuthError(await cc(await clientAssertion(t.keys.es, 'es-client', clock, { omit: ['exp'] })), 401, 'invalid_client');
    const old = { claims: { iat: clock.seconds() - 120, exp: clock.seconds() - 31 } };
    expectOAuthError(await cc(await clientAssertion(t.keys.es, 'es-client', clock, old)), 401, 'invalid_client');
    const justExpired = { claims: { iat: clock.seconds() - 60, exp: clock.seconds() - 10 } };
    expect((await cc(await clientAssertion(t.keys.es, 'es-client', clock, justExpired))).status).toBe(200);
  });

  it('J4 J5 accept nbf and iat 8 s in the future, refuse them beyond the tolerance', async () => {
    const soon = { claims: { iat: clock.seconds() + 8, nbf: clock.seconds() + 8, exp: clock.seconds() + 60 } };
    expect((await cc(await clientAssertion(t.keys.es, 'es-client', clock, soon))).status).toBe(200);
    const nbf = { claims: { nbf: clock.seconds() + 120, exp: clock.seconds() + 180 } };
    expectOAuthError(await cc(await clientAssertion(t.keys.es, 'es-client', clock, nbf)), 401, 'invalid_client');
    const iat = { claims: { iat: clock.seconds() + 120, exp: clock.seconds() + 180 } };
    expectOAuthError(await cc(await clientAssertion(t.keys.es, 'es-client', clock, iat)), 401, 'invalid_client');
  });

  it('J5 rejects exp, nbf or iat that are not numbers', async () => {
    for (const claims of [{ exp: String(clock.seconds() + 60) }, { iat: 'yesterday' }, { nbf: null }]) {
      expectOAuthError(await cc(await clientAssertion(t.keys.es, 'es-client', clock, { claims })), 401, 'invalid_client');
    }
  });

  it('J6 refuses an assertion that lives longer than the maximum lifetime', async () => {
    const long = { claims: { exp: clock.seconds() + 3601 } };
    expectOAuthError(await cc(await clientAssertion(t.keys.es, 'es-client', clock, long)), 401, 'invalid_client');
  });

  it('J7 requires jti and refuses a replayed assertion', async () => {
    expectOAuthError(await cc(await clientAssertion(t.keys.es, 'es-client', clock, { omit: ['jti'] })), 401, 'invalid_client');
    const assertion = await clientAssertion(t.keys.es, 'es-client', clock);
    expect((await cc(assertion)).status).toBe(200);
    expectOAuthError(await cc(assertion), 401, 'invalid_client');
  });

  it('J7 gives exactly one success to 20 concurrent requests carrying one assertion', async () => {
    const assertion = await clientAssertion(t.keys.es, 'es-client', clock);
    const results = await Promise.all(Array.from({ length: 20 }, () => cc(assertion)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) expectOAuthError(r, 401, 'invalid_client');
  });

  it('J9 refuses none in any letter case and HS256 keyed with the public key', async () => {
    for (const alg of ['none', 'NONE', 'nOnE']) {
      const token = `${b64({ alg })}.${b64({ iss: 'es-client', sub: 'es-client', aud: ISSUER, exp: clock.seconds() + 60, jti: 'x' + alg })}.`;
      expectOAuthError(await cc(token), 401, 'invalid_client');
    }
    const { createHmac } = await import('node:crypto');
    const input = `${b64({ alg: 'HS256', kid: 'rsa-1' })}.${b64({ iss: 'rsa-client', sub: 'rsa-client', aud: ISSUER, exp: clock.seconds() + 60, jti: 'hs' })}`;
    const sig = createHmac('sha256', JSON.stringify(t.keys.rsa.publicJwk)).update(input).digest('base64url');
    expectOAuthError(await cc(`${input}.${sig}`), 401, 'invalid_client');
  });

  it('J9 refuses an algorithm other than the client registered', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES384');
    void publicKey;
    const other = { alg: 'ES384', kid: 'es-1', privateKey, publicJwk: {} };
    expectOAuthError(await cc(await clientAssertion(other, 'es-client', clock)), 401, 'invalid_client');
  });

  it('J10 never uses a key embedded in the header (jwk)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const attacker = { alg: 'ES256', kid: 'es-1', privateKey, publicJwk: {} };
    const res = await cc(await clientAssertion(attacker, 'es-client', clock, { header: { jwk: await exportJWK(publicKey) } }));
    expectOAuthError(res, 401, 'invalid_client');
  });

  it('J11 refuses a crit header it does not understand', async () => {
    const claims = { iss: 'es-client', sub: 'es-client', aud: ISSUER, exp: clock.seconds() + 60, jti: 'crit-1' };
    const control = await signRawEs256(t.keys.es, { alg: 'ES256', kid: 'es-1' }, claims);
    expect((await cc(control)).status).toBe(200);
    const crit = await signRawEs256(t.keys.es, { alg: 'ES256', kid: 'es-1', crit: ['exp-ext'], 'exp-ext': 1 }, { ...claims, jti: 'crit-2' });
    expectOAuthError(await cc(crit), 401, 'invalid_client');
  });

  it('J12 accepts typ JWT and client-authentication+jwt, refuses at+jwt and enforces a required explicit typ', async () => {
    for (const typ of ['JWT', 'client-authentication+jwt', 'application/Client-Authentication+JWT']) {
      expect((await cc(await clientAssertion(t.keys.es, 'es-client', clock, { header: { typ } }))).status).toBe(200);
    }
    expectOAuthError(await cc(await clientAssertion(t.keys.es, 'es-client', clock, { header: { typ: 'at+jwt' } })), 401, 'invalid_client');
    expectOAuthError(await cc(await clientAssertion(t.keys.ed, 'ed-client', clock)), 401, 'invalid_client');
  });

  it('J13 refuses JWE, JSON serialization, bad characters and duplicate members', async () => {
    expectOAuthError(await cc('a.b.c.d.e'), 401, 'invalid_client');
    expectOAuthError(await cc(JSON.stringify({ payload: 'x', signatures: [] })), 401, 'invalid_client');
    const good = await clientAssertion(t.keys.es, 'es-client', clock);
    expectOAuthError(await cc(good.replace('.', '.*')), 401, 'invalid_client');
    const text = `{"iss":"es-client","sub":"es-client","aud":"${ISSUER}","exp":${clock.seconds() + 60},"jti":"dup","sub":"rsa-client"}`;
    const dup = await new CompactSign(new TextEncoder().encode(text)).setProtectedHeader({ alg: 'ES256', kid: 'es-1' }).sign(t.keys.es.privateKey);
    expectOAuthError(await cc(dup), 401, 'invalid_client');
  });

  it('R4 refuses client_assertion without its type, or with another type', async () => {
    const assertion = await clientAssertion(t.keys.es, 'es-client', clock);
    expectOAuthError(await postToken(t.demo.url, { grant_type: 'client_credentials', client_assertion: assertion }), 400, 'invalid_request');
    const other = { grant_type: 'client_credentials', client_assertion: assertion, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer' };
    expectOAuthError(await postToken(t.demo.url, other), 401, 'invalid_client');
  });

  it('R6 refuses a client assertion together with client_secret or an Authorization header', async () => {
    expectOAuthError(await cc(await clientAssertion(t.keys.es, 'es-client', clock), { client_secret: 's3cret' }), 400, 'invalid_request');
    const basic = { authorization: `Basic ${Buffer.from('es-client:s3cret').toString('base64')}` };
    expectOAuthError(await cc(await clientAssertion(t.keys.es, 'es-client', clock), {}, basic), 400, 'invalid_request');
  });

  it('P2 answers an Authorization header attempt with 401 and a matching challenge', async () => {
    const basic = { authorization: `Basic ${Buffer.from('es-client:s3cret').toString('base64')}` };
    const res = await postToken(t.demo.url, { grant_type: 'client_credentials' }, basic);
    expectOAuthError(res, 401, 'invalid_client');
    expect(res.headers['www-authenticate']).toMatch(/^Basic /);
  });

  it('R11 refuses a registered client_id sent without credentials', async () => {
    expectOAuthError(await postToken(t.demo.url, { grant_type: 'client_credentials', client_id: 'es-client' }), 401, 'invalid_client');
    expectOAuthError(await postToken(t.demo.url, { grant_type: 'client_credentials' }), 401, 'invalid_client');
  });

  it('R9 answers unauthorized_client when the client may not use the grant type', async () => {
    const res = await postToken(t.demo.url, {
      grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
      assertion: 'x.y.z',
      ...clientAuth(await clientAssertion(t.keys.rsa, 'rsa-client', clock)),
    });
    expectOAuthError(res, 400, 'unauthorized_client');
  });

  it('J10 uses a jwks_uri client key, and picks up a rotated key after the cooldown', async () => {
    expect((await cc(await clientAssertion(t.keys.rotatingA, 'rotating-client', clock))).status).toBe(200);
    const fetchesBefore = t.keys.jwks.requests;
    t.keys.jwks.keys = [t.keys.rotatingB.publicJwk];
    // The cached key keeps working until the set is refetched.
    expect((await cc(await clientAssertion(t.keys.rotatingA, 'rotating-client', clock))).status).toBe(200);
    // An unknown kid within the 30 s cooldown does not refetch.
    clock.advance(1);
    expectOAuthError(await cc(await clientAssertion(t.keys.rotatingB, 'rotating-client', clock)), 401, 'invalid_client');
    expect(t.keys.jwks.requests).toBe(fetchesBefore);
    // After the cooldown, the unknown kid triggers exactly one refetch and the new key works.
    clock.advance(31);
    expect((await cc(await clientAssertion(t.keys.rotatingB, 'rotating-client', clock))).status).toBe(200);
    expect(t.keys.jwks.requests).toBe(fetchesBefore + 1);
  });
});
