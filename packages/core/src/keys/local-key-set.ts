import { createPublicKey, type KeyObject } from 'node:crypto';
import type { JWK, JWSHeaderParameters } from 'jose';
import { jwkFitsAlgorithm } from '../dpop/dpop-algorithms.js';
import { importedFromJwk } from '../jwt/verify-signature.js';

/** Thrown when no key, or more than one, of a set fits a header: the caller refuses the token. */
export class NoSingleKeyError extends Error {}

/**
 * Whether a JWK may verify a JWS with this `alg` and `kid` (RFC 7517 §4, RFC 8725 §3.1), by the rules of
 * jose's `createLocalJWKSet`: `kty` (and `crv`) of the algorithm (none for an algorithm we do not
 * verify), the header's `kid` if it has one, the key's `alg` if it has one, `use` absent or `sig`,
 * `key_ops` absent or distinct strings including `verify`, `ext` absent or a boolean.
 */
function fits(jwk: JWK, alg: string, kid: unknown): boolean {
  const ops = jwk.key_ops as unknown;
  return (
    (jwk.ext === undefined || typeof jwk.ext === 'boolean') &&
    (ops === undefined ||
      (Array.isArray(ops) && ops.every((op, i) => typeof op === 'string' && ops.indexOf(op) === i) && ops.includes('verify'))) &&
    jwkFitsAlgorithm(jwk, alg) &&
    (kid === undefined || (typeof kid === 'string' && kid === jwk.kid)) &&
    (jwk.alg === undefined || jwk.alg === alg) &&
    (jwk.use === undefined || jwk.use === 'sig')
  );
}

/**
 * A key resolver over a fixed list of public JWKs (RFC 7517 §5): picks the one key that fits the header
 * (see {@link fits}; none or several is a {@link NoSingleKeyError}) and imports it with node:crypto's
 * `createPublicKey` on its first use, once; later uses take the imported `KeyObject`. Nothing is imported
 * at start-up, so a registry of many clients starts fast and a client's first request pays only its key's
 * import. `keys` are copied; a key that fits but does not import (or whose `key_ops` name more than
 * `verify`) is refused at each use, as jose refuses it. Answers synchronously (a refusal is thrown): the
 * keys are at hand, and an async frame per request is work for nothing.
 */
export function createKeyResolver(keys: readonly JWK[]): (header: JWSHeaderParameters) => KeyObject {
  const jwks = keys.map((jwk) => structuredClone(jwk));
  // Stryker disable next-line ArrayDeclaration: a preset length changes nothing, the entries are set by index
  const imported: Array<KeyObject | undefined> = new Array(jwks.length);
  return (header) => {
    const { alg, kid } = header;
    if (typeof alg !== 'string') throw new NoSingleKeyError('the header has no alg');
    let index = -1;
    for (let i = 0; i < jwks.length; i++) {
      if (!fits(jwks[i] as JWK, alg, kid)) continue;
      if (index !== -1) throw new NoSingleKeyError('more than one key fits the header');
      index = i;
    }
    if (index === -1) throw new NoSingleKeyError('no key fits the header');
    let key = imported[index];
    if (key === undefined) {
      const jwk = jwks[index] as JWK & { kty: string };
      // A public key serves `verify` only: other `key_ops` make the key unusable (WebCrypto refuses its import).
      if (jwk.key_ops !== undefined && jwk.key_ops.some((op) => op !== 'verify')) throw new NoSingleKeyError('the key_ops of the key allow more than verify');
      // Always a public key: given private members, createPublicKey derives the public half (and the key
      // sets drop such JWKs before they get here: publicJwkProblem).
      key = importedFromJwk(createPublicKey({ key: jwk, format: 'jwk' }), jwk);
      imported[index] = key;
    }
    return key;
  };
}
