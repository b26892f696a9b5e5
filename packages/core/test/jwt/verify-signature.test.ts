import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import { setThreadPoolPolicy } from '../../src/jwt/crypto-scheduler.js';
import { verifySignature } from '../../src/jwt/verify-signature.js';
import { makeKey, sign, type TestKey } from '../support/fixtures.js';

const parts = (token: string) => {
  const dot = token.lastIndexOf('.');
  return { input: Buffer.from(token.slice(0, dot), 'latin1'), signature: Buffer.from(token.slice(dot + 1), 'base64url') };
};
const publicKey = (key: TestKey, alg: string) => importJWK(key.publicJwk, alg) as Promise<CryptoKey>;

let rsa: TestKey;
let ec256: TestKey;
let ec384: TestKey;
let ed: TestKey;

beforeAll(async () => {
  rsa = await makeKey('RS256', 'rsa');
  ec256 = await makeKey('ES256', 'ec256');
  ec384 = await makeKey('ES384', 'ec384');
  ed = await makeKey('EdDSA', 'ed');
});

describe('verifySignature (J9)', () => {
  it.each(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'])('J9 verifies %s', async (alg) => {
    const { input, signature } = parts(await sign(rsa, { a: 1 }, { alg }));
    expect(await verifySignature(alg, await publicKey(rsa, alg), input, signature)).toBe(true);
    signature[0]! ^= 1;
    expect(await verifySignature(alg, await publicKey(rsa, alg), input, signature)).toBe(false);
  });

  it.each([
    ['ES256', () => ec256],
    ['ES384', () => ec384],
    ['EdDSA', () => ed],
    ['Ed25519', () => ed],
  ] as Array<[string, () => TestKey]>)('J9 verifies %s and refuses a changed signing input', async (alg, key) => {
    const { input, signature } = parts(await sign(key(), { a: 1 }, { alg }));
    const cryptoKey = await publicKey(key(), alg);
    expect(await verifySignature(alg, cryptoKey, input, signature)).toBe(true);
    expect(await verifySignature(alg, cryptoKey, Buffer.concat([input, Buffer.from('x')]), signature)).toBe(false);
  });

  it('RFC 8725 §3.1 refuses a key that does not fit the algorithm', async () => {
    const { input, signature } = parts(await sign(ec256, { a: 1 }));
    const p256 = await publicKey(ec256, 'ES256');
    expect(await verifySignature('ES384', p256, input, signature)).toBe(false);
    expect(await verifySignature('RS256', p256, input, signature)).toBe(false);
    expect(await verifySignature('EdDSA', p256, input, signature)).toBe(false);
    expect(await verifySignature('HS256', p256, input, signature)).toBe(false);
    expect(await verifySignature('none', p256, input, signature)).toBe(false);
    // The same key again, from the cache, still verifies under its own algorithm.
    expect(await verifySignature('ES256', p256, input, signature)).toBe(true);
  });

  it('J9 refuses an RSA key under 2048 bits even if one got this far', async () => {
    const { privateKey, publicKey: pub } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const input = Buffer.from('header.payload');
    const signature = cryptoSign('sha256', input, privateKey);
    const weak = (await importJWK(pub.export({ format: 'jwk' }) as JWK, 'RS256')) as CryptoKey;
    expect(await verifySignature('RS256', weak, input, signature)).toBe(false);
  });

  it('returns false, never throws, for a malformed signature', async () => {
    const { input } = parts(await sign(ec256, { a: 1 }));
    const p256 = await publicKey(ec256, 'ES256');
    for (const signature of [new Uint8Array(0), new Uint8Array(10), new Uint8Array(65), new Uint8Array(64)]) {
      expect(await verifySignature('ES256', p256, input, signature)).toBe(false);
    }
    const edKey = await publicKey(ed, 'EdDSA');
    expect(await verifySignature('EdDSA', edKey, input, new Uint8Array(3))).toBe(false);
    expect(await verifySignature('RS256', await publicKey(rsa, 'RS256'), input, new Uint8Array(1))).toBe(false);
  });

  it('J7 J9 refuses an RSA-PSS signature with a leading zero byte stripped (one signature, one spelling)', async () => {
    const { privateKey, publicKey: pub } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = (await importJWK(pub.export({ format: 'jwk' }) as JWK, 'PS256')) as CryptoKey;
    const pss = { key: privateKey, padding: 6 /* RSA_PKCS1_PSS_PADDING */, saltLength: 32 };
    let input = Buffer.alloc(0);
    let signature = Buffer.alloc(1, 1);
    // About one PSS signature in 256 starts with 0x00; OpenSSL also accepts it without that byte.
    for (let i = 0; signature[0] !== 0 && i < 5000; i++) {
      input = Buffer.from(`header.payload-${i}`);
      signature = cryptoSign('sha256', input, pss);
    }
    expect(signature[0]).toBe(0);
    expect(await verifySignature('PS256', key, input, signature)).toBe(true);
    expect(await verifySignature('PS256', key, input, signature.subarray(1))).toBe(false);
  });

  it('J9 refuses ECDSA and Ed25519 signatures of the wrong length', async () => {
    const es = parts(await sign(ec256, { a: 1 }, { alg: 'ES256' }));
    expect(await verifySignature('ES256', await publicKey(ec256, 'ES256'), es.input, Buffer.concat([es.signature, Buffer.alloc(1)]))).toBe(false);
    const eddsa = parts(await sign(ed, { a: 1 }, { alg: 'EdDSA' }));
    expect(await verifySignature('EdDSA', await publicKey(ed, 'EdDSA'), eddsa.input, eddsa.signature)).toBe(true);
    expect(await verifySignature('EdDSA', await publicKey(ed, 'EdDSA'), eddsa.input, eddsa.signature.subarray(1))).toBe(false);
  });

  it('RFC 8725 §3.1 refuses a private key as the verification key', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const input = Buffer.from('header.payload');
    const signature = cryptoSign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    expect(await verifySignature('ES256', privateKey, input, signature)).toBe(false);
  });

  it('J9 refuses an EC key of another curve, even with a signature of its own length and the algorithm\'s hash', async () => {
    const { privateKey, publicKey: p384 } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const input = Buffer.from('header.payload');
    const signature = cryptoSign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    expect(signature).toHaveLength(96);
    expect(await verifySignature('ES384', p384, input, cryptoSign('sha384', input, { key: privateKey, dsaEncoding: 'ieee-p1363' }))).toBe(true);
    expect(await verifySignature('ES256', p384, input, signature)).toBe(false);
  });

  it('RFC 8725 §3.1 refuses an ES256 key and signature presented as EdDSA (64 bytes both)', async () => {
    const { privateKey, publicKey: p256 } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const input = Buffer.from('header.payload');
    const signature = cryptoSign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    expect(await verifySignature('ES256', p256, input, signature)).toBe(true);
    expect(await verifySignature('EdDSA', p256, input, signature)).toBe(false);
    expect(await verifySignature('Ed25519', p256, input, signature)).toBe(false);
  });

  it.each([
    ['inline', false],
    ['on the thread pool', true],
  ])('returns false, never throws or rejects, when node:crypto throws (%s)', async (_, pool) => {
    const restore = setThreadPoolPolicy(() => pool);
    try {
      const { privateKey, publicKey: p256 } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const signature = cryptoSign('sha256', Buffer.from('x'), { key: privateKey, dsaEncoding: 'ieee-p1363' });
      const answer = verifySignature('ES256', p256, {} as Uint8Array, signature);
      expect(answer instanceof Promise).toBe(pool); // a boolean inline, a promise that resolves from the pool
      expect(await answer).toBe(false);
    } finally {
      restore();
    }
  });
});
