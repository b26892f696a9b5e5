import type { ReplayStore } from '@rfc7523/core';
import { ReplayStoreError, ReplayStoreUnavailableError } from './errors.js';
import type { RedisReplayStoreOptions } from './options.js';
import { validateStoreOptions, type ResolvedStoreOptions } from './validate-options.js';
import { withTimeout } from './with-timeout.js';

/** The one command the store sends, whatever the client's reply mapping. */
interface SetIfAbsent {
  set(key: string, value: string, exat: 'EXAT', unixTimeSeconds: number, nx: 'NX'): Promise<'OK' | null>;
}

/**
 * A replay store shared by every instance of an authorization server (RFC 7523 §3.7, OIDC Core §9:
 * a client assertion is used only once). `remember` is one atomic command,
 * `SET <keyPrefix><key> 1 NX EXAT <expiresAt>` (Redis ≥ 6.2), so of N concurrent uses of one
 * assertion on any number of instances exactly one succeeds. Each call is bounded by `commandTimeout`
 * (default 1000 ms) and rejects when Redis is slow or down; the engine then fails closed with 503.
 *
 * When a call times out the command may still reach Redis later: the assertion is then used up, and
 * the client retries with a fresh assertion, as it must anyway.
 */
export class RedisReplayStore implements ReplayStore {
  /** Prefix of every key written (default `'rfc7523:replay:'`). */
  readonly keyPrefix: string;
  /** Milliseconds one `remember` may take (default 1000). */
  readonly commandTimeout: number;
  readonly #client: SetIfAbsent;
  readonly #now: ResolvedStoreOptions['now'];

  /** Validates the options once; throws a `ConfigurationError` (a TypeError) naming the option. */
  constructor(options: RedisReplayStoreOptions) {
    const resolved = validateStoreOptions(options);
    this.keyPrefix = resolved.keyPrefix;
    this.commandTimeout = resolved.commandTimeout;
    this.#client = resolved.client as unknown as SetIfAbsent;
    this.#now = resolved.now;
    Object.freeze(this);
  }

  /**
   * Remembers `key` until `expiresAt` (seconds since the epoch, rounded up; at least one second from
   * now) unless it is remembered already (RFC 7523 §3.7). Resolves `true` when the key is new, `false`
   * on a replay; rejects with a {@link ReplayStoreError} when Redis cannot answer within `commandTimeout`.
   */
  async remember(key: string, expiresAt: number): Promise<boolean> {
    if (typeof key !== 'string' || key.length === 0) throw new TypeError('key must be a non-empty string');
    if (typeof expiresAt !== 'number' || !Number.isFinite(expiresAt)) throw new TypeError('expiresAt must be a finite number of seconds');
    const earliest = Math.floor(this.#now() / 1000) + 1;
    const at = Math.max(Math.ceil(expiresAt), earliest);
    let reply: unknown;
    try {
      reply = await withTimeout(this.#client.set(this.keyPrefix + key, '1', 'EXAT', at, 'NX'), this.commandTimeout);
    } catch (err) {
      if (err instanceof ReplayStoreError) throw err;
      throw new ReplayStoreUnavailableError(err instanceof Error ? err.message : String(err), { cause: err });
    }
    if (reply === 'OK') return true;
    if (reply === null) return false;
    throw new ReplayStoreUnavailableError('unexpected reply to SET NX EXAT');
  }
}
