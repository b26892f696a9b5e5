import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { DpopVerifier } from '../../src/dpop/dpop-verifier.js';
import { verifyDpopProof, type DpopVerification } from '../../src/dpop/verify-dpop-proof.js';
import { TemporarilyUnavailableError } from '../../src/errors.js';
import { MemoryReplayStore } from '../../src/replay/memory-replay-store.js';
import { frozenClock, type Clock } from '../support/fixtures.js';
import { API_URL, ath, hmacProof, mintProof, nodeSignedProof, proofKey, storeOn, TOKEN_URL, unsecuredProof, type ProofKey } from './proofs.js';

let es256: ProofKey;
let rs256: ProofKey;
let ed: ProofKey;
let clock: Clock;
let verifier: DpopVerifier;

beforeAll(async () => {
  [es256, rs256, ed] = await Promise.all([proofKey('ES256'), proofKey('RS256'), proofKey('EdDSA')]);
});

beforeEach(() => {
  clock = frozenClock();
  verifier = new DpopVerifier({ now: clock.now, replayStore: storeOn(clock) });
});

const atToken = (proof: string, url = TOKEN_URL, extra: { expectedJkt?: string } = {}) => verifier.verify(proof, { method: 'POST', url, ...extra });

/** The refusal's reason, or 'ok'. */
const outcome = (v: DpopVerification) => (v.ok ? 'ok' : v.refusal.reason);

describe('verifyDpopProof accepts (RFC 9449 §4.3)', () => {
  it.each([
    ['ES256', () => es256],
    ['RS256', () => rs256],
    ['EdDSA', () => ed],
  ] as Array<[string, () => ProofKey]>)('a %s proof at the token endpoint, with the key thumbprint jose computes', async (_alg, key) => {
    const jti = randomUUID();
    const result = await atToken(await mintProof(key(), clock, { claims: { jti } }));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.proof.jkt).toBe(await calculateJwkThumbprint(key().publicJwk, 'sha256'));
    expect(result.proof.jwk).toEqual(key().publicJwk);
    expect(result.proof).toMatchObject({ jti, iat: clock.seconds() });
    expect(result.proof.nextNonce).toBeUndefined();
  });

  it('a PS256 proof made with an RSA key', async () => {
    const ps = await proofKey('PS256');
    expect(outcome(await atToken(await mintProof(ps, clock)))).toBe('ok');
  });

  it('RFC 9449 §4.1 example proof (Figure 4) with the §6.1 thumbprint', async () => {
    // The RFC's own vector: ES256, iat 1562262616, htu https://server.example.com/token.
    const proof =
      'eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19' +
      '.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIjoiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwiaWF0IjoxNTYyMjYyNjE2fQ' +
      '.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg';
    const at = frozenClock(1_562_262_616_000);
    const result = await verifyDpopProof(proof, { method: 'POST', url: 'https://server.example.com/token', now: at.now, replayStore: storeOn(at) });
    expect(result.ok && result.proof.jkt).toBe('0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I');
  });

  it('RFC 9449 §7.1 example resource proof (Figure 12) with its ath', async () => {
    const proof =
      'eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6IkVDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCRnMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JEQSIsImNydiI6IlAtMjU2In19' +
      '.eyJqdGkiOiJlMWozVl9iS2ljOC1MQUVCIiwiaHRtIjoiR0VUIiwiaHR1IjoiaHR0cHM6Ly9yZXNvdXJjZS5leGFtcGxlLm9yZy9wcm90ZWN0ZWRyZXNvdXJjZSIsImlhdCI6MTU2MjI2MjYxOCwiYXRoIjoiZlVIeU8ycjJaM0RaNTNFc05yV0JiMHhXWG9hTnk1OUlpS0NBcWtzbVFFbyJ9' +
      '.2oW9RP35yRqzhrtNP86L-Ey71EOptxRimPPToA1plemAgR6pxHF8y6-yqyVnmcw6Fy1dqd-jfxSYoMxhAJpLjA';
    const at = frozenClock(1_562_262_618_000);
    const request = { method: 'GET', url: 'https://resource.example.org/protectedresource', now: at.now, replayStore: storeOn(at) };
    const accessToken = 'Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU';
    expect(outcome(await verifyDpopProof(proof, { ...request, accessToken: 'another-token' }))).toBe('dpop_ath');
    expect(outcome(await verifyDpopProof(proof, { ...request, accessToken, expectedJkt: '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I' }))).toBe('ok');
  });

  it('a resource proof whose ath is the hash of the presented token', async () => {
    const token = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.sig';
    const proof = await mintProof(es256, clock, { htm: 'GET', htu: API_URL, claims: { ath: ath(token) } });
    expect(outcome(await verifier.verify(proof, { method: 'GET', url: API_URL, accessToken: token }))).toBe('ok');
  });

  it('ignores ath at the token endpoint, where no access token is presented', async () => {
    expect(outcome(await atToken(await mintProof(es256, clock, { claims: { ath: 'whatever' } })))).toBe('ok');
  });
});

describe('htm and htu (RFC 9449 §4.3 items 8, 9)', () => {
  it('refuses a proof for another method, and a method in another case', async () => {
    expect(outcome(await atToken(await mintProof(es256, clock, { htm: 'GET' })))).toBe('dpop_htm');
    expect(outcome(await atToken(await mintProof(es256, clock, { htm: 'post' })))).toBe('dpop_htm');
  });

  it.each([
    ['another path', 'https://as.example.com/authorize'],
    ['a trailing slash', 'https://as.example.com/token/'],
    ['another host', 'https://evil.example.com/token'],
    ['another scheme', 'http://as.example.com/token'],
    ['another port', 'https://as.example.com:8443/token'],
    ['a path in another case', 'https://as.example.com/Token'],
    ['a relative URL', '/token'],
    ['no htu at all', undefined],
  ])('refuses htu with %s', async (_what, htu) => {
    const proof = await mintProof(es256, clock, { claims: { htu } });
    expect(outcome(await atToken(proof))).toBe('dpop_htu');
  });

  it.each([
    ['a query in the proof', 'https://as.example.com/token?a=1', TOKEN_URL],
    ['a different query in the request', 'https://as.example.com/token?a=1', 'https://as.example.com/token?b=2'],
    ['a fragment', 'https://as.example.com/token#frag', TOKEN_URL],
    ['the default port written out', 'https://as.example.com:443/token', TOKEN_URL],
    ['the default port in the request URL', TOKEN_URL, 'https://as.example.com:443/token'],
    ['an upper-case scheme and host', 'HTTPS://AS.Example.COM/token', TOKEN_URL],
    ['a percent-encoded unreserved character', 'https://as.example.com/%74oken', TOKEN_URL],
    ['a dot segment', 'https://as.example.com/x/../token', TOKEN_URL],
  ])('accepts %s (normalised away)', async (_what, htu, url) => {
    const proof = await mintProof(es256, clock, { claims: { htu } });
    expect(outcome(await atToken(proof, url))).toBe('ok');
  });

  it('accepts http on port 80 written out against the plain URL', async () => {
    const proof = await mintProof(es256, clock, { claims: { htu: 'http://127.0.0.1:80/token' } });
    expect(outcome(await atToken(proof, 'http://127.0.0.1/token'))).toBe('ok');
  });
});

describe('iat window (RFC 9449 §4.3 item 11): now − 60 − 30 .. now + 30 s by default', () => {
  it('refuses a stale proof and accepts one at the edge', async () => {
    expect(outcome(await atToken(await mintProof(es256, clock, { claims: { iat: clock.seconds() - 91 } })))).toBe('dpop_iat');
    expect(outcome(await atToken(await mintProof(es256, clock, { claims: { iat: clock.seconds() - 90 } })))).toBe('ok');
  });

  it('refuses a proof from the future and accepts one within the tolerance', async () => {
    expect(outcome(await atToken(await mintProof(es256, clock, { claims: { iat: clock.seconds() + 31 } })))).toBe('dpop_iat');
    expect(outcome(await atToken(await mintProof(es256, clock, { claims: { iat: clock.seconds() + 30 } })))).toBe('ok');
  });

  it('refuses a proof once the clock has moved past its window', async () => {
    const proof = await mintProof(es256, clock);
    clock.advance(91);
    expect(outcome(await atToken(proof))).toBe('dpop_iat');
  });

  it('refuses a missing or non-numeric iat', async () => {
    expect(outcome(await atToken(await mintProof(es256, clock, { claims: { iat: undefined } })))).toBe('dpop_iat');
    expect(outcome(await atToken(await mintProof(es256, clock, { claims: { iat: String(clock.seconds()) } })))).toBe('dpop_iat');
  });

  it('honours a configured maxAge and clockTolerance', async () => {
    const strict = new DpopVerifier({ now: clock.now, replayStore: storeOn(clock), maxAge: 10, clockTolerance: 0 });
    const aged = (s: number) => mintProof(es256, clock, { claims: { iat: clock.seconds() - s } });
    expect(outcome(await strict.verify(await aged(11), { method: 'POST', url: TOKEN_URL }))).toBe('dpop_iat');
    expect(outcome(await strict.verify(await aged(10), { method: 'POST', url: TOKEN_URL }))).toBe('ok');
    expect(outcome(await strict.verify(await aged(-1), { method: 'POST', url: TOKEN_URL }))).toBe('dpop_iat');
  });
});

describe('one use per proof (RFC 9449 §11.1)', () => {
  it('refuses the same proof twice', async () => {
    const proof = await mintProof(es256, clock);
    expect(outcome(await atToken(proof))).toBe('ok');
    expect(outcome(await atToken(proof))).toBe('dpop_replayed');
  });

  it('refuses a new proof reusing a jti with the same key', async () => {
    const jti = randomUUID();
    expect(outcome(await atToken(await mintProof(es256, clock, { claims: { jti } })))).toBe('ok');
    expect(outcome(await atToken(await mintProof(es256, clock, { claims: { jti } })))).toBe('dpop_replayed');
  });

  it('keeps the jti of one key apart from the same jti of another key', async () => {
    const jti = randomUUID();
    expect(outcome(await atToken(await mintProof(es256, clock, { claims: { jti } })))).toBe('ok');
    expect(outcome(await atToken(await mintProof(ed, clock, { claims: { jti } })))).toBe('ok');
  });

  it('refuses across two verifier instances sharing one MemoryReplayStore, not across separate stores', async () => {
    const shared = new MemoryReplayStore({ now: clock.now });
    const a = new DpopVerifier({ now: clock.now, replayStore: shared });
    const b = new DpopVerifier({ now: clock.now, replayStore: shared });
    const proof = await mintProof(es256, clock);
    expect(outcome(await a.verify(proof, { method: 'POST', url: TOKEN_URL }))).toBe('ok');
    expect(outcome(await b.verify(proof, { method: 'POST', url: TOKEN_URL }))).toBe('dpop_replayed');
    const c = new DpopVerifier({ now: clock.now, replayStore: storeOn(clock) });
    expect(outcome(await c.verify(proof, { method: 'POST', url: TOKEN_URL }))).toBe('ok');
  });

  it('only one of concurrent uses of a proof succeeds', async () => {
    const proof = await mintProof(es256, clock);
    const results = await Promise.all(Array.from({ length: 8 }, () => atToken(proof)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('does not use up a proof it refused for another reason', async () => {
    const proof = await mintProof(es256, clock);
    expect(outcome(await atToken(proof, 'https://as.example.com/other'))).toBe('dpop_htu');
    expect(outcome(await atToken(proof))).toBe('ok');
  });

  it('remembers the proof until iat + maxAge + clockTolerance, under a d-prefixed key', async () => {
    const calls: Array<[string, number]> = [];
    const spy = { remember: (key: string, expiresAt: number) => (calls.push([key, expiresAt]), Promise.resolve(true)) };
    const v = new DpopVerifier({ now: clock.now, replayStore: spy });
    expect(outcome(await v.verify(await mintProof(es256, clock), { method: 'POST', url: TOKEN_URL }))).toBe('ok');
    expect(calls).toHaveLength(1);
    expect(calls[0]![0]).toMatch(/^d[A-Za-z0-9_-]{43}$/);
    expect(calls[0]![1]).toBe(clock.seconds() + 60 + 30);
  });

  it('fails closed with 503 when the replay store cannot answer', async () => {
    const broken = { remember: () => Promise.reject(new Error('connection refused')) };
    const v = new DpopVerifier({ now: clock.now, replayStore: broken });
    const promise = v.verify(await mintProof(es256, clock), { method: 'POST', url: TOKEN_URL });
    await expect(promise).rejects.toBeInstanceOf(TemporarilyUnavailableError);
    await expect(promise).rejects.toMatchObject({ status: 503, reason: 'replay_store_unavailable' });
  });
});

describe('ath and key binding (RFC 9449 §4.3 item 12, §6.1)', () => {
  const token = 'access-token-123';
  const atApi = (proof: string, extra: { expectedJkt?: string; accessToken?: string } = {}) =>
    verifier.verify(proof, { method: 'GET', url: API_URL, accessToken: token, ...extra });

  it('refuses an ath of another token', async () => {
    expect(outcome(await atApi(await mintProof(es256, clock, { htm: 'GET', htu: API_URL, claims: { ath: ath('other-token') } })))).toBe('dpop_ath');
  });

  it('refuses a proof without ath when a token is presented', async () => {
    expect(outcome(await atApi(await mintProof(es256, clock, { htm: 'GET', htu: API_URL })))).toBe('dpop_ath');
  });

  it('refuses a proof whose key is not the bound cnf.jkt, and accepts the bound key', async () => {
    const proof = (key: ProofKey) => mintProof(key, clock, { htm: 'GET', htu: API_URL, claims: { ath: ath(token) } });
    const boundToEs = await calculateJwkThumbprint(es256.publicJwk, 'sha256');
    const refused = await atApi(await proof(ed), { expectedJkt: boundToEs });
    expect(outcome(refused)).toBe('dpop_jkt_mismatch');
    expect(!refused.ok && refused.refusal.bound).toBe(true);
    expect(outcome(await atApi(await proof(es256), { expectedJkt: boundToEs }))).toBe('ok');
  });

  it('checks the signature before the binding: a forged proof with another key is invalid, not a mismatch', async () => {
    // Signed by es256 but carrying another P-256 key: a mismatch-first order would say dpop_jkt_mismatch.
    const expectedJkt = await calculateJwkThumbprint(es256.publicJwk, 'sha256');
    const forged = await mintProof(es256, clock, { header: { jwk: (await proofKey('ES256')).publicJwk } });
    expect(outcome(await atToken(forged, TOKEN_URL, { expectedJkt }))).toBe('dpop_signature');
  });

  it('refuses an ID-JAG-bound grant proven with another key at the token endpoint', async () => {
    const expectedJkt = await calculateJwkThumbprint(rs256.publicJwk, 'sha256');
    expect(outcome(await atToken(await mintProof(es256, clock), TOKEN_URL, { expectedJkt }))).toBe('dpop_jkt_mismatch');
  });
});

describe('the key in the jwk header (RFC 9449 §4.3 item 7)', () => {
  it('refuses a private key in the header (d present)', async () => {
    const proof = await mintProof(es256, clock, { header: { jwk: es256.privateJwk } });
    expect(outcome(await atToken(proof))).toBe('dpop_jwk');
  });

  it('refuses an RSA private key in the header', async () => {
    expect(outcome(await atToken(await mintProof(rs256, clock, { header: { jwk: rs256.privateJwk } })))).toBe('dpop_jwk');
  });

  it('refuses a symmetric (oct) jwk, even with an asymmetric alg', async () => {
    const proof = await mintProof(es256, clock, { header: { jwk: { kty: 'oct', k: Buffer.alloc(32).toString('base64url') } } });
    expect(outcome(await atToken(proof))).toBe('dpop_jwk');
  });

  it('refuses a proof without jwk', async () => {
    expect(outcome(await atToken(await mintProof(es256, clock, { header: { jwk: undefined } })))).toBe('dpop_jwk');
  });

  it('refuses an RSA key under 2048 bits', async () => {
    // jose will not make a key this weak, so node:crypto makes and signs with it.
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = publicKey.export({ format: 'jwk' });
    const claims = { jti: randomUUID(), htm: 'POST', htu: TOKEN_URL, iat: clock.seconds() };
    expect(outcome(await atToken(nodeSignedProof(privateKey, { alg: 'RS256', typ: 'dpop+jwt', jwk }, claims)))).toBe('dpop_jwk');
    // The same construction with a 2048-bit key passes: the refusal is the key size.
    const strong = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ok = nodeSignedProof(strong.privateKey, { alg: 'RS256', typ: 'dpop+jwt', jwk: strong.publicKey.export({ format: 'jwk' }) }, claims);
    expect(outcome(await atToken(ok))).toBe('ok');
  });

  it('refuses a key of another curve than the alg names', async () => {
    const p384 = await proofKey('ES384');
    const proof = await mintProof(p384, clock, { header: { alg: 'ES384', jwk: p384.publicJwk } });
    expect(outcome(await atToken(proof))).toBe('ok');
    // Header claims ES256 with a P-384 key: refused before any signature check.
    const header = Buffer.from(JSON.stringify({ alg: 'ES256', typ: 'dpop+jwt', jwk: p384.publicJwk })).toString('base64url');
    const [, payload, signature] = proof.split('.');
    expect(outcome(await atToken(`${header}.${payload}.${signature}`))).toBe('dpop_jwk');
  });

  it('refuses a proof signed by a key other than its jwk', async () => {
    const proof = await mintProof(es256, clock, { header: { jwk: (await proofKey('ES256')).publicJwk } });
    expect(outcome(await atToken(proof))).toBe('dpop_signature');
  });

  it('refuses a proof whose claims were changed after signing', async () => {
    const proof = await mintProof(es256, clock);
    const [header, , signature] = proof.split('.');
    const claims = Buffer.from(JSON.stringify({ jti: randomUUID(), htm: 'POST', htu: TOKEN_URL, iat: clock.seconds() })).toString('base64url');
    expect(outcome(await atToken(`${header}.${claims}.${signature}`))).toBe('dpop_signature');
  });
});

describe('typ and alg (RFC 9449 §4.3 items 4, 5)', () => {
  it.each(['JWT', 'at+jwt', 'application/dpop+jwt', 'DPOP+JWT', undefined])('refuses typ %s', async (typ) => {
    expect(outcome(await atToken(await mintProof(es256, clock, { header: { typ } })))).toBe('dpop_typ');
  });

  it('refuses HS256 with the key in the header', async () => {
    expect(outcome(await atToken(hmacProof(clock)))).toBe('dpop_alg');
  });

  it('refuses alg none: as malformed with its empty signature, on its alg with any other', async () => {
    const unsecured = unsecuredProof(clock, es256.publicJwk);
    expect(outcome(await atToken(unsecured))).toBe('dpop_malformed');
    expect(outcome(await atToken(`${unsecured}AAAA`))).toBe('dpop_alg');
  });

  it('refuses an algorithm the verifier was not configured with', async () => {
    const onlyEs = new DpopVerifier({ now: clock.now, replayStore: storeOn(clock), algorithms: ['ES256'] });
    expect(outcome(await onlyEs.verify(await mintProof(rs256, clock), { method: 'POST', url: TOKEN_URL }))).toBe('dpop_alg');
    expect(outcome(await onlyEs.verify(await mintProof(es256, clock), { method: 'POST', url: TOKEN_URL }))).toBe('ok');
  });
});

describe('the DPoP header and the JWS (RFC 9449 §4.3 items 1–3)', () => {
  it('refuses two DPoP values, given as a list or joined by Node', async () => {
    const [a, b] = [await mintProof(es256, clock), await mintProof(es256, clock)];
    expect(outcome(await verifier.verify([a, b], { method: 'POST', url: TOKEN_URL }))).toBe('dpop_multiple');
    expect(outcome(await verifier.verify(`${a}, ${b}`, { method: 'POST', url: TOKEN_URL }))).toBe('dpop_multiple');
    expect(outcome(await verifier.verify([a], { method: 'POST', url: TOKEN_URL }))).toBe('ok');
  });

  it('refuses no DPoP value', async () => {
    expect(outcome(await verifier.verify(undefined, { method: 'POST', url: TOKEN_URL }))).toBe('dpop_missing');
    expect(outcome(await verifier.verify([], { method: 'POST', url: TOKEN_URL }))).toBe('dpop_missing');
    expect(outcome(await verifier.verify('', { method: 'POST', url: TOKEN_URL }))).toBe('dpop_missing');
  });

  it.each([
    ['not a JWS', 'not-a-jwt'],
    ['a JWE', 'a.b.c.d.e'],
    ['a repeated header member', `${Buffer.from('{"typ":"dpop+jwt","typ":"dpop+jwt","alg":"ES256"}').toString('base64url')}.e30.AAAA`],
    ['an oversized proof', `${'a'.repeat(9000)}.e30.AAAA`],
  ])('refuses %s as malformed', async (_what, proof) => {
    expect(outcome(await atToken(proof))).toBe('dpop_malformed');
  });

  it('refuses a crit header', async () => {
    const claims = { jti: randomUUID(), htm: 'POST', htu: TOKEN_URL, iat: clock.seconds() };
    const header = { alg: 'ES256', typ: 'dpop+jwt', jwk: es256.publicJwk };
    expect(outcome(await atToken(nodeSignedProof(es256.privateJwk, { ...header, crit: ['x-ext'], 'x-ext': 1 }, claims)))).toBe('dpop_malformed');
    expect(outcome(await atToken(nodeSignedProof(es256.privateJwk, header, { ...claims, jti: randomUUID() })))).toBe('ok');
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['a number', 12345],
    ['longer than 256 characters', 'x'.repeat(257)],
  ])('refuses a jti that is %s', async (_what, jti) => {
    expect(outcome(await atToken(await mintProof(es256, clock, { claims: { jti } })))).toBe('dpop_malformed');
  });
});

describe('server nonces (RFC 9449 §8, §9)', () => {
  const nonces = { current: () => 'fresh-nonce', accepts: (n: string) => n === 'fresh-nonce' || n === 'previous-nonce' };
  let withNonces: DpopVerifier;
  beforeEach(() => {
    withNonces = new DpopVerifier({ now: clock.now, replayStore: storeOn(clock), nonces });
  });
  const verify = (proof: string) => withNonces.verify(proof, { method: 'POST', url: TOKEN_URL });

  it('requires a nonce and hands out a fresh one', async () => {
    const result = await verify(await mintProof(es256, clock));
    expect(result).toMatchObject({ ok: false, refusal: { reason: 'dpop_nonce_required', nonce: 'fresh-nonce' } });
  });

  it('refuses a wrong nonce with a fresh one', async () => {
    const result = await verify(await mintProof(es256, clock, { claims: { nonce: 'guessed' } }));
    expect(result).toMatchObject({ ok: false, refusal: { reason: 'dpop_nonce_required', nonce: 'fresh-nonce' } });
    expect(outcome(await verify(await mintProof(es256, clock, { claims: { nonce: 42 } })))).toBe('dpop_nonce_required');
  });

  it('accepts an accepted nonce and names the next one', async () => {
    const result = await verify(await mintProof(es256, clock, { claims: { nonce: 'previous-nonce' } }));
    expect(result).toMatchObject({ ok: true, proof: { nextNonce: 'fresh-nonce' } });
  });

  it('requires one fixed nonce given to verifyDpopProof', async () => {
    const options = { method: 'POST', url: TOKEN_URL, now: clock.now, replayStore: storeOn(clock), nonce: 'n-1' };
    expect(outcome(await verifyDpopProof(await mintProof(es256, clock, { claims: { nonce: 'n-2' } }), options))).toBe('dpop_nonce_required');
    expect(outcome(await verifyDpopProof(await mintProof(es256, clock, { claims: { nonce: 'n-1' } }), options))).toBe('ok');
  });

  it('does not use up a proof refused for its nonce', async () => {
    const v = new DpopVerifier({ now: clock.now, replayStore: storeOn(clock), nonces });
    const proof = await mintProof(es256, clock);
    expect(outcome(await v.verify(proof, { method: 'POST', url: TOKEN_URL }))).toBe('dpop_nonce_required');
    expect(outcome(await verifier.verify(proof, { method: 'POST', url: TOKEN_URL }))).toBe('ok');
  });
});
