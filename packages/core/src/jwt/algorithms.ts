import { constants, type KeyObject, type SignKeyObjectInput } from 'node:crypto';

/** How node:crypto signs and verifies one JWS algorithm (RFC 7518 §3, RFC 8037 §3.1, RFC 9864). */
export interface AlgorithmSpec {
  /** Digest name for node:crypto; null for EdDSA. */
  hash: string | null;
  /** Key type the algorithm is bound to (RFC 8725 §3.1: a key serves one algorithm family). */
  keyType: 'rsa' | 'ec' | 'ed25519';
  namedCurve?: string;
  pss?: boolean;
}

/** Every asymmetric JWS algorithm the suite signs or verifies with. */
export const SPECS: Readonly<Record<string, AlgorithmSpec>> = {
  RS256: { hash: 'sha256', keyType: 'rsa' },
  RS384: { hash: 'sha384', keyType: 'rsa' },
  RS512: { hash: 'sha512', keyType: 'rsa' },
  PS256: { hash: 'sha256', keyType: 'rsa', pss: true },
  PS384: { hash: 'sha384', keyType: 'rsa', pss: true },
  PS512: { hash: 'sha512', keyType: 'rsa', pss: true },
  ES256: { hash: 'sha256', keyType: 'ec', namedCurve: 'prime256v1' },
  ES384: { hash: 'sha384', keyType: 'ec', namedCurve: 'secp384r1' },
  ES512: { hash: 'sha512', keyType: 'ec', namedCurve: 'secp521r1' },
  EdDSA: { hash: null, keyType: 'ed25519' },
  Ed25519: { hash: null, keyType: 'ed25519' },
};

/** node:crypto key options for an algorithm: PSS padding, or JOSE's raw r||s ECDSA signatures. */
export function cryptoOptions(spec: AlgorithmSpec, key: KeyObject): SignKeyObjectInput {
  if (spec.pss) return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST };
  if (spec.keyType === 'ec') return { key, dsaEncoding: 'ieee-p1363' };
  return { key };
}
