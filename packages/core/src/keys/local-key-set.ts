import { createPublicKey, type KeyObject } from 'node:crypto';
import type { JWK, JWSHeaderParameters } from 'jose';
import { jwkFitsAlgorithm } from '../dpop/dpop-algorithms.js';
import { importedFromJwk } from '../jwt/verify-signature.js';

/** Thrown when no key, or more than one, of a set fits a header: the caller refuses the token. */
export class NoSingleKeyError extends Error {}

/**
 * Whether a JWK is a signature key by its own members, whatever the header: `use` absent or `sig` (RFC
 * 7517 §4.2), `key_ops` absent or distinct strings including `verify` (§4.3), `ext` (WebCrypto's
 * JsonWebKey member) absent or a boolean — the rules of jose's `createLocalJWKSet`. Read by
 * {@link fits} on each request and, for the keys imported at once, by {@link createKeyResolver}.
 */
function signatureKey(jwk: JWK): boolean {
  const ops = jwk.key_ops as unknown;
  return (
    (jwk.ext === undefined || typeof jwk.ext === 'boolean') &&
    (ops === undefined ||
      (Array.isArray(ops) && ops.every((op, i) => typeof op === 'string' && ops.indexOf(op) === i) && ops.includes('verify'))) &&
    (jwk.use === undefined || jwk.use === 'sig')
  );
}

/**
 * Whether a JWK may verify a JWS with this `alg` and `kid` (RFC 7517 §4, RFC 8725 §3.1), by the rules of
 * jose's `createLocalJWKSet`: a {@link signatureKey}, of the algorithm's `kty` (and `crv`; none for an
 * algorithm we do not verify), the header's `kid` if it has one, the key's `alg` if it has one.
 */
function fits(jwk: JWK, alg: string, kid: unknown): boolean {
  return (
    signatureKey(jwk) &&
    jwkFitsAlgorithm(jwk, alg) &&
    (kid === undefined || (typeof kid === 'string' && kid === jwk.kid)) &&
    (jwk.alg === undefined || jwk.alg === alg)
  );
}

/** A public key serves `verify` only: other `key_ops` make the key unusable (WebCrypto refuses its import). */
const verifiesOnly = (jwk: JWK): boolean => jwk.key_ops === undefined || jwk.key_ops.every((op) => op === 'verify');

/**
 * Whether a key set holding this JWK would verify with it a JWS signed with `alg`: it {@link fits} (the
 * header's `kid` absent or the key's own) and its `key_ops`, if any, are `verify` only. The start-up check
 * of a client's `token_endpoint_auth_signing_alg` reads it, so that it refuses exactly the keys requests
 * would find unusable.
 */
export function jwkCanVerify(jwk: JWK, alg: string): boolean {
  return fits(jwk, alg, undefined) && verifiesOnly(jwk);
}

/**
 * Thrown by {@link createKeyResolver} asked to import its keys at once: the key at `index` does not
 * import; `cause` is node:crypto's error, whose message this one quotes.
 */
export class KeyImportError extends Error {
  constructor(
    readonly index: number,
    options: { cause: Error },
  ) {
    super(`node:crypto cannot import it (${options.cause.message})`, options);
  }
}

/**
 * A key resolver over a fixed list of public JWKs (RFC 7517 §5): picks the one key that fits the header
 * (see {@link fits}; none or several is a {@link NoSingleKeyError}) and gives it as a node:crypto
 * `KeyObject`, imported with `createPublicKey` once. With `importNow` (the configuration's keys under
 * option `importKeys` `'at-start-up'`, the default; the decoy keys) every key a header could select (a
 * {@link signatureKey} whose `key_ops`, if any, are `verify` only) is imported here, and one that does
 * not import throws a {@link KeyImportError} naming its index, so that a bad key stops start-up;
 * otherwise (keys of a `jwks_uri`, or `'on-first-use'`) a key is imported on its first use and one that
 * does not import is refused at each use, as jose refuses it. A key whose `key_ops` name more than
 * `verify` is never imported: it is refused at each use; one no header can select (`use: "enc"`,
 * `key_ops` not an array of distinct strings or without `verify`, `ext` not a boolean) is never used.
 * `keys` are copied. Answers synchronously (a refusal is thrown): the keys are at hand, and an async
 * frame per request is work for nothing.
 */
export function createKeyResolver(keys: readonly JWK[], importNow = false): (header: JWSHeaderParameters) => KeyObject {
  const jwks = keys.map((jwk) => structuredClone(jwk));
  // Stryker disable next-line ArrayDeclaration: a preset length changes nothing, the entries are set by index
  const imported: Array<KeyObject | undefined> = new Array(jwks.length);
  // What may be imported at once: a key some header could select, and one that would be imported then.
  const selectable = (jwk: JWK): boolean => signatureKey(jwk) && verifiesOnly(jwk);
  // Always a public key: given private members, createPublicKey derives the public half (and the key sets
  // drop such JWKs before they get here: publicJwkProblem).
  const importAt = (index: number): KeyObject => {
    const jwk = jwks[index] as JWK & { kty: string };
    return (imported[index] = importedFromJwk(createPublicKey({ key: jwk, format: 'jwk' }), jwk));
  };
  if (importNow) {
    jwks.forEach((jwk, i) => {
      if (!selectable(jwk)) return;
      try {
        importAt(i);
      } catch (err) {
        throw new KeyImportError(i, { cause: err as Error });
      }
    });
  }
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
    const key = imported[index];
    if (key !== undefined) return key;
    if (!verifiesOnly(jwks[index] as JWK)) throw new NoSingleKeyError('the key_ops of the key allow more than verify');
    return importAt(index);
  };
}
