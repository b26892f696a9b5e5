import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import { preferThreadPool } from '../../src/jwt/crypto-scheduler.js';
import { verifySignature } from '../../src/jwt/verify-signature.js';
import { CompactSigner } from '../../src/jwt/compact-signer.js';

/** Keeps the event loop busy, as a loaded server's would be. */
function busyFor(ms: number): void {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    // spin
  }
}

describe('signature work on the thread pool when the main thread is busy', () => {
  it('moves to the thread pool after a busy window and still verifies and signs correctly there', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = privateKey.export({ format: 'jwk' }) as JWK;
    const key = (await importJWK(publicKey.export({ format: 'jwk' }) as JWK, 'ES256')) as CryptoKey;
    const input = Buffer.from('header.payload');
    const signature = cryptoSign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' });

    // Start a fresh measuring window (idle time before it would dilute the utilisation), then keep
    // the thread busy for several windows: at least 150 of at most 170 ms busy is above 75 %.
    preferThreadPool();
    busyFor(150);
    expect(preferThreadPool()).toBe(true);

    const pending = verifySignature('ES256', key, input, signature);
    expect(pending).toBeInstanceOf(Promise);
    expect(await pending).toBe(true);
    const tampered = Buffer.from(signature);
    tampered[5]! ^= 1;
    expect(await verifySignature('ES256', key, input, tampered)).toBe(false);

    const token = await new CompactSigner({ ...jwk, alg: 'ES256' }, 'ES256', { typ: 'at+jwt' }).sign({ sub: 'x' });
    const [h, p, s] = token.split('.');
    expect(await verifySignature('ES256', key, Buffer.from(`${h}.${p}`), Buffer.from(s!, 'base64url'))).toBe(true);
  });
});
