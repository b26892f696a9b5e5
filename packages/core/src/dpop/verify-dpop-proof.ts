import { importJWK, type CryptoKey, type JWK } from 'jose';
import { TemporarilyUnavailableError } from '../errors.js';
import { decodeJwt, JwtDecodeError, type DecodedJwt } from '../jwt/decode.js';
import { verifySignature } from '../jwt/verify-signature.js';
import { publicJwkProblem } from '../keys/jwk-problem.js';
import type { ReplayStore } from '../replay/replay-store.js';
import { accessTokenHash } from './access-token-hash.js';
import { DPOP_SIGNING_ALG_VALUES_SUPPORTED, essentialJwk, jwkFitsAlgorithm } from './dpop-algorithms.js';
import type { DpopReasonCode, DpopRefusal } from './dpop-errors.js';
import type { DpopNonceSource } from './dpop-nonces.js';
import { dpopReplayKey } from './dpop-replay-key.js';
import { jwkThumbprint } from './jwk-thumbprint.js';
import { normaliseHtu } from './htu.js';

/** Defaults of {@link VerifyDpopProofOptions}. */
export const DPOP_DEFAULTS = Object.freeze({
  /** Seconds a proof is accepted after its `iat` (RFC 9449 §4.3 item 11, §11.1). */
  maxAge: 60,
  /** Seconds of clock skew allowed either side of the window (same default as the engine's, rule J4). */
  clockTolerance: 30,
  /** Characters: longest `jti` accepted. */
  maxJtiLength: 256,
  /** Characters: longest proof accepted, checked before any decoding (an RSA-4096 proof is about 2 KiB). */
  maxProofLength: 8192,
});

/** The request a proof is checked against (RFC 9449 §4.3 items 8, 9, 12). */
export interface DpopRequestContext {
  /** HTTP method of the request, as received (`POST`, `GET`): compared with `htm` exactly. */
  method: string;
  /**
   * Absolute URL of the request as the client addressed it (behind a proxy: the public URL). Query and
   * fragment are ignored; compared with `htu` after {@link normaliseHtu}.
   */
  url: string | URL;
  /** The access token presented with the proof (resource side): `ath` must be its hash. Absent at the token endpoint, where `ath` is ignored. */
  accessToken?: string;
  /** The RFC 7638 thumbprint the token or grant is bound to (`cnf.jkt`): the proof key must have it. */
  expectedJkt?: string;
}

/** How proofs are checked: one value per server, shared by every request. */
export interface DpopPolicy {
  /** Where used proofs are remembered until they expire, so each is used once across instances. Required. */
  replayStore: ReplayStore;
  /** Accepted `alg` values, a subset of DPOP_SIGNING_ALG_VALUES_SUPPORTED. Default all of them. */
  algorithms?: readonly string[];
  /** Seconds a proof is accepted after its `iat`. Default 60. */
  maxAge?: number;
  /** Seconds of clock skew allowed. Default 30. */
  clockTolerance?: number;
  /** Longest `jti`, characters. Default 256. */
  maxJtiLength?: number;
  /** Server nonce required in every proof (RFC 9449 §8, §9): one value, or a source such as DpopNonces. Default none required. */
  nonce?: string | DpopNonceSource;
  /** Clock, milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** Options of {@link verifyDpopProof}: the request and the policy. */
export type VerifyDpopProofOptions = DpopRequestContext & DpopPolicy;

/** What a valid proof establishes. */
export interface DpopProof {
  /** RFC 7638 SHA-256 thumbprint of the proof key, base64url: the `cnf.jkt` to bind a token to (RFC 9449 §6.1). */
  readonly jkt: string;
  /** The proof's public key (the `jwk` header as sent). */
  readonly jwk: JWK;
  /** The proof's `jti`. */
  readonly jti: string;
  /** The proof's `iat`, seconds since the epoch. */
  readonly iat: number;
  /** The nonce to send in `DPoP-Nonce` with the response when nonces are required (RFC 9449 §8.2); else undefined. */
  readonly nextNonce?: string;
}

/** The outcome of {@link verifyDpopProof}: the proof, or why it was refused. */
export type DpopVerification = { readonly ok: true; readonly proof: DpopProof } | { readonly ok: false; readonly refusal: DpopRefusal };

// Keys already imported, by thumbprint and algorithm: a client signs many proofs with one key. The
// thumbprint covers every member that defines the key (RFC 7638 §3.2), so one thumbprint is one key.
const KEY_CACHE_SIZE = 1000;
const importedKeys = new Map<string, CryptoKey>();

async function importProofKey(jwk: JWK, jkt: string, alg: string): Promise<CryptoKey> {
  const id = `${alg}:${jkt}`;
  let key = importedKeys.get(id);
  if (key === undefined) {
    key = (await importJWK(essentialJwk(jwk), alg)) as CryptoKey;
    if (importedKeys.size >= KEY_CACHE_SIZE) importedKeys.delete(importedKeys.keys().next().value as string);
    importedKeys.set(id, key);
  }
  return key;
}

/** The `DPoP` request header values as received: none, one, or several (RFC 9449 §4.3 item 1). */
export type DpopHeaderValues = string | readonly string[] | undefined;

/** One proof from the header values, or the reason there is not exactly one. */
function singleProof(values: DpopHeaderValues): string | DpopReasonCode {
  const list = typeof values === 'string' ? [values] : (values ?? []);
  if (list.length === 0 || (list.length === 1 && list[0]!.trim() === '')) return 'dpop_missing';
  // Node joins a repeated header's values with ", "; a JWT never holds a comma.
  if (list.length > 1 || list[0]!.includes(',')) return 'dpop_multiple';
  return list[0]!.trim();
}

/**
 * Verifies a DPoP proof JWT (RFC 9449 §4.3) for one request: exactly one `DPoP` value; a compact JWS
 * with no repeated members and no `crit`; `typ` exactly `dpop+jwt`; an accepted asymmetric `alg` (never
 * `none` or HMAC); a `jwk` header holding a public RSA (≥ 2048 bits), EC or Ed25519 key of that `alg`
 * and no private member; a signature that verifies with it (key imported by jose, verified by the
 * engine's verifySignature over node:crypto, which also refuses a signature of the wrong length); `jti`
 * a non-empty string of at most `maxJtiLength`; `htm` equal to the method; `htu` equal to the request
 * URL (normaliseHtu); `iat` in [now − maxAge − clockTolerance, now + clockTolerance]; `ath` equal to the hash of `accessToken` when
 * one is given; the server `nonce` when one is required; the key's thumbprint equal to `expectedJkt`
 * when given; and a `jti` not seen before for this key (ReplayStore, key `d…`, kept until
 * iat + maxAge + clockTolerance). Cheap checks come first, the signature next, the replay store last,
 * so only a fully valid proof is remembered.
 *
 * Resolves with the proof or a typed refusal (turn it into the response with dpopTokenEndpointError or
 * dpopResourceError). Throws TemporarilyUnavailableError (503) when the replay store cannot answer:
 * fail closed. Options are not validated here; DpopVerifier validates them once at start-up.
 */
export async function verifyDpopProof(values: DpopHeaderValues, options: VerifyDpopProofOptions): Promise<DpopVerification> {
  const bound = options.expectedJkt !== undefined;
  const refuse = (reason: DpopReasonCode, detail: string, claim?: string, nonce?: string): DpopVerification => ({
    ok: false,
    refusal: { reason, detail, bound, ...(claim === undefined ? {} : { claim }), ...(nonce === undefined ? {} : { nonce }) },
  });
  const maxAge = options.maxAge ?? DPOP_DEFAULTS.maxAge;
  const tolerance = options.clockTolerance ?? DPOP_DEFAULTS.clockTolerance;
  const algorithms = options.algorithms ?? DPOP_SIGNING_ALG_VALUES_SUPPORTED;

  // 1. Exactly one DPoP header value, a compact JWS of bounded size.
  const proof = singleProof(values);
  if (proof === 'dpop_missing') return refuse('dpop_missing', 'the request carries no DPoP header');
  if (proof === 'dpop_multiple') return refuse('dpop_multiple', 'the request carries more than one DPoP header value');
  if (proof.length > DPOP_DEFAULTS.maxProofLength) return refuse('dpop_malformed', `the proof is longer than ${DPOP_DEFAULTS.maxProofLength} characters`);
  let decoded: DecodedJwt;
  try {
    decoded = decodeJwt(proof);
  } catch (err) {
    return refuse('dpop_malformed', err instanceof JwtDecodeError ? err.detail : 'the proof cannot be decoded');
  }
  const { header, claims } = decoded;

  // 2. Header: typ, alg, no crit, a public jwk that fits alg.
  if (header['typ'] !== 'dpop+jwt') return refuse('dpop_typ', `typ is ${JSON.stringify(header['typ'])}, not "dpop+jwt"`, 'typ');
  const alg = header['alg'];
  if (typeof alg !== 'string' || !algorithms.includes(alg)) return refuse('dpop_alg', `alg ${JSON.stringify(alg)} is not accepted`, 'alg');
  if (header['crit'] !== undefined) return refuse('dpop_malformed', 'the proof has a crit header, which no DPoP extension here understands', 'crit');
  const jwk = header['jwk'];
  if (jwk === undefined) return refuse('dpop_jwk', 'the proof has no jwk header', 'jwk');
  const problem = publicJwkProblem(jwk);
  if (problem !== undefined) return refuse('dpop_jwk', `jwk ${problem}`, 'jwk');
  if (!jwkFitsAlgorithm(jwk as JWK, alg)) return refuse('dpop_jwk', `jwk is not a key for ${alg}`, 'jwk');

  // 3. Claims that need no crypto: jti, htm, htu, iat, ath.
  const jti = claims['jti'];
  const maxJti = options.maxJtiLength ?? DPOP_DEFAULTS.maxJtiLength;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > maxJti) {
    return refuse('dpop_malformed', `jti must be a string of 1 to ${maxJti} characters`, 'jti');
  }
  if (typeof claims['htm'] !== 'string' || claims['htm'] !== options.method) {
    return refuse('dpop_htm', `htm ${JSON.stringify(claims['htm'])} is not the method ${options.method}`, 'htm');
  }
  const htu = typeof claims['htu'] === 'string' ? normaliseHtu(claims['htu']) : undefined;
  const target = normaliseHtu(options.url);
  if (htu === undefined || target === undefined || htu !== target) {
    return refuse('dpop_htu', `htu ${JSON.stringify(claims['htu'])} is not the request URL ${target ?? String(options.url)}`, 'htu');
  }
  const iat = claims['iat'];
  const now = (options.now ?? Date.now)() / 1000;
  if (typeof iat !== 'number' || !Number.isFinite(iat)) return refuse('dpop_iat', 'iat must be a number of seconds', 'iat');
  if (iat > now + tolerance) return refuse('dpop_iat', `iat is ${Math.round(iat - now)} s in the future`, 'iat');
  if (iat < now - maxAge - tolerance) return refuse('dpop_iat', `iat is ${Math.round(now - iat)} s old; at most ${maxAge} s accepted`, 'iat');
  if (options.accessToken !== undefined) {
    const ath = claims['ath'];
    if (ath === undefined) return refuse('dpop_ath', 'the proof has no ath for the access token', 'ath');
    if (ath !== accessTokenHash(options.accessToken)) return refuse('dpop_ath', 'ath is not the hash of the access token', 'ath');
  }

  // 4. The key: its thumbprint, the signature, then the binding.
  const jkt = jwkThumbprint(jwk as JWK);
  let key: CryptoKey;
  try {
    key = await importProofKey(jwk as JWK, jkt, alg);
  } catch (err) {
    return refuse('dpop_jwk', `jwk cannot be imported: ${err instanceof Error ? err.message : 'failed'}`, 'jwk');
  }
  if (!(await verifySignature(alg, key, decoded.signingInput, decoded.signature))) {
    return refuse('dpop_signature', 'the proof signature does not verify with its jwk');
  }
  // After the signature: a valid proof with another key is a binding failure (invalid_grant at the
  // token endpoint for a bound ID-JAG), an invalid one stays invalid_dpop_proof.
  if (options.expectedJkt !== undefined && jkt !== options.expectedJkt) {
    return refuse('dpop_jkt_mismatch', 'the proof key thumbprint is not the bound cnf.jkt', 'jwk');
  }

  // 5. The server nonce, when one is required.
  let nextNonce: string | undefined;
  if (options.nonce !== undefined) {
    const source = options.nonce;
    const fresh = typeof source === 'string' ? source : source.current();
    const nonce = claims['nonce'];
    if (nonce === undefined) return refuse('dpop_nonce_required', 'the proof has no nonce', 'nonce', fresh);
    const accepted = typeof nonce === 'string' && (typeof source === 'string' ? nonce === source : source.accepts(nonce));
    if (!accepted) return refuse('dpop_nonce_required', 'the proof nonce is wrong or stale', 'nonce', fresh);
    nextNonce = fresh;
  }

  // 6. One use per proof, across every instance sharing the store.
  let fresh: boolean;
  try {
    fresh = await options.replayStore.remember(dpopReplayKey(jkt, jti), iat + maxAge + tolerance);
  } catch (err) {
    throw new TemporarilyUnavailableError('replay_store_unavailable', 'the replay check cannot be made now', {
      detail: err instanceof Error ? err.message : 'the replay store failed',
      cause: err,
    });
  }
  if (!fresh) return refuse('dpop_replayed', 'this proof (key and jti) has been used before', 'jti');

  return { ok: true, proof: { jkt, jwk: jwk as JWK, jti, iat, ...(nextNonce === undefined ? {} : { nextNonce }) } };
}
