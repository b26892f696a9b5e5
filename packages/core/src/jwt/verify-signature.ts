import { KeyObject, verify, type VerifyKeyObjectInput } from 'node:crypto';
import type { CryptoKey } from 'jose';
import { cryptoOptions, SPECS } from './algorithms.js';
import { onThreadPool, preferThreadPool } from './crypto-scheduler.js';

/** How to verify with one key and algorithm, and the only signature length that can be valid. */
interface Verification {
  input: VerifyKeyObjectInput;
  /** Bytes: the modulus length for RSA (RFC 8017 §8.1.2, §8.2.2), 2 × the coordinate for ECDSA (RFC 7518 §3.4), 64 for Ed25519. */
  signatureLength: number;
}

const EC_SIGNATURE_LENGTH: Readonly<Record<string, number>> = { prime256v1: 64, secp384r1: 96, secp521r1: 132 };

/** The type and curve of a key, as node:crypto names them (`asymmetricKeyType`, `asymmetricKeyDetails.namedCurve`). */
interface KeyFacts {
  readonly type: string;
  readonly namedCurve?: string;
}

/**
 * node:crypto's names for the key of a JWK `crv` (RFC 7518 §6.2.1.1, RFC 8037 §2), for the curves we verify
 * with, and the `kty` that curve belongs to (an RSA JWK with a stray `crv` member is an RSA key).
 */
const FACTS_OF_CRV: ReadonlyMap<string | undefined, KeyFacts & { readonly kty: string }> = new Map([
  ['P-256', { kty: 'EC', type: 'ec', namedCurve: 'prime256v1' }],
  ['P-384', { kty: 'EC', type: 'ec', namedCurve: 'secp384r1' }],
  ['P-521', { kty: 'EC', type: 'ec', namedCurve: 'secp521r1' }],
  ['Ed25519', { kty: 'OKP', type: 'ed25519' }],
]);

/**
 * What is kept of one key: its node:crypto view (a WebCrypto `CryptoKey`, as jose imports one, is
 * converted once, never per request), its type and curve when read from its JWK, and how to verify with
 * it by algorithm. One entry per key, so that a new key costs one weak-map entry.
 */
interface KeyState {
  readonly keyObject: KeyObject;
  readonly facts: KeyFacts | undefined;
  readonly inputs: Map<string, Verification | null>;
}

const states = new WeakMap<object, KeyState>();

/**
 * Records that `key` was imported with node:crypto's `createPublicKey` from `jwk`, so that its first
 * verification reads its type and curve from the JWK's `kty` and `crv` instead of asking OpenSSL
 * (`asymmetricKeyType` and `asymmetricKeyDetails`, about 7 µs on a key's first use; `npm run bench`,
 * firstRequest). For EC and Ed25519 keys only: an RSA key's modulus length is still asked of OpenSSL.
 * Returns `key`.
 */
export function importedFromJwk(key: KeyObject, jwk: { readonly kty?: string; readonly crv?: string }): KeyObject {
  const facts = FACTS_OF_CRV.get(jwk.crv);
  states.set(key, { keyObject: key, facts: facts !== undefined && jwk.kty === facts.kty ? facts : undefined, inputs: new Map() });
  return key;
}

/** The node:crypto verify input for a key and algorithm, or null when the key does not fit the algorithm. */
function verification(key: CryptoKey | KeyObject, alg: string): Verification | null {
  let state = states.get(key);
  if (state === undefined) {
    const keyObject = key instanceof KeyObject ? key : KeyObject.from(key as Parameters<typeof KeyObject.from>[0]);
    state = { keyObject, facts: undefined, inputs: new Map() };
    // Stryker disable next-line CallExpression: a cache; the key is converted and its inputs worked out again next time, to the same values
    states.set(key, state);
  }
  const { keyObject, facts, inputs } = state;
  let input = inputs.get(alg);
  if (input === undefined) {
    const spec = SPECS[alg];
    const details: { namedCurve?: string; modulusLength?: number } = facts ?? keyObject.asymmetricKeyDetails ?? {};
    const fits =
      spec !== undefined &&
      keyObject.type === 'public' &&
      // Stryker disable next-line ConditionalExpression: the only mix no later check refuses (an EC or RSA key under EdDSA, 64-byte signature) node:crypto refuses itself
      (facts?.type ?? keyObject.asymmetricKeyType) === spec.keyType &&
      (spec.namedCurve === undefined || details.namedCurve === spec.namedCurve) &&
      (spec.keyType !== 'rsa' || (details.modulusLength ?? 0) >= 2048);
    if (fits) {
      const signatureLength =
        spec.keyType === 'rsa'
          ? Math.ceil((details.modulusLength as number) / 8)
          : spec.keyType === 'ec'
            ? (EC_SIGNATURE_LENGTH[details.namedCurve as string] as number)
            : 64;
      input = { input: cryptoOptions(spec, keyObject), signatureLength };
    } else {
      input = null;
    }
    // Stryker disable next-line CallExpression: a cache; the input is worked out again next time, to the same value
    inputs.set(alg, input);
  }
  return input;
}

/**
 * Verifies a JWS signature (RFC 7515 §5.2) over `signingInput` with a selected key: a node:crypto `KeyObject`
 * (local key sets) or a WebCrypto `CryptoKey` (converted once).
 * Uses node:crypto directly (cheaper than jose.jwtVerify through WebCrypto; `npm run bench`, engine
 * section): synchronously for one caller, answering a boolean; on the thread pool when the server is busy
 * (see preferThreadPool), answering a promise that never rejects. False for a key that does not fit the
 * algorithm, a signature of the wrong length (RFC 8017 §8.2.2 step 1), or a malformed signature.
 */
export function verifySignature(alg: string, key: CryptoKey | KeyObject, signingInput: Uint8Array, signature: Uint8Array): boolean | Promise<boolean> {
  const v = verification(key, alg);
  // A wrong length is refused before OpenSSL, which accepts an RSA-PSS signature with its leading zero
  // bytes stripped: a second spelling of one signature that would dodge the jti-less replay key.
  if (v === null || signature.length !== v.signatureLength) return false;
  const hash = SPECS[alg]!.hash;
  try {
    // Stryker disable next-line ConditionalExpression,BooleanLiteral: which thread verifies, not the answer (tests verify and refuse on both paths)
    if (!preferThreadPool()) return verify(hash, signingInput, v.input, signature);
    return onThreadPool<boolean>((done) => verify(hash, signingInput, v.input, signature, done)).catch(() => false);
  } catch {
    return false;
  }
}
