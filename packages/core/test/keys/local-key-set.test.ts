/**
 * The engine's key selection against jose's `createLocalJWKSet`, whose rules it follows (RFC 7517 §4,
 * RFC 8725 §3.1): over generated key sets (real RSA, P-256, P-384 and Ed25519 keys under varied `kid`,
 * `alg`, `use`, `key_ops` and `ext`) and headers, both find a key or both refuse, and find the same key.
 */
import { generateKeyPairSync, KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { createLocalJWKSet, type JWK } from 'jose';
import { createKeyResolver, NoSingleKeyError } from '../../src/keys/local-key-set.js';

const publicJwk = (type: 'rsa' | 'ec' | 'ed25519', curve?: string): JWK => {
  const { publicKey } =
    type === 'rsa'
      ? generateKeyPairSync('rsa', { modulusLength: 2048 })
      : type === 'ec'
        ? generateKeyPairSync('ec', { namedCurve: curve as string })
        : generateKeyPairSync('ed25519');
  return publicKey.export({ format: 'jwk' }) as JWK;
};
const BASE_KEYS = [publicJwk('rsa'), publicJwk('rsa'), publicJwk('ec', 'P-256'), publicJwk('ec', 'P-256'), publicJwk('ec', 'P-384'), publicJwk('ed25519')];
const ALGS = ['RS256', 'PS384', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'HS256', 'none'];

/** A JWK member or header parameter, absent three times out of four. */
const member = <T>(values: readonly T[]) => fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...values) });
const jwk = fc
  .record({
    base: fc.nat({ max: BASE_KEYS.length - 1 }),
    kid: member(['a', 'b']),
    alg: member(['RS256', 'PS384', 'ES256', 'ES384', 'EdDSA']),
    use: member(['sig', 'enc']),
    key_ops: member([['verify'], ['sign'], ['verify', 'verify'], ['sign', 'verify'], []]),
    ext: member<unknown>([true, false, 'yes']),
  })
  .map(({ base, ...members }) => {
    const key: JWK = { ...BASE_KEYS[base] };
    for (const [name, value] of Object.entries(members)) if (value !== undefined) (key as Record<string, unknown>)[name] = value;
    return key;
  });
const header = fc.record({ alg: fc.constantFrom(...ALGS), kid: member<unknown>(['a', 'b', 'c', 1]) }, { requiredKeys: ['alg'] });

/** The selected key as comparable text, or undefined when refused. */
const outcome = async (resolve: () => unknown): Promise<string | undefined> => {
  try {
    const key = await resolve();
    const object = key instanceof KeyObject ? key : KeyObject.from(key as Parameters<typeof KeyObject.from>[0]);
    return JSON.stringify(object.export({ format: 'jwk' }));
  } catch {
    return undefined;
  }
};

describe('createKeyResolver (RFC 7517 §4, RFC 8725 §3.1)', () => {
  it('selects the same key as jose createLocalJWKSet, or refuses when it does', async () => {
    let found = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(jwk, { maxLength: 4 }), header, async (keys, h) => {
        const ours = await outcome(() => createKeyResolver(keys)(h as never));
        const jose = await outcome(() => createLocalJWKSet({ keys })(h as never));
        expect(ours).toBe(jose);
        if (ours !== undefined) found++;
      }),
      { numRuns: 1000 },
    );
    // The generated cases must exercise selection, not only refusals.
    expect(found).toBeGreaterThan(50);
  });

  it('imports a key once: the same KeyObject on every later use', async () => {
    const resolve = createKeyResolver([{ ...BASE_KEYS[2], kid: 'a' }]);
    const first = resolve({ alg: 'ES256', kid: 'a' });
    expect(first).toBeInstanceOf(KeyObject); // answered synchronously, not a promise
    expect(resolve({ alg: 'ES256' })).toBe(first);
  });

  it('refuses with NoSingleKeyError when no key or two keys fit, and for an alg without a key type', async () => {
    const resolve = createKeyResolver([BASE_KEYS[2] as JWK, BASE_KEYS[3] as JWK]);
    expect(() => resolve({ alg: 'ES256' })).toThrow(NoSingleKeyError);
    expect(() => resolve({ alg: 'ES384' })).toThrow(NoSingleKeyError);
    expect(() => resolve({ alg: 'HS256' })).toThrow(NoSingleKeyError);
  });

  it('copies the keys it is given: changing them afterwards changes nothing', async () => {
    const key: JWK = { ...BASE_KEYS[2], kid: 'a' };
    const resolve = createKeyResolver([key]);
    key.kid = 'b';
    expect(resolve({ alg: 'ES256', kid: 'a' })).toBeInstanceOf(KeyObject);
  });
});
