/**
 * Rules D1–D3 on every demo over real HTTP: DPoP-bound tokens are issued at /token and accepted at
 * /api/whoami only with their proof (RFC 9449 §4.3, §5, §7), every refusal with its RFC error.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { decodeJwt } from 'jose';
import { runDemo, type RunningDemo } from '@rfc7523/demo-kit';
import { dpopKey, dpopProof, hmacProof, unsecuredProof, accessTokenHash, type DpopKey, type ProofParts } from '../support/dpop-proofs.js';
import { targets } from './targets.js';
import { clientAssertion, clientAuth, Clock, ISSUER, makeKeys, TOKEN_ENDPOINT, type Keys } from './support/fixture.js';
import { expectOAuthError, postToken } from './support/http.js';

/** The URL clients address /api/whoami at: ISSUER's origin plus the path (rule D2). */
const WHOAMI = `${ISSUER}/api/whoami`;

describe.each(targets)('DPoP (RFC 9449) on $name', (target) => {
  const clock = new Clock();
  let keys: Keys;
  let demo: RunningDemo;
  let key: DpopKey;
  let otherKey: DpopKey;

  beforeAll(async () => {
    keys = await makeKeys();
    // The suite's trust file plus a client registered with dpop_bound_access_tokens (RFC 9449 §5.2).
    const config = {
      clients: [
        { client_id: 'es-client', jwks: { keys: [keys.es.publicJwk] }, scope: 'read write' },
        { client_id: 'dpop-client', jwks: { keys: [keys.rsa.publicJwk] }, scope: 'read', dpop_bound_access_tokens: true },
      ],
    };
    const dir = await mkdtemp(join(tmpdir(), 'rfc7523-dpop-'));
    const configPath = join(dir, 'trust-config.json');
    await writeFile(configPath, JSON.stringify(config));
    demo = await runDemo({ PORT: '0', HOST: '127.0.0.1', ISSUER, AS_CONFIG: configPath }, 0, target.build, { logEvents: false, overrides: { now: clock.now } });
    [key, otherKey] = await Promise.all([dpopKey('ES256'), dpopKey('ES256')]);
  });
  afterAll(async () => {
    await demo?.close();
    await keys?.close();
  });

  const atToken = (parts: Partial<ProofParts> = {}): ProofParts => ({ htm: 'POST', htu: TOKEN_ENDPOINT, iat: clock.seconds(), ...parts });
  const atWhoami = (token: string, parts: Partial<ProofParts> = {}): ProofParts => ({ htm: 'GET', htu: WHOAMI, iat: clock.seconds(), accessToken: token, ...parts });

  /** A client_credentials request for `es-client` (or the RSA-keyed `dpop-client`), with `proof` as its DPoP header. */
  async function tokenRequest(proof?: string, clientId: 'es-client' | 'dpop-client' = 'es-client') {
    const signer = clientId === 'es-client' ? keys.es : keys.rsa;
    const form = { grant_type: 'client_credentials', ...clientAuth(await clientAssertion(signer, clientId, clock)) };
    return postToken(demo.url, form, proof === undefined ? {} : { dpop: proof });
  }

  async function boundToken(): Promise<string> {
    const res = await tokenRequest(await dpopProof(key, atToken()));
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  }

  const whoami = (authorization: string, proof?: string, path = '/api/whoami') => {
    const req = request(demo.url).get(path).set('authorization', authorization);
    return proof === undefined ? req : req.set('dpop', proof);
  };

  it('D3 publishes dpop_signing_alg_values_supported: asymmetric algorithms only', async () => {
    const res = await request(demo.url).get('/.well-known/oauth-authorization-server');
    const algs: string[] = res.body.dpop_signing_alg_values_supported;
    expect(algs).toEqual(expect.arrayContaining(['ES256', 'RS256', 'PS256']));
    expect(algs.filter((a) => /^(none|HS)/i.test(a))).toEqual([]);
  });

  it('D1 binds the token to the proof key: token_type DPoP, cnf.jkt the RFC 7638 thumbprint', async () => {
    const res = await tokenRequest(await dpopProof(key, atToken()));
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('DPoP');
    expect(decodeJwt(res.body.access_token).cnf).toEqual({ jkt: key.jkt });
  });

  it('D2 accepts the bound token at /api/whoami as DPoP with its proof (query not part of htu)', async () => {
    const token = await boundToken();
    const res = await whoami(`DPoP ${token}`, await dpopProof(key, atWhoami(token)));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ sub: 'es-client', client_id: 'es-client', scope: 'read write' });
    const query = await whoami(`DPoP ${token}`, await dpopProof(key, atWhoami(token)), '/api/whoami?verbose=1');
    expect(query.status).toBe(200);
  });

  it('D2 refuses the bound token without its proof: 401 invalid_dpop_proof with a DPoP challenge', async () => {
    const res = await whoami(`DPoP ${await boundToken()}`);
    expectOAuthError(res, 401, 'invalid_dpop_proof');
    expect(res.headers['www-authenticate']).toMatch(/^DPoP error="invalid_dpop_proof".*algs="[^"]*ES256/);
  });

  it('D2 refuses the bound token as Bearer: 401 invalid_token (RFC 9449 §7.2)', async () => {
    const token = await boundToken();
    expectOAuthError(await whoami(`Bearer ${token}`), 401, 'invalid_token');
    expectOAuthError(await whoami(`Bearer ${token}`, await dpopProof(key, atWhoami(token))), 401, 'invalid_token');
  });

  it('D2 refuses a proof with the wrong htm, htu (the internal address) or ath: 401 invalid_dpop_proof', async () => {
    const token = await boundToken();
    expectOAuthError(await whoami(`DPoP ${token}`, await dpopProof(key, atWhoami(token, { htm: 'POST' }))), 401, 'invalid_dpop_proof');
    expectOAuthError(await whoami(`DPoP ${token}`, await dpopProof(key, atWhoami(token, { htu: `${demo.url}/api/whoami` }))), 401, 'invalid_dpop_proof');
    expectOAuthError(await whoami(`DPoP ${token}`, await dpopProof(key, atWhoami(token, { htu: `${ISSUER}/api/other` }))), 401, 'invalid_dpop_proof');
    expectOAuthError(await whoami(`DPoP ${token}`, await dpopProof(key, atWhoami(token, { claims: { ath: accessTokenHash('another') } }))), 401, 'invalid_dpop_proof');
    expectOAuthError(await whoami(`DPoP ${token}`, await dpopProof(key, atWhoami(token, { claims: { ath: undefined } }))), 401, 'invalid_dpop_proof');
  });

  it('D2 refuses a valid proof made with another key: 401 invalid_token', async () => {
    const token = await boundToken();
    const res = await whoami(`DPoP ${token}`, await dpopProof(otherKey, atWhoami(token)));
    expectOAuthError(res, 401, 'invalid_token');
    expect(res.headers['www-authenticate']).toMatch(/^DPoP error="invalid_token"/);
  });

  it('refuses a stale or future iat at the token endpoint and at the resource', async () => {
    expectOAuthError(await tokenRequest(await dpopProof(key, atToken({ iat: clock.seconds() - 600 }))), 400, 'invalid_dpop_proof');
    expectOAuthError(await tokenRequest(await dpopProof(key, atToken({ iat: clock.seconds() + 600 }))), 400, 'invalid_dpop_proof');
    const token = await boundToken();
    expectOAuthError(await whoami(`DPoP ${token}`, await dpopProof(key, atWhoami(token, { iat: clock.seconds() - 600 }))), 401, 'invalid_dpop_proof');
  });

  it('refuses a replayed proof at the token endpoint and at the resource', async () => {
    const proof = await dpopProof(key, atToken());
    expect((await tokenRequest(proof)).status).toBe(200);
    expectOAuthError(await tokenRequest(proof), 400, 'invalid_dpop_proof');
    const token = await boundToken();
    const resourceProof = await dpopProof(key, atWhoami(token));
    expect((await whoami(`DPoP ${token}`, resourceProof)).status).toBe(200);
    expectOAuthError(await whoami(`DPoP ${token}`, resourceProof), 401, 'invalid_dpop_proof');
  });

  it('refuses a proof with the private key in its jwk header, wrong htm or htu at the token endpoint', async () => {
    expectOAuthError(await tokenRequest(await dpopProof(key, atToken({ header: { jwk: key.privateJwk } }))), 400, 'invalid_dpop_proof');
    expectOAuthError(await tokenRequest(await dpopProof(key, atToken({ htm: 'GET' }))), 400, 'invalid_dpop_proof');
    expectOAuthError(await tokenRequest(await dpopProof(key, atToken({ htu: `${demo.url}/token` }))), 400, 'invalid_dpop_proof');
  });

  it('refuses HS256 and alg none proofs', async () => {
    expectOAuthError(await tokenRequest(hmacProof(atToken())), 400, 'invalid_dpop_proof');
    expectOAuthError(await tokenRequest(unsecuredProof(key.publicJwk, atToken())), 400, 'invalid_dpop_proof');
  });

  it('D1 refuses a dpop_bound_access_tokens client without a proof, binds it with one', async () => {
    expectOAuthError(await tokenRequest(undefined, 'dpop-client'), 400, 'invalid_dpop_proof');
    const res = await tokenRequest(await dpopProof(key, atToken()), 'dpop-client');
    expect(res.status).toBe(200);
    expect(res.body.token_type).toBe('DPoP');
  });

  it('still issues and accepts plain Bearer tokens without a proof', async () => {
    const res = await tokenRequest();
    expect(res.body.token_type).toBe('Bearer');
    expect((await whoami(`Bearer ${res.body.access_token}`)).status).toBe(200);
    const none = await request(demo.url).get('/api/whoami');
    expect(none.headers['www-authenticate']).toMatch(/^Bearer, DPoP algs="/);
  });
});
