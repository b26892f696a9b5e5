import { createPrivateKey, sign, type JsonWebKey } from 'node:crypto';
import type { JWK } from 'jose';
import { cryptoOptions, SPECS } from './algorithms.js';
import { onThreadPool, preferThreadPool } from './crypto-scheduler.js';

/**
 * Signs JWTs as compact JWS (RFC 7515 §7.1) with one private key and one protected header, both fixed
 * at start-up: the header is encoded once and each token costs one node:crypto `sign` (cheaper than
 * jose's SignJWT through WebCrypto; `npm run bench` measures it).
 */
export class CompactSigner {
  readonly #encodedHeader: string;
  readonly #hash: string | null;
  readonly #key: ReturnType<typeof cryptoOptions>;

  /** `jwk` must be a private JWK that jose has already imported successfully for `alg`. */
  constructor(jwk: JWK, alg: string, header: Readonly<Record<string, string>>) {
    const spec = SPECS[alg];
    if (spec === undefined) throw new TypeError(`unsupported alg ${alg}`);
    this.#hash = spec.hash;
    this.#key = cryptoOptions(spec, createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' }));
    this.#encodedHeader = Buffer.from(JSON.stringify({ alg, ...header })).toString('base64url');
  }

  /** The compact JWS of `claims` (serialised in their insertion order). */
  sign(claims: Readonly<Record<string, unknown>>): string | Promise<string> {
    const input = `${this.#encodedHeader}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    if (!preferThreadPool()) return `${input}.${sign(this.#hash, Buffer.from(input), this.#key).toString('base64url')}`;
    return onThreadPool<Buffer>((done) => sign(this.#hash, Buffer.from(input), this.#key, done)).then((signature) => `${input}.${signature.toString('base64url')}`);
  }
}
