import request from 'supertest';
import { randomBytes } from 'node:crypto';
import { JWT_BEARER_GRANT_TYPE } from '@rfc7523/core';
import { targets } from './targets.js';
import { clientAssertion, clientAuth, ISSUER, useDemo } from './support/fixture.js';
import { expectOAuthError, postToken } from './support/http.js';

describe.each(targets)('request shape, metadata and protected routes on $name', (target) => {
  const t = useDemo(target);
  const clock = t.clock;

  it('R0 answers unsupported_grant_type to a request with no credentials and an unknown grant', async () => {
    expectOAuthError(await postToken(t.demo.url, { grant_type: 'password', username: 'u' }), 400, 'unsupported_grant_type');
  });

  it('R1 compares grant_type exactly', async () => {
    const res = await postToken(t.demo.url, { grant_type: JWT_BEARER_GRANT_TYPE.toUpperCase(), assertion: 'x.y.z' });
    expectOAuthError(res, 400, 'unsupported_grant_type');
    expectOAuthError(await postToken(t.demo.url, { assertion: 'x.y.z' }), 400, 'invalid_request');
  });

  it('R3 refuses a repeated parameter', async () => {
    expectOAuthError(await postToken(t.demo.url, 'grant_type=client_credentials&grant_type=client_credentials'), 400, 'invalid_request');
  });

  it('R7 answers 405 to another method and invalid_request to another body type', async () => {
    for (const method of ['get', 'put', 'delete'] as const) {
      const res = await request(t.demo.url)[method]('/token');
      expectOAuthError(res, 405, 'invalid_request');
    }
    const json = await request(t.demo.url).post('/token').set('content-type', 'application/json').send('{"grant_type":"client_credentials"}');
    expectOAuthError(json, 400, 'invalid_request');
    expectOAuthError(await request(t.demo.url).post('/token'), 400, 'invalid_request');
  });

  it('R7 ignores unknown parameters', async () => {
    const res = await postToken(t.demo.url, { grant_type: 'client_credentials', ...clientAuth(await clientAssertion(t.keys.es, 'es-client', clock)), foo: 'bar' });
    expect(res.status).toBe(200);
  });

  it('R8 refuses an oversized body with 413 and an oversized assertion before any crypto', async () => {
    const big = await postToken(t.demo.url, `grant_type=client_credentials&pad=${'a'.repeat(70_000)}`);
    expect(big.status).toBe(413);
    expect(big.body.error).toBe('invalid_request');
    // The unread rest of the body must not be taken for the next request on the connection.
    expect(big.headers.connection).toBe('close');
    const assertion = `${'a'.repeat(17_000)}.b.c`;
    expectOAuthError(await postToken(t.demo.url, { grant_type: JWT_BEARER_GRANT_TYPE, assertion }), 400, 'invalid_request');
  });

  it('never answers garbage bodies with a 5xx or a stack trace', async () => {
    const bodies = [
      '%', '%%%', '&&&=', '=x', 'grant_type', '\u0000\u0001', 'grant_type=%E0%A4%A', 'a[b]=c&a[c]=d',
      `grant_type=${JWT_BEARER_GRANT_TYPE}&assertion=${'.'.repeat(5000)}`,
      `grant_type=client_credentials&client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer&client_assertion=eyJ.eyJ.x`,
      randomBytes(2048).toString('latin1'),
    ];
    for (const body of bodies) {
      const res = await postToken(t.demo.url, body);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.text).not.toMatch(/at .*\.(js|ts):\d+/);
    }
  });

  it('P4 serves RFC 8414 metadata naming the grant, private_key_jwt and only asymmetric algorithms', async () => {
    const res = await request(t.demo.url).get('/.well-known/oauth-authorization-server');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ issuer: ISSUER, token_endpoint: `${ISSUER}/token`, jwks_uri: `${ISSUER}/jwks` });
    expect(res.body.grant_types_supported).toEqual(expect.arrayContaining([JWT_BEARER_GRANT_TYPE, 'client_credentials']));
    expect(res.body.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt']);
    const algs: string[] = res.body.token_endpoint_auth_signing_alg_values_supported;
    expect(algs).toEqual(expect.arrayContaining(['RS256', 'ES256', 'EdDSA', 'Ed25519']));
    expect(algs.filter((a) => /^(none|HS)/i.test(a))).toEqual([]);
  });

  it('serves the public access-token keys at /jwks, without private members', async () => {
    const res = await request(t.demo.url).get('/jwks');
    expect(res.status).toBe(200);
    expect(res.body.keys).toHaveLength(1);
    expect(res.body.keys[0]).toMatchObject({ use: 'sig', kid: expect.any(String), alg: expect.any(String) });
    expect(res.body.keys[0].d).toBeUndefined();
  });

  it('protects /api/whoami with a Bearer challenge', async () => {
    const none = await request(t.demo.url).get('/api/whoami');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    const bad = await request(t.demo.url).get('/api/whoami').set('authorization', 'Bearer abc.def.ghi');
    expect(bad.status).toBe(401);
    expect(bad.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
    const assertion = await clientAssertion(t.keys.es, 'es-client', clock);
    // A client assertion is not an access token.
    const wrong = await request(t.demo.url).get('/api/whoami').set('authorization', `Bearer ${assertion}`);
    expect(wrong.status).toBe(401);
  });

  it('refuses an access token once it has expired', async () => {
    const res = await postToken(t.demo.url, { grant_type: 'client_credentials', ...clientAuth(await clientAssertion(t.keys.es, 'es-client', clock)) });
    const token = res.body.access_token as string;
    expect((await request(t.demo.url).get('/api/whoami').set('authorization', `Bearer ${token}`)).status).toBe(200);
    clock.advance(300 + 31);
    const late = await request(t.demo.url).get('/api/whoami').set('authorization', `Bearer ${token}`);
    expect(late.status).toBe(401);
    expect(late.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });
});
