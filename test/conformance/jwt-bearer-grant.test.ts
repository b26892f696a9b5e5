import request from 'supertest';
import { JWT_BEARER_GRANT_TYPE } from '@rfc7523/core';
import { targets } from './targets.js';
import { clientAssertion, clientAuth, ISSUER, mint, type MintOptions, TOKEN_ENDPOINT, useDemo } from './support/fixture.js';
import { expectOAuthError, postToken } from './support/http.js';

const CI = 'https://ci.conformance.test';
const MAIN = 'repo:acme/api:ref:refs/heads/main';

describe.each(targets)('the jwt-bearer authorization grant on $name', (target) => {
  const t = useDemo(target);
  const clock = t.clock;

  const ciAssertion = (options?: MintOptions) => mint(t.keys.issuer, clock, { iss: CI, sub: MAIN, aud: ISSUER }, options);
  const grant = (assertion: string, extra: Record<string, string> = {}) =>
    postToken(t.demo.url, { grant_type: JWT_BEARER_GRANT_TYPE, assertion, ...extra });

  it('issues a token for a trusted issuer, subject in its list, without client authentication', async () => {
    const res = await grant(await ciAssertion());
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'deploy read' });
    const who = await request(t.demo.url).get('/api/whoami').set('authorization', `Bearer ${res.body.access_token}`);
    expect(who.body).toMatchObject({ sub: MAIN, scope: 'deploy read' });
    expect(who.body.client_id).toBeUndefined();
  });

  it('P3 caps the access token lifetime at the grant assertion exp', async () => {
    const res = await grant(await ciAssertion({ claims: { exp: clock.seconds() + 45 } }));
    expect(res.status).toBe(200);
    expect(res.body.expires_in).toBe(45);
  });

  it('J3 accepts the issuer identifier or the token endpoint URL, alone or in an array', async () => {
    for (const aud of [ISSUER, TOKEN_ENDPOINT, ['https://other.example', TOKEN_ENDPOINT]]) {
      expect((await grant(await ciAssertion({ claims: { aud } }))).status).toBe(200);
    }
    expectOAuthError(await grant(await ciAssertion({ claims: { aud: 'https://other.example' } })), 400, 'invalid_grant');
  });

  it('J1 refuses an issuer that is not trusted, and a trusted issuer signing with another key', async () => {
    expectOAuthError(await grant(await mint(t.keys.issuer, clock, { iss: 'https://evil.example', sub: MAIN, aud: ISSUER })), 400, 'invalid_grant');
    // any-signer's key, claiming to be the CI issuer (RFC 8725 §3.8).
    const forged = await mint({ ...t.keys.anyIssuer, kid: 'iss-1' }, clock, { iss: CI, sub: MAIN, aud: ISSUER });
    expectOAuthError(await grant(forged), 400, 'invalid_grant');
  });

  it('J2 refuses a subject the issuer may not assert; any subject when allowed', async () => {
    expectOAuthError(await grant(await ciAssertion({ claims: { sub: 'repo:acme/api:ref:refs/heads/feature' } })), 400, 'invalid_grant');
    const res = await grant(await mint(t.keys.anyIssuer, clock, { iss: 'any-signer', sub: 'report-job-7', aud: ISSUER }));
    expect(res.status).toBe(200);
  });

  it('J6 applies the per-issuer maximum lifetime', async () => {
    expectOAuthError(await grant(await ciAssertion({ claims: { exp: clock.seconds() + 601 } })), 400, 'invalid_grant');
  });

  it('J7 refuses a replayed grant; without jti, replay is keyed on the signature', async () => {
    const assertion = await ciAssertion();
    expect((await grant(assertion)).status).toBe(200);
    expectOAuthError(await grant(assertion), 400, 'invalid_grant');
    expectOAuthError(await grant(await ciAssertion({ omit: ['jti'] })), 400, 'invalid_grant');
    const noJti = await mint(t.keys.anyIssuer, clock, { iss: 'any-signer', sub: 'job', aud: ISSUER }, { omit: ['jti'] });
    expect((await grant(noJti)).status).toBe(200);
    expectOAuthError(await grant(noJti), 400, 'invalid_grant');
  });

  it('J12 refuses a client-authentication+jwt token presented as a grant', async () => {
    expectOAuthError(await grant(await ciAssertion({ header: { typ: 'client-authentication+jwt' } })), 400, 'invalid_grant');
  });

  it('R2 treats a missing or empty assertion as invalid_request', async () => {
    expectOAuthError(await postToken(t.demo.url, { grant_type: JWT_BEARER_GRANT_TYPE }), 400, 'invalid_request');
    expectOAuthError(await grant(''), 400, 'invalid_request');
  });

  it('R3 refuses two assertions in one request', async () => {
    const a = await ciAssertion();
    const body = `grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}&assertion=${a}&assertion=${a}`;
    expectOAuthError(await postToken(t.demo.url, body), 400, 'invalid_request');
  });

  it('R9 validates client credentials sent with a grant, and intersects the scopes', async () => {
    const res = await grant(await ciAssertion(), clientAuth(await clientAssertion(t.keys.es, 'es-client', clock)));
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('deploy read');
    const who = await request(t.demo.url).get('/api/whoami').set('authorization', `Bearer ${res.body.access_token}`);
    expect(who.body).toMatchObject({ sub: MAIN, client_id: 'es-client' });
  });

  it('R0 answers invalid_client for a bad client assertion before looking at the grant', async () => {
    const badClient = await clientAssertion(t.keys.es, 'es-client', clock, { claims: { aud: 'https://wrong.example' } });
    expectOAuthError(await grant('not-a-jwt', clientAuth(badClient)), 401, 'invalid_client');
  });

  it('R10 refuses a scope beyond the issuer ceiling with invalid_scope, without using up the assertion', async () => {
    const assertion = await ciAssertion();
    expectOAuthError(await grant(assertion, { scope: 'deploy admin' }), 400, 'invalid_scope');
    const res = await grant(assertion, { scope: 'deploy' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('deploy');
  });

  it('R11 ignores an unregistered client_id sent without credentials', async () => {
    expect((await grant(await ciAssertion(), { client_id: 'someone-unknown' })).status).toBe(200);
    expectOAuthError(await grant(await ciAssertion(), { client_id: 'es-client' }), 401, 'invalid_client');
  });
});
