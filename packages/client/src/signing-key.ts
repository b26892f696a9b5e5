import { createPrivateKey, KeyObject } from 'node:crypto';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import { ASSERTION_ALGORITHMS, type AssertionAlgorithm } from '@rfc7523/core/constants';
import { badOption } from './lib/checks.js';

/**
 * A private key that signs assertions: a private JWK (RFC 7517), a PEM string (PKCS#8, or PKCS#1 /
 * SEC1), a WebCrypto `CryptoKey` or a Node.js `KeyObject`. RSA (≥ 2048 bits), EC P-256/384/521 or Ed25519.
 */
export type SigningKeyInput = JWK | string | CryptoKey | KeyObject;

/** One of the asymmetric JWS algorithms the engine accepts (rule J9, RFC 8725 §3.1). */
export type SigningAlgorithm = AssertionAlgorithm;

/** A key ready to sign: imported once, with the algorithm and key ID its assertions carry. */
export interface SigningKey {
  /** The imported private key. */
  readonly key: CryptoKey | KeyObject;
  /** JWS `alg` header (RFC 7515 §4.1.1). */
  readonly alg: SigningAlgorithm;
  /** JWS `kid` header (RFC 7515 §4.1.4), when known. */
  readonly kid: string | undefined;
}

/** Smallest RSA modulus accepted, bits (rule J9, RFC 8725 §3.5). */
const MIN_RSA_BITS = 2048;
const CURVE_ALGS: Readonly<Record<string, SigningAlgorithm>> = { 'P-256': 'ES256', 'P-384': 'ES384', 'P-521': 'ES512' };
const NODE_CURVES: Readonly<Record<string, string>> = { prime256v1: 'P-256', secp384r1: 'P-384', secp521r1: 'P-521' };

type Family = 'RSA' | 'EC' | 'OKP';

function familyOf(alg: SigningAlgorithm): Family {
  if (alg.startsWith('ES')) return 'EC';
  if (alg === 'EdDSA' || alg === 'Ed25519') return 'OKP';
  return 'RSA';
}

function checkAlg(value: unknown): SigningAlgorithm | undefined {
  if (value === undefined) return undefined;
  if (!(ASSERTION_ALGORITHMS as readonly unknown[]).includes(value)) {
    badOption('alg', `must be one of ${ASSERTION_ALGORITHMS.join(', ')} (asymmetric only, RFC 8725 §3.1)`);
  }
  return value as SigningAlgorithm;
}

/** The algorithm a key's type and curve imply; RSA defaults to RS256, mandatory to implement (RFC 7523 §5). */
function algorithmFor(jwk: JWK, requested: SigningAlgorithm | undefined): SigningAlgorithm {
  const declared = checkAlgMember(jwk.alg);
  if (requested !== undefined && declared !== undefined && !sameAlg(requested, declared)) {
    badOption('alg', `is ${requested} but the key is declared for ${declared}`);
  }
  const wanted = requested ?? declared;
  switch (jwk.kty) {
    case 'EC': {
      const implied = CURVE_ALGS[String(jwk.crv)];
      if (implied === undefined) return badOption('key', 'must be on curve P-256, P-384 or P-521 when it is an EC key');
      if (wanted !== undefined && wanted !== implied) badOption('alg', `is ${wanted} but the key is an EC ${jwk.crv} key (${implied})`);
      return implied;
    }
    case 'OKP':
      if (jwk.crv !== 'Ed25519') return badOption('key', 'must be an Ed25519 key when it is an OKP key');
      if (wanted !== undefined && familyOf(wanted) !== 'OKP') badOption('alg', `is ${wanted} but the key is an Ed25519 key`);
      return wanted ?? 'EdDSA';
    case 'RSA': {
      if (wanted !== undefined && familyOf(wanted) !== 'RSA') badOption('alg', `is ${wanted} but the key is an RSA key`);
      const bits = Buffer.from(String(jwk.n), 'base64url').length * 8;
      if (bits < MIN_RSA_BITS) badOption('key', `must be an RSA key of at least ${MIN_RSA_BITS} bits`);
      return wanted ?? 'RS256';
    }
    default:
      return badOption('key', 'must be an RSA, EC or Ed25519 private key (symmetric keys are never used, RFC 8725 §3.1)');
  }
}

function checkAlgMember(value: unknown): SigningAlgorithm | undefined {
  return (ASSERTION_ALGORITHMS as readonly unknown[]).includes(value) ? (value as SigningAlgorithm) : undefined;
}

function sameAlg(a: SigningAlgorithm, b: SigningAlgorithm): boolean {
  return a === b || (familyOf(a) === 'OKP' && familyOf(b) === 'OKP');
}

function isKeyObject(value: unknown): value is KeyObject {
  return value instanceof KeyObject;
}

function isCryptoKey(value: unknown): value is CryptoKey {
  return typeof value === 'object' && value !== null && (value as { [Symbol.toStringTag]?: string })[Symbol.toStringTag] === 'CryptoKey';
}

/** The algorithm a WebCrypto key is bound to (a CryptoKey serves exactly one algorithm). */
function cryptoKeyAlgorithm(key: CryptoKey): SigningAlgorithm {
  const algorithm = key.algorithm as { name: string; namedCurve?: string; hash?: { name: string }; modulusLength?: number };
  const hashBits = algorithm.hash?.name.replace('SHA-', '');
  switch (algorithm.name) {
    case 'ECDSA': {
      const alg = CURVE_ALGS[String(algorithm.namedCurve)];
      if (alg === undefined) return badOption('key', 'must be on curve P-256, P-384 or P-521 when it is an ECDSA key');
      return alg;
    }
    case 'Ed25519':
      return 'EdDSA';
    case 'RSASSA-PKCS1-v1_5':
    case 'RSA-PSS': {
      if ((algorithm.modulusLength ?? 0) < MIN_RSA_BITS) badOption('key', `must be an RSA key of at least ${MIN_RSA_BITS} bits`);
      const alg = `${algorithm.name === 'RSA-PSS' ? 'PS' : 'RS'}${hashBits}`;
      return checkAlgMember(alg) ?? badOption('key', `uses an unsupported hash ${algorithm.hash?.name}`);
    }
    default:
      return badOption('key', `is a ${algorithm.name} CryptoKey; it must be an RSA, ECDSA or Ed25519 signing key`);
  }
}

/** A key checked but not yet imported: the material to import, its algorithm and key ID. Internal. */
export interface CheckedSigningKey {
  /** A private JWK to import, or a key that is ready as it is. */
  readonly material: JWK | CryptoKey | KeyObject;
  readonly alg: SigningAlgorithm;
  readonly kid: string | undefined;
}

/**
 * Checks a private key and settles the algorithm (RFC 7515 §4.1.1) and key ID (§4.1.4) its assertions
 * carry, synchronously, so that options can be validated when they are given: `alg` defaults to what
 * the key implies (ES256/384/512 by curve, EdDSA, RS256 for RSA), `kid` to the JWK's own. Throws a
 * TypeError naming `key`, `alg` or `kid` when they do not fit.
 */
export function checkSigningKey(input: unknown, alg?: unknown, kid?: unknown): CheckedSigningKey {
  const requested = checkAlg(alg);
  if (kid !== undefined && (typeof kid !== 'string' || kid.length === 0)) badOption('kid', 'must be a non-empty string');
  const keyId = kid as string | undefined;

  if (isCryptoKey(input)) {
    if (input.type !== 'private') badOption('key', 'must be a private key');
    if (!input.usages.includes('sign')) badOption('key', 'must be a CryptoKey usable to "sign"');
    const implied = cryptoKeyAlgorithm(input);
    if (requested !== undefined && !sameAlg(requested, implied)) badOption('alg', `is ${requested} but the CryptoKey is bound to ${implied}`);
    return Object.freeze({ material: input, alg: requested ?? implied, kid: keyId });
  }

  let jwk: JWK;
  let keyObject: KeyObject | undefined;
  if (typeof input === 'string') {
    try {
      keyObject = createPrivateKey(input);
    } catch (err) {
      return badOption('key', `is a string but not a PEM private key (PKCS#8, PKCS#1 or SEC1): ${(err as Error).message}`);
    }
  } else if (isKeyObject(input)) {
    if (input.type !== 'private') badOption('key', 'must be a private key');
    keyObject = input;
  }
  if (keyObject !== undefined) {
    if (keyObject.asymmetricKeyType === 'rsa-pss') {
      // Node cannot export RSA-PSS keys as JWK; jose signs with the KeyObject directly.
      if ((keyObject.asymmetricKeyDetails?.modulusLength ?? 0) < MIN_RSA_BITS) badOption('key', `must be an RSA key of at least ${MIN_RSA_BITS} bits`);
      if (requested !== undefined && !requested.startsWith('PS')) badOption('alg', `is ${requested} but the key is an RSA-PSS key`);
      return Object.freeze({ material: keyObject, alg: requested ?? 'PS256', kid: keyId });
    }
    try {
      jwk = keyObject.export({ format: 'jwk' }) as JWK;
    } catch {
      return badOption('key', 'must be an RSA, EC or Ed25519 private key');
    }
    if (keyObject.asymmetricKeyType === 'ec') jwk.crv = NODE_CURVES[String(keyObject.asymmetricKeyDetails?.namedCurve)] ?? jwk.crv;
  } else {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return badOption('key', 'must be a private JWK, a PEM string, a CryptoKey or a KeyObject');
    }
    jwk = input as JWK;
    if (typeof jwk.d !== 'string') badOption('key', 'must be a private key (this JWK has no "d")');
  }
  const algorithm = algorithmFor(jwk, requested);
  const { alg: _alg, key_ops: _ops, use: _use, ext: _ext, ...material } = jwk;
  return Object.freeze({ material, alg: algorithm, kid: keyId ?? jwk.kid });
}

/**
 * Imports a private key once (see {@link checkSigningKey} for the defaults of `alg` and `kid`).
 * Throws a TypeError naming `key`, `alg` or `kid` when they do not fit.
 */
export async function importSigningKey(input: unknown, alg?: unknown, kid?: unknown): Promise<SigningKey> {
  return importCheckedKey(checkSigningKey(input, alg, kid));
}

/** Imports a key {@link checkSigningKey} accepted. */
export async function importCheckedKey(checked: CheckedSigningKey): Promise<SigningKey> {
  const { material, alg, kid } = checked;
  if (isCryptoKey(material) || isKeyObject(material)) return Object.freeze({ key: material, alg, kid });
  let key: CryptoKey | Uint8Array;
  try {
    key = await importJWK(material, alg);
  } catch (err) {
    return badOption('key', `cannot be imported for ${alg}: ${(err as Error).message}`);
  }
  return Object.freeze({ key: key as CryptoKey, alg, kid });
}
