/**
 * The test kit's keys: one key pair type for every test, minted with jose. The private JWK carries `kid`
 * (and `alg` when asked, as a client's key file does); the public JWK carries `kid` and no `alg` member.
 */
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';

/** A key pair for one JWS algorithm (`ES256`, `RS256`, `PS256`, `EdDSA`, `Ed25519`, …) with its JWKs. */
export interface TestKey {
  readonly alg: string;
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly publicKey: CryptoKey;
  readonly privateJwk: JWK;
  readonly publicJwk: JWK;
}

/** What {@link makeKey} may be asked besides the algorithm and `kid`. */
export interface MakeKeyOptions {
  /** RSA modulus, bits; default jose's (2048). */
  readonly modulusLength?: number;
  /** Put `alg` in the private JWK too (a key file the CLI or TokenClient reads its algorithm from). Default false. */
  readonly jwkAlg?: boolean;
}

/** Generates an extractable key pair for `alg` (`Ed25519` is jose's `EdDSA` with that curve); `kid` defaults to a UUID. */
export async function makeKey(alg: string, kid: string = randomUUID(), options: MakeKeyOptions = {}): Promise<TestKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg === 'Ed25519' ? 'EdDSA' : alg, {
    extractable: true,
    ...(options.modulusLength === undefined ? {} : { modulusLength: options.modulusLength }),
  });
  return {
    alg,
    kid,
    privateKey,
    publicKey,
    privateJwk: { ...(await exportJWK(privateKey)), kid, ...(options.jwkAlg === true ? { alg } : {}) },
    publicJwk: { ...(await exportJWK(publicKey)), kid },
  };
}
