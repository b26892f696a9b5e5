import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { webcrypto } from 'node:crypto';
import { base64url, calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, exportJWK, generateKeyPair, jwtVerify, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { createDpopProof, generateDpopKey, importDpopKey, TokenClient, TokenRequestError, type DpopKey } from '@rfc7523/client';
import { FakeClock, makeKey, type TestKey } from './support/fixtures.js';

/** One request a stub server saw, with its DPoP proof verified by jose (EmbeddedJWK), independently of the client. */
interface Seen {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  form: URLSearchParams;
  proof: { header: Record<string, unknown>; claims: JWTPayload } | undefined;
}

type Reply = (seen: Seen, index: number) => { status: number; body: unknown; headers?: Record<string, string> };

/** A loopback HTTP server that records requests and answers with `reply`. */
async function stubServer(reply: Reply): Promise<{ origin: string; seen: Seen[]; close(): Promise<void> }> {
  const seen: Seen[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        let proof: Seen['proof'];
        if (typeof req.headers.dpop === 'string') {
          const { payload, protectedHeader } = await jwtVerify(req.headers.dpop, EmbeddedJWK, { typ: 'dpop+jwt', algorithms: ['ES256', 'EdDSA', 'RS256'] });
          proof = { header: protectedHeader as unknown as Record<string, unknown>, claims: payload };
        }
        const entry: Seen = {
          method: req.method!,
          path: req.url!,
          headers: req.headers,
          form: new URLSearchParams(Buffer.concat(chunks).toString()),
          proof,
        };
        seen.push(entry);
        const { status, body, headers = {} } = reply(entry, seen.length - 1);
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      })().catch((err: unknown) => {
        res.writeHead(599);
        res.end(String(err));
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  return {
    origin,
    seen,
    close: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

const dpopToken = (index = 0) => ({ status: 200, body: { access_token: `dpop-token-${index}`, token_type: 'DPoP', expires_in: 300 } });
const nonceError = (nonce: string) => ({ status: 400, body: { error: 'use_dpop_nonce', error_description: 'nonce required' }, headers: { 'dpop-nonce': nonce } });

/** Independent ath: WebCrypto SHA-256 and jose's base64url, not the client's node:crypto path. */
async function independentAth(token: string): Promise<string> {
  return base64url.encode(new Uint8Array(await webcrypto.subtle.digest('SHA-256', new TextEncoder().encode(token))));
}

let clientKey: TestKey;
beforeAll(async () => {
  clientKey = await makeKey('ES256', 'worker-1');
});

describe('createDpopProof (RFC 9449 §4.2)', () => {
  it('is a dpop+jwt signed by the public key in its jwk header, with htm, htu without query/fragment, iat, jti', async () => {
    const clock = new FakeClock();
    const key = await generateDpopKey();
    const proof = await createDpopProof({ key, method: 'post', url: 'https://as.example.com/token?x=1#frag', now: clock.now });
    const { payload, protectedHeader } = await jwtVerify(proof, EmbeddedJWK, { typ: 'dpop+jwt', currentDate: new Date(clock.ms) });
    expect(protectedHeader.alg).toBe('ES256');
    expect(protectedHeader.jwk).toEqual({ kty: 'EC', crv: 'P-256', x: expect.any(String), y: expect.any(String) });
    expect(payload).toEqual({ jti: expect.any(String), htm: 'POST', htu: 'https://as.example.com/token', iat: clock.seconds() });
    expect(await calculateJwkThumbprint(protectedHeader.jwk!)).toBe(key.thumbprint);
  });

  it('carries ath = base64url(SHA-256(access token)) and the nonce when given', async () => {
    const key = await generateDpopKey();
    const proof = await createDpopProof({ key, method: 'GET', url: 'https://api.example.com/v1/things', accessToken: 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU', nonce: 'n-1' });
    const { payload } = await jwtVerify(proof, EmbeddedJWK);
    expect(payload.ath).toBe(await independentAth('Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU'));
    // RFC 9449 §7.1 example: this token hashes to this ath.
    expect(payload.ath).toBe('fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo');
    expect(payload.nonce).toBe('n-1');
  });

  it('gives each proof its own jti', async () => {
    const key = await generateDpopKey();
    const jtis = new Set<unknown>();
    for (let i = 0; i < 5; i++) jtis.add((await jwtVerify(await createDpopProof({ key, method: 'GET', url: 'https://a.example/' }), EmbeddedJWK)).payload.jti);
    expect(jtis.size).toBe(5);
  });

  it('imports a private JWK: thumbprint equals jose calculateJwkThumbprint of the public JWK, no private member in the header', async () => {
    const key = await importDpopKey(clientKey.privateJwk);
    expect(key.thumbprint).toBe(await calculateJwkThumbprint(clientKey.publicJwk));
    const header = decodeProtectedHeader(await createDpopProof({ key, method: 'GET', url: 'https://a.example/' }));
    expect(Object.keys(header.jwk!).sort()).toEqual(['crv', 'kty', 'x', 'y']);
  });

  it('imports a WebCrypto key pair with a non-extractable private key, and an Ed25519 PEM', async () => {
    const pair = await generateKeyPair('ES256', { extractable: false });
    const key = await importDpopKey(pair);
    expect(key.thumbprint).toBe(await calculateJwkThumbprint(await exportJWK(pair.publicKey)));
    const ed = await generateKeyPair('EdDSA', { extractable: true });
    const { exportPKCS8 } = await import('jose');
    const edKey = await importDpopKey(await exportPKCS8(ed.privateKey));
    expect(edKey.alg).toBe('EdDSA');
    const proof = await createDpopProof({ key: edKey, method: 'GET', url: 'https://a.example/' });
    await expect(jwtVerify(proof, EmbeddedJWK)).resolves.toBeDefined();
  });

  it('refuses a CryptoKey alone, a public JWK and a non-key', async () => {
    const pair = await generateKeyPair('ES256');
    await expect(importDpopKey(pair.privateKey as never)).rejects.toThrow('"key" option is a CryptoKey alone');
    await expect(importDpopKey(clientKey.publicJwk)).rejects.toThrow('"key" option must be a private key');
    await expect(createDpopProof({ key: clientKey.privateJwk as never, method: 'GET', url: 'https://a.example/' })).rejects.toThrow('"key" option must be a DpopKey');
  });
});

describe('TokenClient with dpop (RFC 9449 §5, §8)', () => {
  const servers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  const start = async (reply: Reply) => {
    const s = await stubServer(reply);
    servers.push(s);
    return s;
  };
  const client = (origin: string, dpop: ConstructorParameters<typeof TokenClient>[0]['dpop'] = true, path = '/token') =>
    new TokenClient({ issuer: origin, tokenEndpoint: `${origin}${path}`, clientId: 'worker', key: clientKey.privateJwk, dpop });

  it('sends a proof on the token request (htm POST, htu = endpoint without query) and keeps token_type DPoP in the cache', async () => {
    const as = await start((_s, i) => dpopToken(i));
    const c = client(as.origin, true, '/token?tenant=a');
    const first = await c.getToken({ scope: 'read' });
    const again = await c.getToken({ scope: 'read' });
    expect(first).toMatchObject({ accessToken: 'dpop-token-0', tokenType: 'DPoP' });
    expect(again).toBe(first);
    expect(as.seen).toHaveLength(1);
    const { proof } = as.seen[0]!;
    expect(proof!.claims).toMatchObject({ htm: 'POST', htu: `${as.origin}/token` });
    expect(proof!.claims.ath).toBeUndefined();
    const key = (await c.dpopKey())!;
    expect(await calculateJwkThumbprint(proof!.header.jwk as JWK)).toBe(key.thumbprint);
    expect(as.seen[0]!.form.get('client_assertion')).toEqual(expect.any(String));
  });

  it('uses the same generated key for every request of one client, non-extractable', async () => {
    const as = await start((_s, i) => dpopToken(i));
    const c = client(as.origin);
    await c.requestToken();
    await c.requestToken();
    expect(as.seen[0]!.proof!.header.jwk).toEqual(as.seen[1]!.proof!.header.jwk);
    expect(as.seen[0]!.proof!.claims.jti).not.toBe(as.seen[1]!.proof!.claims.jti);
    const key = (await c.dpopKey())!;
    expect((key.privateKey as CryptoKey).extractable).toBe(false);
  });

  it('uses a given key: proofs carry its public JWK', async () => {
    const as = await start((_s, i) => dpopToken(i));
    await client(as.origin, { key: clientKey.privateJwk }).requestToken();
    expect(await calculateJwkThumbprint(as.seen[0]!.proof!.header.jwk as JWK)).toBe(await calculateJwkThumbprint(clientKey.publicJwk));
  });

  it('retries once with the nonce after 400 use_dpop_nonce, then remembers it for the origin', async () => {
    const as = await start((s, i) => (s.proof!.claims.nonce === 'nonce-A' ? dpopToken(i) : nonceError('nonce-A')));
    const c = client(as.origin);
    await expect(c.requestToken()).resolves.toMatchObject({ tokenType: 'DPoP' });
    expect(as.seen.map((s) => s.proof!.claims.nonce)).toEqual([undefined, 'nonce-A']);
    // A fresh client assertion on the retry: its jti is one-time too.
    expect(as.seen[0]!.form.get('client_assertion')).not.toBe(as.seen[1]!.form.get('client_assertion'));
    await c.requestToken();
    expect(as.seen).toHaveLength(3);
    expect(as.seen[2]!.proof!.claims.nonce).toBe('nonce-A');
  });

  it('gives up after one retry when the server answers use_dpop_nonce again: a TokenRequestError', async () => {
    const as = await start((_s, i) => nonceError(`nonce-${i}`));
    const error = await client(as.origin).requestToken().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'ERR_TOKEN_REQUEST_REFUSED', error: 'use_dpop_nonce', status: 400 });
    expect(as.seen).toHaveLength(2);
    expect(as.seen[1]!.proof!.claims.nonce).toBe('nonce-0');
  });

  it('does not retry use_dpop_nonce without a DPoP-Nonce header', async () => {
    const as = await start(() => ({ status: 400, body: { error: 'use_dpop_nonce' } }));
    await expect(client(as.origin).requestToken()).rejects.toMatchObject({ error: 'use_dpop_nonce' });
    expect(as.seen).toHaveLength(1);
  });

  it('does not retry other errors', async () => {
    const as = await start(() => ({ status: 400, body: { error: 'invalid_dpop_proof' }, headers: { 'dpop-nonce': 'n' } }));
    await expect(client(as.origin).requestToken()).rejects.toMatchObject({ error: 'invalid_dpop_proof' });
    expect(as.seen).toHaveLength(1);
  });

  it('sends no DPoP header without the option', async () => {
    const as = await start(() => ({ status: 200, body: { access_token: 't', token_type: 'Bearer' } }));
    await new TokenClient({ issuer: as.origin, tokenEndpoint: `${as.origin}/token`, clientId: 'worker', key: clientKey.privateJwk }).requestToken();
    expect(as.seen[0]!.headers.dpop).toBeUndefined();
  });

  it('refuses bad dpop options when constructed', () => {
    const base = { issuer: 'https://as.example.com', clientId: 'w', key: clientKey.privateJwk };
    expect(() => new TokenClient({ ...base, dpop: {} as never })).toThrow('"dpop.key" option is required');
    expect(() => new TokenClient({ ...base, dpop: { key: clientKey.publicJwk } })).toThrow('"key" option must be a private key');
    expect(() => new TokenClient({ ...base, dpop: { key: clientKey.privateJwk, alg: 'ES256' } as never })).toThrow('"dpop.alg" option is not a known option');
  });
});

describe('TokenClient.fetch: API calls with DPoP (RFC 9449 §7) and Bearer', () => {
  const servers: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function setup(api: Reply, dpop: boolean | { key: DpopKey } = true) {
    const as = await stubServer((_s, i) => (dpop === false ? { status: 200, body: { access_token: `bearer-${i}`, token_type: 'Bearer', expires_in: 300 } } : dpopToken(i)));
    const rs = await stubServer(api);
    servers.push(as, rs);
    const c = new TokenClient({ issuer: as.origin, tokenEndpoint: `${as.origin}/token`, clientId: 'worker', key: clientKey.privateJwk, dpop });
    return { as, rs, c };
  }

  it('sends Authorization: DPoP and a proof with ath, htm, htu of the API request', async () => {
    const { rs, c } = await setup(() => ({ status: 200, body: { ok: true } }));
    const response = await c.fetch(`${rs.origin}/api/items?page=2`, { method: 'put', body: '{}' });
    expect(response.status).toBe(200);
    await expect(response.json()).resolves.toEqual({ ok: true });
    const seen = rs.seen[0]!;
    expect(seen.headers.authorization).toBe('DPoP dpop-token-0');
    expect(seen.method).toBe('PUT');
    expect(seen.proof!.claims).toMatchObject({ htm: 'PUT', htu: `${rs.origin}/api/items`, ath: await independentAth('dpop-token-0') });
    expect(await calculateJwkThumbprint(seen.proof!.header.jwk as JWK)).toBe((await c.dpopKey())!.thumbprint);
  });

  it('retries once on 401 WWW-Authenticate: DPoP error="use_dpop_nonce" with the nonce', async () => {
    const { rs, c } = await setup((s) =>
      s.proof!.claims.nonce === 'rs-nonce'
        ? { status: 200, body: { ok: true } }
        : { status: 401, body: {}, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof"', 'dpop-nonce': 'rs-nonce' } },
    );
    const response = await c.fetch(`${rs.origin}/api`);
    expect(response.status).toBe(200);
    expect(rs.seen.map((s) => s.proof!.claims.nonce)).toEqual([undefined, 'rs-nonce']);
    expect(rs.seen[0]!.proof!.claims.jti).not.toBe(rs.seen[1]!.proof!.claims.jti);
  });

  it('returns the second 401 when the server asks for a nonce again: one retry only', async () => {
    const { rs, c } = await setup((_s, i) => ({ status: 401, body: {}, headers: { 'www-authenticate': 'DPoP error="use_dpop_nonce"', 'dpop-nonce': `n${i}` } }));
    const response = await c.fetch(`${rs.origin}/api`);
    expect(response.status).toBe(401);
    expect(rs.seen).toHaveLength(2);
  });

  it('does not retry a 401 invalid_token', async () => {
    const { rs, c } = await setup(() => ({ status: 401, body: {}, headers: { 'www-authenticate': 'DPoP error="invalid_token"', 'dpop-nonce': 'n' } }));
    expect((await c.fetch(`${rs.origin}/api`)).status).toBe(401);
    expect(rs.seen).toHaveLength(1);
  });

  it('sends Authorization: Bearer and no proof for a Bearer token', async () => {
    const { rs, c } = await setup(() => ({ status: 200, body: {} }), false);
    await c.fetch(`${rs.origin}/api`);
    expect(rs.seen[0]!.headers.authorization).toBe('Bearer bearer-0');
    expect(rs.seen[0]!.headers.dpop).toBeUndefined();
  });
});
