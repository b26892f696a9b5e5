import type { AccessToken } from '../token-response.js';

interface Entry {
  readonly token: AccessToken;
  /** Milliseconds since the epoch after which the token is replaced. */
  readonly refreshAt: number;
}

/**
 * Tokens per key, each replaced shortly before it expires, with at most one request in flight per key
 * however many callers ask at once. Failures are never cached. Internal.
 */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #inflight = new Map<string, Promise<AccessToken>>();

  /**
   * @param now clock, milliseconds since the epoch
   * @param skew milliseconds before expiry at which a token is replaced
   */
  constructor(
    private readonly now: () => number,
    private readonly skew: number,
  ) {}

  /** The cached token for `key` while it is fresh, else the result of the one request `fetch` makes for everyone. */
  get(key: string, fetch: () => Promise<AccessToken>): Promise<AccessToken> {
    const entry = this.#entries.get(key);
    if (entry !== undefined && this.now() < entry.refreshAt) return Promise.resolve(entry.token);
    const pending = this.#inflight.get(key);
    if (pending !== undefined) return pending;
    // The callbacks run after `request` is assigned; each checks it is still the key's current request
    // (delete may have forgotten it meanwhile) before settling the cache.
    const request: Promise<AccessToken> = Promise.resolve()
      .then(fetch)
      .then(
        (token) => {
          if (this.#inflight.get(key) === request) {
            this.#inflight.delete(key);
            this.#store(key, token);
          }
          return token;
        },
        (error: unknown) => {
          if (this.#inflight.get(key) === request) this.#inflight.delete(key);
          throw error;
        },
      );
    this.#inflight.set(key, request);
    return request;
  }

  /** Forgets the token of `key`, or every token; a request in flight for it will not be kept either. */
  delete(key?: string): void {
    if (key === undefined) {
      this.#entries.clear();
      this.#inflight.clear();
    } else {
      this.#entries.delete(key);
      this.#inflight.delete(key);
    }
  }

  /**
   * Keeps a token until `skew` before its expiry — or until half its lifetime when it lives less than
   * twice the skew, so a short-lived token is still reused. A token without `expires_in` is not kept.
   */
  #store(key: string, token: AccessToken): void {
    if (token.expiresAt === undefined || token.expiresIn === undefined) {
      this.#entries.delete(key);
      return;
    }
    const margin = Math.min(this.skew, (token.expiresIn * 1000) / 2);
    this.#entries.set(key, { token, refreshAt: token.expiresAt - margin });
  }
}
