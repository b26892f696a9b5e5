import { createHash, createPublicKey, KeyObject, randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { DPOP_PROOF_TYP } from './constants.js';
import { badOption, optionalFunction, optionsObject, requiredString } from './lib/checks.js';
import { checkSigningKey, importCheckedKey, type SigningAlgorithm } from './signing-key.js';

/**
 * A DPoP key (RFC 9449 §2): the private key that signs proofs, its public JWK (the proof's `jwk`
 * header, §4.2) and the RFC 7638 SHA-256 thumbprint a bound token's `cnf.jkt` carries (§6.1).
 * Made by {@link generateDpopKey} or {@link importDpopKey}; frozen.
 */
export interface DpopKey {
  /** The private key; never leaves the process unless it was generated extractable. */
  readonly privateKey: CryptoKey | KeyObject;
  /** Public members only (`kty`, `crv`, `x`, `y` / `n`, `e`): what every proof's `jwk` header holds (RFC 9449 §4.2). */
  readonly publicJwk: Readonly<JWK>;
  /** JWS algorithm of the proofs (RFC 9449 §4.2 `alg`, asymmetric only). */
  readonly alg: SigningAlgorithm;
  /** RFC 7638 JWK SHA-256 thumbprint of `publicJwk`, base64url: the `jkt` of a bound token (RFC 9449 §6.1). */
  readonly thumbprint: string;
}

/**
 * Private key material {@link importDpopKey} accepts: a private JWK (RFC 7517), a PEM private key, a
 * Node.js `KeyObject`, or a WebCrypto key pair (`{ privateKey, publicKey }`, whose private key may be
 * non-extractable). RSA (≥ 2048 bits), EC P-256/384/521 or Ed25519.
 */
export type DpopKeyInput = JWK | string | KeyObject | { readonly privateKey: CryptoKey; readonly publicKey: CryptoKey };

/** Options of {@link generateDpopKey}. */
export interface GenerateDpopKeyOptions {
  /** Algorithm of the key pair (ES256, ES384, ES512, EdDSA, RS256, PS256). Default ES256, which every DPoP server supports. */
  alg?: SigningAlgorithm;
  /** Whether the private key can be exported (to save it, `rfc7523 token --dpop-key-out`). Default false. */
  extractable?: boolean;
}

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = { EC: ['kty', 'crv', 'x', 'y'], OKP: ['kty', 'crv', 'x'], RSA: ['kty', 'n', 'e'] };
const DPOP_KEY = Symbol('DpopKey');

/** The public members of a JWK, nothing else (RFC 9449 §4.2: the `jwk` header "MUST NOT contain a private key"). */
function publicMembers(jwk: JWK): JWK {
  const names = PUBLIC_MEMBERS[String(jwk.kty)];
  if (names === undefined) return badOption('key', 'must be an RSA, EC or Ed25519 key');
  const source = jwk as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const name of names) if (source[name] !== undefined) out[name] = source[name];
  for (const name of PRIVATE_MEMBERS) if (name in out) badOption('key', 'public JWK must not hold private members');
  return out as JWK;
}

async function makeKey(privateKey: CryptoKey | KeyObject, jwk: JWK, alg: SigningAlgorithm): Promise<DpopKey> {
  const publicJwk = Object.freeze(publicMembers(jwk));
  const thumbprint = await calculateJwkThumbprint(publicJwk, 'sha256');
  return Object.freeze({ privateKey, publicJwk, alg, thumbprint, [DPOP_KEY]: true });
}

/** Whether `value` is a {@link DpopKey} made by this package. */
export function isDpopKey(value: unknown): value is DpopKey {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[DPOP_KEY] === true;
}

/** Generates a fresh DPoP key pair (RFC 9449 §2); the private key is non-extractable unless asked. Default ES256. */
export async function generateDpopKey(options: GenerateDpopKeyOptions = {}): Promise<DpopKey> {
  const o = optionsObject(options, 'generateDpopKey');
  const alg = (o.alg ?? 'ES256') as SigningAlgorithm;
  checkSigningKeyAlg(alg);
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: o.extractable === true, ...(alg.startsWith('RS') || alg.startsWith('PS') ? { modulusLength: 2048 } : {}) });
  return makeKey(privateKey, await exportJWK(publicKey), alg);
}

function checkSigningKeyAlg(alg: unknown): void {
  if (!['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'].includes(alg as string)) {
    badOption('alg', 'must be an asymmetric JWS algorithm (RFC 9449 §4.2): ES256, ES384, ES512, EdDSA, RS256 or PS256');
  }
}

function isKeyPair(value: unknown): value is { privateKey: CryptoKey; publicKey: CryptoKey } {
  return typeof value === 'object' && value !== null && 'privateKey' in value && 'publicKey' in value;
}

/** Checks a {@link DpopKeyInput} synchronously, so that options fail when they are given. Internal. */
export function checkDpopKeyInput(input: unknown): void {
  if (isDpopKey(input)) return;
  if (isKeyPair(input)) {
    checkSigningKey(input.privateKey);
    return;
  }
  if ((input as { [Symbol.toStringTag]?: string } | null)?.[Symbol.toStringTag] === 'CryptoKey') {
    badOption('key', 'is a CryptoKey alone: pass the pair { privateKey, publicKey } so the proof can carry the public key');
  }
  checkSigningKey(input);
}

/**
 * Imports an existing DPoP key (see {@link DpopKeyInput}); `alg` defaults to what the key implies
 * (ES256/384/512 by curve, EdDSA, RS256). Throws a TypeError naming `key` or `alg` when it does not fit.
 */
export async function importDpopKey(input: DpopKeyInput, alg?: SigningAlgorithm): Promise<DpopKey> {
  if (isDpopKey(input)) return input;
  checkDpopKeyInput(input);
  if (isKeyPair(input)) {
    const checked = checkSigningKey(input.privateKey, alg);
    let publicJwk: JWK;
    try {
      publicJwk = await exportJWK(input.publicKey);
    } catch (err) {
      return badOption('key', `publicKey cannot be exported as a JWK: ${(err as Error).message}`);
    }
    return makeKey(input.privateKey, publicJwk, checked.alg);
  }
  const checked = checkSigningKey(input, alg);
  const signing = await importCheckedKey(checked);
  let publicJwk: JWK;
  if (typeof input === 'string' || input instanceof KeyObject) {
    publicJwk = createPublicKey(input).export({ format: 'jwk' }) as JWK;
  } else {
    publicJwk = input as JWK;
  }
  return makeKey(signing.key, publicJwk, checked.alg);
}

/** Options of {@link createDpopProof}. */
export interface DpopProofOptions {
  /** The DPoP key. Required. */
  key: DpopKey;
  /** `htm`: the HTTP method of the request, e.g. `POST` (RFC 9449 §4.2). Required. */
  method: string;
  /** The request URL; `htu` is it without query and fragment (RFC 9449 §4.2). Required. */
  url: string;
  /** The access token the request carries: adds `ath` = base64url(SHA-256(token)) (RFC 9449 §4.2, §7.1). Default none (token requests). */
  accessToken?: string;
  /** The latest `DPoP-Nonce` the server sent (RFC 9449 §8, §9). Default none. */
  nonce?: string;
  /** Clock, milliseconds since the epoch, for `iat`. Default `Date.now`. For tests. */
  now?: () => number;
}

/** `htu` of a request URL: scheme, authority and path, without query or fragment (RFC 9449 §4.2). */
export function dpopHtu(url: string): string {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  return u.href;
}

/** `ath` of an access token: base64url of its SHA-256 hash over the ASCII bytes (RFC 9449 §4.2). */
export function dpopAth(accessToken: string): string {
  return createHash('sha256').update(accessToken, 'ascii').digest('base64url');
}

/**
 * Creates one DPoP proof (RFC 9449 §4.2): header `typ: dpop+jwt`, `alg`, `jwk` (public key);
 * claims `jti` (random, 122 bits), `htm`, `htu`, `iat`, and `ath` with an access token, `nonce` with
 * a server nonce. Each proof is for one request only. Send it as the `DPoP` header.
 */
export async function createDpopProof(options: DpopProofOptions): Promise<string> {
  const o = optionsObject(options, 'createDpopProof');
  if (!isDpopKey(o.key)) badOption('key', 'must be a DpopKey (from generateDpopKey or importDpopKey)');
  const key = o.key;
  const method = requiredString(o.method, 'method').toUpperCase();
  let htu: string;
  try {
    htu = dpopHtu(requiredString(o.url, 'url'));
  } catch {
    return badOption('url', 'must be an absolute URL');
  }
  const accessToken = o.accessToken === undefined ? undefined : requiredString(o.accessToken, 'accessToken');
  const nonce = o.nonce === undefined ? undefined : requiredString(o.nonce, 'nonce');
  const now = optionalFunction<() => number>(o.now, 'now', Date.now);
  return new SignJWT({
    jti: randomUUID(),
    htm: method,
    htu,
    iat: Math.floor(now() / 1000),
    ...(accessToken === undefined ? {} : { ath: dpopAth(accessToken) }),
    ...(nonce === undefined ? {} : { nonce }),
  })
    .setProtectedHeader({ typ: DPOP_PROOF_TYP, alg: key.alg, jwk: { ...key.publicJwk } })
    .sign(key.privateKey);
}

/**
 * The DPoP state of one client: its key (generated on first use when none is given) and the latest
 * nonce each origin sent (RFC 9449 §8.2: a client uses the most recent nonce). Internal.
 */
export class DpopSession {
  readonly #input: DpopKeyInput | undefined;
  readonly #now: () => number;
  readonly #nonces = new Map<string, string>();
  #key: Promise<DpopKey> | undefined;

  constructor(input: DpopKeyInput | undefined, now: () => number) {
    if (input !== undefined) checkDpopKeyInput(input);
    this.#input = input;
    this.#now = now;
  }

  /** The key: the one given, or one ES256 key generated once per session. */
  key(): Promise<DpopKey> {
    this.#key ??= (this.#input === undefined ? generateDpopKey() : importDpopKey(this.#input)).catch((err: unknown) => {
      this.#key = undefined;
      throw err;
    });
    return this.#key;
  }

  /** A proof for `method url`, with the origin's latest nonce. */
  async proof(method: string, url: string, accessToken?: string): Promise<string> {
    const nonce = this.#nonces.get(new URL(url).origin);
    return createDpopProof({
      key: await this.key(),
      method,
      url,
      now: this.#now,
      ...(accessToken === undefined ? {} : { accessToken }),
      ...(nonce === undefined ? {} : { nonce }),
    });
  }

  /**
   * Sends one API request with `Authorization: DPoP <token>` and a proof carrying `ath` (RFC 9449 §7.1);
   * on a 401 whose `WWW-Authenticate` is a DPoP challenge with `error="use_dpop_nonce"` and a
   * `DPoP-Nonce` header, sends it once more with the nonce (§9).
   */
  async fetchResource(fetch: (url: string, init: RequestInit) => Promise<Response>, url: string, init: RequestInit, accessToken: string): Promise<Response> {
    const method = (init.method ?? 'GET').toUpperCase();
    const send = async (): Promise<Response> => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `DPoP ${accessToken}`);
      headers.set('dpop', await this.proof(method, url, accessToken));
      return fetch(url, { ...init, method, headers });
    };
    let response = await send();
    const nonce = this.remember(url, response.headers) || response.headers.has('dpop-nonce');
    const challenge = response.headers.get('www-authenticate') ?? '';
    if (response.status === 401 && nonce && /^\s*dpop\b/i.test(challenge) && /error\s*=\s*"?use_dpop_nonce"?/i.test(challenge)) {
      await response.body?.cancel().catch(() => undefined);
      response = await send();
      this.remember(url, response.headers);
    }
    return response;
  }

  /** Remembers the `DPoP-Nonce` of an answer from `url`, if any; says whether it is a new one. */
  remember(url: string, headers: Headers): boolean {
    const nonce = headers.get('dpop-nonce');
    if (nonce === null || nonce === '') return false;
    const origin = new URL(url).origin;
    const changed = this.#nonces.get(origin) !== nonce;
    this.#nonces.set(origin, nonce);
    return changed;
  }
}
