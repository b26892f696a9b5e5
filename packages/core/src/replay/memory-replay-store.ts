import { hash } from 'node:crypto';
import type { ReplayStore } from './replay-store.js';

/** Options of {@link MemoryReplayStore}. */
export interface MemoryReplayStoreOptions {
  /** Clock in milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

/**
 * In-process replay store for a single instance. The check-and-remember runs synchronously, so it is
 * atomic on Node's one thread. A live entry is never evicted; expired entries are swept when the map
 * has doubled since the last sweep, so the cost is amortised O(1) per call and memory follows the
 * number of live assertions. Each entry is held as a 128-bit SHA-256 digest of its key and an expiry
 * relative to the store's creation (bytes per entry: `npm run bench`, replay-memory section). For more than one
 * instance use a shared store (`@rfc7523/redis`).
 */
export class MemoryReplayStore implements ReplayStore {
  /** Digest of the key → expiry in seconds after #epoch (a small integer, stored unboxed). */
  readonly #entries = new Map<string, number>();
  readonly #now: () => number;
  readonly #epoch: number;
  #sweepAt = 1024;

  constructor(options: MemoryReplayStoreOptions = {}) {
    this.#now = options.now ?? Date.now;
    this.#epoch = Math.floor(this.#now() / 1000);
  }

  /**
   * 16 bytes of SHA-256 as a one-byte string: a compact, flat map key (a false match needs a 128-bit
   * collision). One-shot `crypto.hash` as a `binary` (latin1) string (no Buffer is allocated), whose first 16
   * characters are copied into a new flat string: `slice` would give a sliced string that keeps the
   * whole 32-character parent alive (about 48 more bytes per entry).
   */
  static #digest(key: string): string {
    const d = hash('sha256', key, 'binary');
    return String.fromCharCode(
      d.charCodeAt(0), d.charCodeAt(1), d.charCodeAt(2), d.charCodeAt(3), d.charCodeAt(4), d.charCodeAt(5), d.charCodeAt(6), d.charCodeAt(7),
      d.charCodeAt(8), d.charCodeAt(9), d.charCodeAt(10), d.charCodeAt(11), d.charCodeAt(12), d.charCodeAt(13), d.charCodeAt(14), d.charCodeAt(15),
    );
  }

  #seconds(): number {
    return this.#now() / 1000 - this.#epoch;
  }

  /** Number of entries held, live or not yet swept. */
  get size(): number {
    return this.#entries.size;
  }

  remember(key: string, expiresAt: number): Promise<boolean> {
    const now = this.#seconds();
    const digest = MemoryReplayStore.#digest(key);
    const held = this.#entries.get(digest);
    if (held !== undefined && held > now) return Promise.resolve(false);
    this.#entries.set(digest, Math.ceil(expiresAt) - this.#epoch);
    if (this.#entries.size >= this.#sweepAt) this.sweep();
    return Promise.resolve(true);
  }

  /** Drops every expired entry. Called automatically; exposed for tests and timers. */
  sweep(): void {
    const now = this.#seconds();
    for (const [key, expiresAt] of this.#entries) {
      if (expiresAt <= now) this.#entries.delete(key);
    }
    this.#sweepAt = Math.max(1024, this.#entries.size * 2);
  }
}
