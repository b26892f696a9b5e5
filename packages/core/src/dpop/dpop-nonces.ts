import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { Checker } from '../config/checks.js';

/** Where a verifier gets the server nonce it requires in proofs (RFC 9449 §8, §9). */
export interface DpopNonceSource {
  /** The nonce to hand out now, in `DPoP-Nonce` (RFC 9449 §8.1). */
  current(): string;
  /** Whether a nonce from a proof is still accepted. */
  accepts(nonce: string): boolean;
}

/** Options of {@link DpopNonces}. */
export interface DpopNoncesOptions {
  /** Length of one nonce window, seconds, 10 to 86400; a nonce is accepted in its window and the next. Default 300. */
  window?: number;
  /**
   * HMAC key, at least 32 bytes. Default 32 random bytes generated at start-up: nonces then hold for one
   * instance only; give every instance the same secret for nonces that hold across instances.
   */
  secret?: Uint8Array;
  /** Clock, milliseconds since the epoch. Default `Date.now`. For tests. */
  now?: () => number;
}

/** Defaults of {@link DpopNoncesOptions}. */
export const DPOP_NONCE_DEFAULTS = Object.freeze({
  /** Seconds. */
  window: 300,
});

const KNOWN = ['window', 'secret', 'now'] as const;

/**
 * Stateless server nonces for DPoP (RFC 9449 §8, §9): the nonce of a time window is the base64url
 * HMAC-SHA256 of the window's number under a key, so every nonce is unpredictable, needs no storage,
 * and expires by itself. A nonce is accepted during its own window and the next (so one handed out just
 * before a window ends still works), i.e. for between `window` and 2 × `window` seconds. Optional: a
 * verifier given none requires no nonce.
 */
export class DpopNonces implements DpopNonceSource {
  readonly #secret: Buffer;
  readonly #window: number;
  readonly #now: () => number;

  constructor(options: DpopNoncesOptions = {}) {
    const check = new Checker({ keys: 'option' });
    const o = check.options(options, KNOWN);
    this.#window = check.seconds(o['window'], 'window', 10, 86_400, DPOP_NONCE_DEFAULTS.window);
    this.#now = check.function(o['now'], 'now', Date.now);
    const secret = o['secret'];
    if (secret !== undefined && (!(secret instanceof Uint8Array) || secret.length < 32)) check.fail('secret', 'must be a Uint8Array of at least 32 bytes');
    this.#secret = secret === undefined ? randomBytes(32) : Buffer.from(secret as Uint8Array);
  }

  #windowIndex(): number {
    return Math.floor(this.#now() / 1000 / this.#window);
  }

  #nonce(index: number): string {
    return createHmac('sha256', this.#secret).update(`dpop-nonce:${index}`).digest('base64url');
  }

  current(): string {
    return this.#nonce(this.#windowIndex());
  }

  accepts(nonce: string): boolean {
    const given = Buffer.from(nonce);
    const index = this.#windowIndex();
    return [index, index - 1].some((i) => {
      const expected = Buffer.from(this.#nonce(i));
      return expected.length === given.length && timingSafeEqual(expected, given);
    });
  }
}
