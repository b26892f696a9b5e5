/**
 * Why the local key set refuses a header (its NoSingleKeyError message is the refusal's detail in logs
 * and traces), and the members jose's rules require to be strings: a `kid` that is not a string never
 * matches, and `key_ops` must be distinct strings (RFC 7517 §4.3, §4.5).
 */
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { JWK } from 'jose';
import { createKeyResolver, NoSingleKeyError } from '../../src/keys/local-key-set.js';

const ec = (): JWK => generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }) as JWK;
const refusal = (message: string) => new NoSingleKeyError(message);
/** A resolver's answer as a promise: it answers synchronously and throws its refusals. */
const settled = (resolve: () => KeyObject): Promise<KeyObject> => Promise.resolve().then(resolve);

describe('createKeyResolver refusals', () => {
  it('names the refusal: no alg, no key, more than one key, key_ops beyond verify', async () => {
    const one = createKeyResolver([ec()]);
    await expect(settled(() => one({} as { alg: string }))).rejects.toThrow(refusal('the header has no alg'));
    await expect(settled(() => one({ alg: 'ES384' }))).rejects.toThrow(refusal('no key fits the header'));
    await expect(settled(() => createKeyResolver([ec(), ec()])({ alg: 'ES256' }))).rejects.toThrow(refusal('more than one key fits the header'));
    await expect(settled(() => createKeyResolver([{ ...ec(), key_ops: ['verify', 'sign'] }])({ alg: 'ES256' }))).rejects.toThrow(
      refusal('the key_ops of the key allow more than verify'),
    );
  });

  it('a kid that is not a string matches no key, even one whose kid is the same value', async () => {
    const key = { ...ec(), kid: 7 } as unknown as JWK;
    await expect(settled(() => createKeyResolver([key])({ alg: 'ES256', kid: 7 } as unknown as { alg: string }))).rejects.toThrow(refusal('no key fits the header'));
    const named = { ...ec(), kid: '7' };
    expect(createKeyResolver([named])({ alg: 'ES256', kid: '7' })).toMatchObject({ type: 'public' });
  });

  it('key_ops must be strings: a non-string entry makes the key fit nothing (not a key_ops refusal after it was chosen)', async () => {
    const key = { ...ec(), key_ops: [1, 'verify'] } as unknown as JWK;
    await expect(settled(() => createKeyResolver([key])({ alg: 'ES256' }))).rejects.toThrow(refusal('no key fits the header'));
  });

  it('a JWK with private members yields its public key only', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const key: KeyObject = createKeyResolver([privateKey.export({ format: 'jwk' }) as JWK])({ alg: 'ES256' });
    expect(key.type).toBe('public');
  });
});
