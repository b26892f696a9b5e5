/**
 * A key imported from a JWK its key set has checked is verified with the type and curve its `kty` and
 * `crv` name, without asking OpenSSL (`asymmetricKeyType`, `asymmetricKeyDetails`: native calls that cost
 * a new client's first request about 7 µs). The spies on node:crypto's own getters are the independent
 * check: they count what the verifier asks of the key.
 */
import { createPublicKey, generateKeyPairSync, KeyObject, sign as cryptoSign, type JsonWebKey } from 'node:crypto';
import { jest } from '@jest/globals';
import type { JWK } from 'jose';
import { importedFromJwk, verifySignature } from '../../src/jwt/verify-signature.js';
import { createKeyResolver } from '../../src/keys/local-key-set.js';

/** Where node:crypto defines the getters of a public or private asymmetric key. */
const ASYMMETRIC = Object.getPrototypeOf(Object.getPrototypeOf(generateKeyPairSync('ed25519').publicKey)) as KeyObject;

/** Counts reads of `asymmetricKeyType` and `asymmetricKeyDetails` during `work`. */
async function nativeReads(work: () => Promise<unknown>): Promise<number> {
  const type = jest.spyOn(ASYMMETRIC, 'asymmetricKeyType', 'get');
  const details = jest.spyOn(ASYMMETRIC, 'asymmetricKeyDetails', 'get');
  try {
    await work();
    return type.mock.calls.length + details.mock.calls.length;
  } finally {
    type.mockRestore();
    details.mockRestore();
  }
}

const INPUT = Buffer.from('header.payload');

type Kind = { alg: string; hash: string | null; pair: () => ReturnType<typeof generateKeyPairSync> };
const KINDS: Kind[] = [
  { alg: 'ES256', hash: 'sha256', pair: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }) },
  { alg: 'ES384', hash: 'sha384', pair: () => generateKeyPairSync('ec', { namedCurve: 'P-384' }) },
  { alg: 'ES512', hash: 'sha512', pair: () => generateKeyPairSync('ec', { namedCurve: 'P-521' }) },
  { alg: 'EdDSA', hash: null, pair: () => generateKeyPairSync('ed25519') },
];

/** A fresh key pair of `kind`: its public JWK and a JOSE-encoded signature of INPUT. */
function signed(kind: Kind) {
  const { publicKey, privateKey } = kind.pair();
  const signature = cryptoSign(kind.hash, INPUT, { key: privateKey, dsaEncoding: 'ieee-p1363' });
  return { jwk: publicKey.export({ format: 'jwk' }) as JWK, signature, privateKey };
}

describe('J9 key facts from the JWK', () => {
  it.each(KINDS.map((k) => [k.alg, k] as const))('%s: a key imported from its JWK verifies without asking OpenSSL its type or curve', async (_alg, kind) => {
    const { jwk, signature } = signed(kind);
    const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    expect(importedFromJwk(key, jwk)).toBe(key);
    expect(await nativeReads(async () => expect(await verifySignature(kind.alg, key, INPUT, signature)).toBe(true))).toBe(0);
  });

  it.each(KINDS.map((k) => [k.alg, k] as const))('%s: the facts from the JWK refuse every other algorithm, as the native ones do', async (_alg, kind) => {
    const { jwk, signature } = signed(kind);
    const key = importedFromJwk(createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }), jwk);
    for (const other of ['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'PS256'].filter((a) => a !== kind.alg)) {
      expect(await verifySignature(other, key, INPUT, signature)).toBe(false);
    }
  });

  it.each(KINDS.filter((k) => k.alg.startsWith('ES')).map((k) => [k.alg, k] as const))(
    '%s: a signature the key made with another ES algorithm\'s hash is refused under that algorithm (RFC 8725 §3.1: the curve binds the algorithm)',
    async (_alg, kind) => {
      const { jwk, privateKey } = signed(kind);
      const key = importedFromJwk(createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }), jwk);
      for (const other of KINDS.filter((k) => k.alg.startsWith('ES') && k !== kind)) {
        // A real signature by this key over INPUT with the other algorithm's hash, in this key's length.
        const signature = cryptoSign(other.hash, INPUT, { key: privateKey, dsaEncoding: 'ieee-p1363' });
        expect(await verifySignature(other.alg, key, INPUT, signature)).toBe(false);
      }
    },
  );

  it('a key imported without its JWK is asked (the spies see the reads the facts spare)', async () => {
    const { jwk, signature } = signed(KINDS[0]!);
    const key = createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' });
    expect(await nativeReads(async () => expect(await verifySignature('ES256', key, INPUT, signature)).toBe(true))).toBeGreaterThan(0);
  });

  it('an RSA JWK with a stray crv member stays an RSA key', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = { ...(publicKey.export({ format: 'jwk' }) as JWK), crv: 'P-256' };
    const key = importedFromJwk(createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }), jwk);
    expect(await verifySignature('RS256', key, INPUT, cryptoSign('sha256', INPUT, privateKey))).toBe(true);
  });

  it('a curve we do not verify with (secp256k1) is asked of OpenSSL and refused under ES256', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'secp256k1' });
    const jwk = publicKey.export({ format: 'jwk' }) as JWK;
    const key = importedFromJwk(createPublicKey({ key: jwk as JsonWebKey, format: 'jwk' }), jwk);
    const signature = cryptoSign('sha256', INPUT, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    expect(await nativeReads(async () => expect(await verifySignature('ES256', key, INPUT, signature)).toBe(false))).toBeGreaterThan(0);
  });

  it('the local key set imports its keys so: a client key verifies without the native reads', async () => {
    const { jwk, signature } = signed(KINDS[0]!);
    const key = createKeyResolver([{ ...jwk, kid: 'k1' }])({ alg: 'ES256', kid: 'k1' });
    expect(key).toBeInstanceOf(KeyObject);
    expect(await nativeReads(async () => expect(await verifySignature('ES256', key, INPUT, signature)).toBe(true))).toBe(0);
  });
});
