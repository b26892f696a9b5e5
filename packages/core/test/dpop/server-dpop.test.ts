/**
 * Rules D1–D3 through the engine: the token endpoint binds tokens to a valid proof's key and refuses bad
 * proofs; verifyAccessToken accepts a bound token only as `DPoP` with a matching proof.
 */
import { createHash } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { ConfigurationError, createAuthorizationServer, type AuthorizationServer, type PlainRequest } from '@rfc7523/core';
import { clientClaims, clientCredentials, frozenClock, jwks, makeKey, makeServer, payloadOf, sign, type TestKey } from '../support/fixtures.js';
import { API_URL, ath, hmacProof, mintProof, proofKey, TOKEN_URL, unsecuredProof, type ProofKey } from './proofs.js';

const clock = frozenClock();
let server: AuthorizationServer;
let workerKey: TestKey;
let dpopKey: ProofKey;
let otherKey: ProofKey;

beforeAll(async () => {
  workerKey = await makeKey('ES256', 'w1');
  dpopKey = await proofKey('ES256');
  otherKey = await proofKey('ES256');
  server = await makeServer({
    now: clock.now,
    clients: [
      { client_id: 'worker', jwks: jwks(workerKey), scope: 'read' },
      { client_id: 'strict', jwks: jwks(workerKey), scope: 'read', dpop_bound_access_tokens: true },
    ],
  });
});

const withProof = (request: PlainRequest, proof: string | string[] | undefined): PlainRequest => ({
  ...request,
  headers: { ...request.headers, ...(proof === undefined ? {} : { dpop: proof }) },
});
const tokenRequest = async (proof?: string | string[], clientId = 'worker', target = server) =>
  target.exchange(withProof(clientCredentials(await sign(workerKey, clientClaims(clock, clientId))), proof));
const independentJkt = (key: ProofKey) => calculateJwkThumbprint(key.publicJwk, 'sha256');

describe('D1 token endpoint', () => {
  it('binds the token to a valid proof: token_type DPoP and cnf.jkt the RFC 7638 thumbprint of the proof key', async () => {
    const body = await tokenRequest(await mintProof(dpopKey, clock));
    expect(body.token_type).toBe('DPoP');
    expect(payloadOf(body.access_token)['cnf']).toEqual({ jkt: await independentJkt(dpopKey) });
  });

  it('issues an unbound Bearer token without a proof', async () => {
    const body = await tokenRequest();
    expect(body.token_type).toBe('Bearer');
    expect(payloadOf(body.access_token)).not.toHaveProperty('cnf');
  });

  it.each([
    ['wrong htm', { htm: 'GET' }, 'dpop_htm'],
    ['wrong htu', { htu: 'https://as.example.com/other' }, 'dpop_htu'],
    ['stale iat', { claims: { iat: clock.seconds() - 3600 } }, 'dpop_iat'],
    ['typ JWT', { header: { typ: 'JWT' } }, 'dpop_typ'],
  ] as const)('refuses a proof with %s: 400 invalid_dpop_proof', async (_name, parts, reason) => {
    await expect(tokenRequest(await mintProof(dpopKey, clock, parts))).rejects.toMatchObject({ error: 'invalid_dpop_proof', status: 400, reason });
  });

  it('refuses alg none, HS256, a private key in the header and two proofs', async () => {
    // An empty signature is malformed before its alg is read; with a signature appended it is refused on alg.
    await expect(tokenRequest(unsecuredProof(clock, dpopKey.publicJwk))).rejects.toMatchObject({ error: 'invalid_dpop_proof', reason: 'dpop_malformed' });
    await expect(tokenRequest(`${unsecuredProof(clock, dpopKey.publicJwk)}AAAA`)).rejects.toMatchObject({ error: 'invalid_dpop_proof', reason: 'dpop_alg' });
    await expect(tokenRequest(hmacProof(clock))).rejects.toMatchObject({ error: 'invalid_dpop_proof', reason: 'dpop_alg' });
    await expect(tokenRequest(await mintProof(dpopKey, clock, { header: { jwk: dpopKey.privateJwk } }))).rejects.toMatchObject({
      error: 'invalid_dpop_proof',
      reason: 'dpop_jwk',
    });
    const two = [await mintProof(dpopKey, clock), await mintProof(dpopKey, clock)];
    await expect(tokenRequest(two)).rejects.toMatchObject({ error: 'invalid_dpop_proof', reason: 'dpop_multiple' });
    await expect(tokenRequest(two.join(', '))).rejects.toMatchObject({ error: 'invalid_dpop_proof', reason: 'dpop_multiple' });
  });

  it('accepts each proof once (jti through the replay store)', async () => {
    const proof = await mintProof(dpopKey, clock);
    await expect(tokenRequest(proof)).resolves.toMatchObject({ token_type: 'DPoP' });
    await expect(tokenRequest(proof)).rejects.toMatchObject({ error: 'invalid_dpop_proof', status: 400, reason: 'dpop_replayed' });
  });

  it('refuses a dpop_bound_access_tokens client without a proof (RFC 9449 §5.2) and binds it with one', async () => {
    await expect(tokenRequest(undefined, 'strict')).rejects.toMatchObject({ error: 'invalid_dpop_proof', status: 400, reason: 'dpop_missing' });
    await expect(tokenRequest(await mintProof(dpopKey, clock), 'strict')).resolves.toMatchObject({ token_type: 'DPoP' });
  });

  it('D3 metadata lists dpop_signing_alg_values_supported, asymmetric only', () => {
    expect(server.metadata.dpop_signing_alg_values_supported).toContain('ES256');
    expect(server.metadata.dpop_signing_alg_values_supported).not.toContain('HS256');
    expect(server.metadata.dpop_signing_alg_values_supported).not.toContain('none');
  });

  it('with nonces on: use_dpop_nonce and a DPoP-Nonce first, then the nonce is accepted and handed out again', async () => {
    const nonced = await makeServer({ now: clock.now, clients: [{ client_id: 'worker', jwks: jwks(workerKey) }], dpop: { nonces: true } });
    const first = await nonced.handleTokenRequest(withProof(clientCredentials(await sign(workerKey, clientClaims(clock, 'worker'))), await mintProof(dpopKey, clock)));
    expect(first.status).toBe(400);
    expect(first.body).toMatchObject({ error: 'use_dpop_nonce' });
    const nonce = first.headers['dpop-nonce'];
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const second = await nonced.handleTokenRequest(
      withProof(clientCredentials(await sign(workerKey, clientClaims(clock, 'worker'))), await mintProof(dpopKey, clock, { claims: { nonce } })),
    );
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ token_type: 'DPoP' });
    expect(second.headers['dpop-nonce']).toBe(nonce);
  });

  it('refuses bad dpop options and a bad dpop_bound_access_tokens at start-up, naming the field', async () => {
    await expect(makeServer({ now: clock.now, dpop: { maxAge: 0 } })).rejects.toThrow(ConfigurationError);
    await expect(makeServer({ now: clock.now, dpop: { maxAge: 0 } })).rejects.toMatchObject({ field: 'dpop.maxAge' });
    await expect(makeServer({ now: clock.now, dpop: { algorithms: ['HS256'] } })).rejects.toMatchObject({ field: 'dpop.algorithms[0]' });
    await expect(makeServer({ now: clock.now, dpop: { nonces: { window: 1 } } })).rejects.toMatchObject({ field: 'dpop.nonces.window' });
    await expect(makeServer({ now: clock.now, dpop: { nonce: true } as never })).rejects.toMatchObject({ field: 'dpop.nonce' });
    await expect(
      createAuthorizationServer({ issuer: 'https://as.example.com', clients: [{ client_id: 'c', jwks: jwks(workerKey), dpop_bound_access_tokens: 'yes' as never }] }),
    ).rejects.toMatchObject({ field: 'clients[0].dpop_bound_access_tokens' });
  });
});

describe('D2 verifyAccessToken', () => {
  let bound: string;
  let bearer: string;
  beforeAll(async () => {
    bound = (await tokenRequest(await mintProof(dpopKey, clock))).access_token;
    bearer = (await tokenRequest()).access_token;
  });
  const resource = async (token: string, parts: Parameters<typeof mintProof>[2] = {}, key = dpopKey) => ({
    authorization: `DPoP ${token}`,
    dpop: await mintProof(key, clock, { htm: 'GET', htu: API_URL, claims: { ath: ath(token) }, ...parts }),
    method: 'GET',
    url: `${API_URL}?page=2`,
  });

  it('accepts a bound token as DPoP with a proof of its key, method, URL (query ignored) and ath', async () => {
    await expect(server.verifyAccessToken(await resource(bound), ['read'])).resolves.toMatchObject({ sub: 'worker', cnf: { jkt: await independentJkt(dpopKey) } });
  });

  it('refuses the bound token as Bearer: 401 invalid_token with a DPoP challenge (RFC 9449 §7.2)', async () => {
    const err = await server.verifyAccessToken({ authorization: `Bearer ${bound}`, method: 'GET', url: API_URL }).catch((e: unknown) => e);
    expect(err).toMatchObject({ error: 'invalid_token', status: 401, reason: 'dpop_bound_token_as_bearer' });
    expect((err as { headers: Record<string, string> }).headers['www-authenticate']).toMatch(/^DPoP error="invalid_token".*algs="ES256 /);
    await expect(server.verifyAccessToken(`Bearer ${bound}`)).rejects.toMatchObject({ error: 'invalid_token', reason: 'dpop_bound_token_as_bearer' });
  });

  it('refuses it without a proof, and with a wrong htm, htu, ath or key', async () => {
    const base = await resource(bound);
    const { dpop: _unused, ...noProof } = base;
    void _unused;
    await expect(server.verifyAccessToken(noProof)).rejects.toMatchObject({ error: 'invalid_dpop_proof', status: 401, reason: 'dpop_missing' });
    await expect(server.verifyAccessToken(await resource(bound, { htm: 'POST' }))).rejects.toMatchObject({ error: 'invalid_dpop_proof', reason: 'dpop_htm' });
    await expect(server.verifyAccessToken(await resource(bound, { htu: TOKEN_URL }))).rejects.toMatchObject({ error: 'invalid_dpop_proof', reason: 'dpop_htu' });
    const wrongAth = createHash('sha256').update('another token').digest('base64url');
    await expect(server.verifyAccessToken(await resource(bound, { claims: { ath: wrongAth } }))).rejects.toMatchObject({ error: 'invalid_dpop_proof', reason: 'dpop_ath' });
    const stranger = await resource(bound, {}, otherKey);
    const err = await server.verifyAccessToken(stranger).catch((e: unknown) => e);
    expect(err).toMatchObject({ error: 'invalid_token', status: 401, reason: 'dpop_jkt_mismatch' });
    expect((err as { headers: Record<string, string> }).headers['www-authenticate']).toMatch(/^DPoP /);
  });

  it('refuses a replayed resource proof', async () => {
    const request = await resource(bound);
    await expect(server.verifyAccessToken(request)).resolves.toBeDefined();
    await expect(server.verifyAccessToken(request)).rejects.toMatchObject({ error: 'invalid_dpop_proof', reason: 'dpop_replayed' });
  });

  it('still accepts an unbound token as Bearer, and refuses it under the DPoP scheme', async () => {
    await expect(server.verifyAccessToken(`Bearer ${bearer}`)).resolves.toMatchObject({ sub: 'worker' });
    await expect(server.verifyAccessToken(await resource(bearer))).rejects.toMatchObject({ error: 'invalid_token', status: 401, reason: 'token_invalid' });
  });
});
