import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint, createLocalJWKSet, decodeJwt, EmbeddedJWK, exportJWK, generateKeyPair, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { runBuiltCli as rfc7523 } from '../support/cli.js';
import { startTestIdp, type TestIdp } from '../support/idp/test-idp.js';
import { sendJson, startLoopbackServer, type LoopbackServer } from '../support/platforms/loopback-server.js';
import { startStubAs, type StubAs } from './support/stub-as.js';



async function keyPair(kid: string): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateJwk: { ...(await exportJWK(privateKey)), kid }, publicJwk: { ...(await exportJWK(publicKey)), kid } };
}

const RESOURCE = 'https://mcp.example.com/mcp';

let dir: string;
let idp: TestIdp;
let as: StubAs;
let api: LoopbackServer;
/** What the API saw: Authorization header and the verified proof (jose EmbeddedJWK, independent of the client). */
const apiSeen: { authorization: string | undefined; proof: JWTPayload | undefined; jwk: JWK | undefined }[] = [];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rfc7523-idjag-'));
  const [atIdp, atAs] = await Promise.all([keyPair('agent-idp'), keyPair('agent-as')]);
  await writeFile(join(dir, 'idp.key.json'), JSON.stringify(atIdp.privateJwk), { mode: 0o600 });
  await writeFile(join(dir, 'as.key.json'), JSON.stringify(atAs.privateJwk), { mode: 0o600 });
  as = await startStubAs();
  idp = await startTestIdp({ clients: [{ clientId: 'agent', jwks: [atIdp.publicJwk], resourceClients: { [as.issuer]: 'agent-at-as' } }] });
  await writeFile(join(dir, 'id_token.jwt'), await idp.mintIdToken({ subject: 'alice', clientId: 'agent' }));
  // An API that wants a DPoP nonce first (RFC 9449 §9), then checks nothing but records the proof.
  api = await startLoopbackServer(async (req, res) => {
    let proof: JWTPayload | undefined;
    let jwk: JWK | undefined;
    if (typeof req.headers.dpop === 'string') {
      const verified = await jwtVerify(req.headers.dpop, EmbeddedJWK, { typ: 'dpop+jwt' });
      proof = verified.payload;
      jwk = verified.protectedHeader.jwk;
    }
    apiSeen.push({ authorization: req.headers.authorization, proof, jwk });
    if (proof !== undefined && proof.nonce !== 'api-nonce') {
      sendJson(res, 401, { error: 'use_dpop_nonce' }, { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': 'api-nonce' });
      return;
    }
    sendJson(res, 200, { hello: 'alice' });
  });
});
afterAll(async () => {
  await Promise.all([idp?.close(), as?.close(), api?.close()]);
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});
beforeEach(() => {
  as.requests.length = 0;
  idp.requests.length = 0;
  apiSeen.length = 0;
});

const idpArgs = () => ['--idp', idp.issuer, '--idp-client-id', 'agent', '--idp-key', join(dir, 'idp.key.json'), '--subject-token', `@${join(dir, 'id_token.jwt')}`];
const asArgs = () => ['--issuer', as.issuer, '--client-id', 'agent-at-as', '--key', join(dir, 'as.key.json')];

describe('rfc7523 id-jag (built CLI) against the test IdP and a stub AS', () => {
  it('id-jag request --raw prints an ID-JAG for the audience, verifiable with the IdP JWKS', async () => {
    const run = await rfc7523(['id-jag', 'request', ...idpArgs(), '--audience', as.issuer, '--resource', RESOURCE, '--scope', 'tools:read', '--raw']);
    expect(run).toMatchObject({ code: 0, stderr: '' });
    const { payload, protectedHeader } = await jwtVerify(run.stdout.trim(), createLocalJWKSet(idp.jwks), { issuer: idp.issuer, audience: as.issuer });
    expect(protectedHeader.typ).toBe('oauth-id-jag+jwt');
    expect(payload).toMatchObject({ sub: 'alice', client_id: 'agent-at-as', resource: RESOURCE, scope: 'tools:read' });
    expect(as.requests).toHaveLength(0);
  });

  it('id-jag exchange runs both legs and prints the token; --dpop-key-out saves the key (mode 600) that binds both', async () => {
    const keyOut = join(dir, 'dpop.key.json');
    const run = await rfc7523(['id-jag', 'exchange', ...idpArgs(), ...asArgs(), '--resource', RESOURCE, '--dpop-key-out', keyOut, '--json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { token_response: Record<string, unknown>; id_jag: { claims: JWTPayload }; dpop_jkt: string };
    expect(out.token_response).toMatchObject({ access_token: 'at-1', token_type: 'DPoP' });
    expect((await stat(keyOut)).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(await readFile(keyOut, 'utf8')) as JWK;
    const { d: _d, ...publicPart } = saved;
    expect(await calculateJwkThumbprint(publicPart)).toBe(out.dpop_jkt);
    expect(out.id_jag.claims.cnf).toEqual({ jkt: out.dpop_jkt });
    const leg2 = as.requests[0]!;
    expect(leg2.form.get('grant_type')).toBe('urn:ietf:params:oauth:grant-type:jwt-bearer');
    expect(leg2.form.get('resource')).toBe(RESOURCE);
    expect(decodeJwt(leg2.form.get('assertion')!).aud).toBe(as.issuer);
    const proof = await jwtVerify(String(leg2.headers.dpop), EmbeddedJWK, { typ: 'dpop+jwt' });
    expect(proof.payload).toMatchObject({ htm: 'POST', htu: as.tokenEndpoint });
    expect(await calculateJwkThumbprint(proof.protectedHeader.jwk!)).toBe(out.dpop_jkt);
  });

  it('says which leg failed and exits 1 when the IdP refuses', async () => {
    const run = await rfc7523(['id-jag', 'exchange', ...idpArgs(), ...asArgs(), '--audience', 'https://unknown-as.example.com']);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('leg 1 (token exchange at the IdP) failed');
    expect(run.stderr).toContain('refused: invalid_grant (Audience validation failed), HTTP 400');
    expect(as.requests).toHaveLength(0);
  });

  it('usage: a missing option exits 2 before anything is sent or written', async () => {
    const keyOut = join(dir, 'never.key.json');
    const run = await rfc7523(['id-jag', 'exchange', ...idpArgs(), '--issuer', as.issuer, '--dpop-key-out', keyOut]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--client-id is required');
    await expect(stat(keyOut)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(idp.requests).toHaveLength(0);
  });
});

describe('rfc7523 token --dpop and rfc7523 call (built CLI)', () => {
  it('token --dpop prints a DPoP token and the thumbprint of the key that proved it', async () => {
    const run = await rfc7523(['token', ...asArgs(), '--dpop', '--json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { token_response: Record<string, unknown>; dpop_jkt: string };
    expect(out.token_response.token_type).toBe('DPoP');
    const proof = await jwtVerify(String(as.requests[0]!.headers.dpop), EmbeddedJWK, { typ: 'dpop+jwt' });
    expect(await calculateJwkThumbprint(proof.protectedHeader.jwk!)).toBe(out.dpop_jkt);
  });

  it('call --dpop-key sends Authorization: DPoP with a proof (ath, htm, htu) and retries once for the nonce', async () => {
    const keyOut = join(dir, 'call.key.json');
    const token = await rfc7523(['token', ...asArgs(), '--dpop-key-out', keyOut, '--raw']);
    expect(token.code).toBe(0);
    const accessToken = token.stdout.trim();
    await writeFile(join(dir, 'token.txt'), accessToken);
    const jkt = /dpop_jkt (\S+)/.exec(token.stderr)![1];
    const run = await rfc7523(['call', `${api.origin}/whoami?x=1`, '--token', `@${join(dir, 'token.txt')}`, '--dpop-key', keyOut, '--method', 'post', '--data', '{}']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('HTTP 200');
    expect(run.stdout).toContain('"hello":"alice"');
    expect(apiSeen).toHaveLength(2);
    expect(apiSeen.map((s) => s.proof!.nonce)).toEqual([undefined, 'api-nonce']);
    const ath = createHash('sha256').update(accessToken).digest('base64url');
    for (const seen of apiSeen) {
      expect(seen.authorization).toBe(`DPoP ${accessToken}`);
      expect(seen.proof).toMatchObject({ htm: 'POST', htu: `${api.origin}/whoami`, ath });
      expect(await calculateJwkThumbprint(seen.jwk!)).toBe(jkt);
    }
  });

  it('call without --dpop-key sends Bearer; a URL that is not http(s) is a usage error', async () => {
    const ok = await rfc7523(['call', `${api.origin}/whoami`, '--token', 'plain-token']);
    expect(ok.code).toBe(0);
    expect(apiSeen[0]!.authorization).toBe('Bearer plain-token');
    const refused = await rfc7523(['call', 'not a url', '--token', 't']);
    expect(refused.code).toBe(2);
  });

  it('--dpop-key-out never overwrites an existing file', async () => {
    const existing = join(dir, 'exists.key.json');
    await writeFile(existing, '{}');
    const run = await rfc7523(['token', ...asArgs(), '--dpop-key-out', existing]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('it exists (never overwritten)');
    expect(as.requests).toHaveLength(0);
  });
});
