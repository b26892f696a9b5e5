import type { ReplayStore } from '@rfc7523/core';
import { ReplayStoreError, ReplayStoreUnavailableError } from './errors.js';
import type { RedisReplayStoreOptions } from './options.js';
import { validateStoreOptions, type ResolvedStoreOptions } from './validate-options.js';
import { withTimeout } from './with-timeout.js';

/** A pipeline of the store's two commands; `exec` gives `[error, reply]` per command. */
interface SetThenWait {
  set(key: string, value: string, exat: 'EXAT', unixTimeSeconds: number, nx: 'NX'): SetThenWait;
  wait(numreplicas: number, timeout: number): SetThenWait;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/** The commands the store sends, whatever the client's reply mapping (standalone or cluster). */
interface SetIfAbsent {
  set(key: string, value: string, exat: 'EXAT', unixTimeSeconds: number, nx: 'NX'): Promise<'OK' | null>;
  pipeline(): SetThenWait;
}

/**
 * A replay store shared by every instance of an authorization server (RFC 7523 §3.7, OIDC Core §9:
 * a client assertion is used only once). `remember` is one atomic command on one key,
 * `SET <keyPrefix><key> 1 NX EXAT <expiresAt>` (Redis ≥ 6.2), so of N concurrent uses of one
 * assertion on any number of instances exactly one succeeds — on one Redis, behind Sentinel, or in a
 * Redis Cluster (one key: never a cross-slot operation). Each call is bounded by `commandTimeout`
 * (default 1000 ms) and rejects when Redis is slow or down; the engine then fails closed with 503.
 * With `waitForReplicas` ≥ 1 the `SET` is followed by `WAIT` in one pipeline on the same node.
 *
 * When a call times out the command may still reach Redis later: the assertion is then used up, and
 * the client retries with a fresh assertion, as it must anyway.
 */
export class RedisReplayStore implements ReplayStore {
  /** Prefix of every key written (default `'rfc7523:replay:'`). */
  readonly keyPrefix: string;
  /** Milliseconds one `remember` may take (default 1000). */
  readonly commandTimeout: number;
  /** Replicas that must acknowledge each new entry (default 0: do not wait). */
  readonly waitForReplicas: number;
  /** Milliseconds `WAIT` may block (default half of `commandTimeout`); used only with `waitForReplicas` ≥ 1. */
  readonly waitTimeout: number;
  readonly #client: SetIfAbsent;
  readonly #now: ResolvedStoreOptions['now'];

  /** Validates the options once; throws a `ConfigurationError` (a TypeError) naming the option. */
  constructor(options: RedisReplayStoreOptions) {
    const resolved = validateStoreOptions(options);
    this.keyPrefix = resolved.keyPrefix;
    this.commandTimeout = resolved.commandTimeout;
    this.waitForReplicas = resolved.waitForReplicas;
    this.waitTimeout = resolved.waitTimeout;
    this.#client = resolved.client as unknown as SetIfAbsent;
    this.#now = resolved.now;
    Object.freeze(this);
  }

  /**
   * Remembers `key` until `expiresAt` (seconds since the epoch, rounded up; at least one second from
   * now) unless it is remembered already (RFC 7523 §3.7). Resolves `true` when the key is new, `false`
   * on a replay; rejects with a {@link ReplayStoreError} when Redis cannot answer within `commandTimeout`,
   * or when fewer than `waitForReplicas` replicas acknowledged a new entry within `waitTimeout`.
   */
  async remember(key: string, expiresAt: number): Promise<boolean> {
    if (typeof key !== 'string' || key.length === 0) throw new TypeError('key must be a non-empty string');
    // Number.isFinite is false for every non-number (it does not coerce): one test refuses a string too.
    if (!Number.isFinite(expiresAt)) throw new TypeError('expiresAt must be a finite number of seconds');
    const earliest = Math.floor(this.#now() / 1000) + 1;
    const at = Math.max(Math.ceil(expiresAt), earliest);
    let reply: unknown;
    let acknowledged: unknown;
    try {
      if (this.waitForReplicas === 0) {
        reply = await withTimeout(this.#client.set(this.keyPrefix + key, '1', 'EXAT', at, 'NX'), this.commandTimeout);
      } else {
        [reply, acknowledged] = await withTimeout(this.#setThenWait(this.keyPrefix + key, at), this.commandTimeout);
      }
    } catch (err) {
      if (err instanceof ReplayStoreError) throw err;
      throw new ReplayStoreUnavailableError(err instanceof Error ? err.message : String(err), { cause: err });
    }
    if (reply === null) return false;
    if (reply !== 'OK') throw new ReplayStoreUnavailableError('unexpected reply to SET NX EXAT');
    if (this.waitForReplicas > 0 && !(typeof acknowledged === 'number' && acknowledged >= this.waitForReplicas)) {
      throw new ReplayStoreUnavailableError(
        `${String(acknowledged)} of ${this.waitForReplicas} replicas acknowledged the entry within ${this.waitTimeout} ms (waitForReplicas)`,
      );
    }
    return true;
  }

  /** `SET … NX` then `WAIT` in one pipeline: same connection, same cluster node. Resolves both replies. */
  async #setThenWait(key: string, at: number): Promise<[unknown, unknown]> {
    const results = await this.#client.pipeline().set(key, '1', 'EXAT', at, 'NX').wait(this.waitForReplicas, this.waitTimeout).exec();
    if (results === null || results.length !== 2) throw new ReplayStoreUnavailableError('the pipeline was discarded');
    const [[setError, setReply], [waitError, waitReply]] = results as [[Error | null, unknown], [Error | null, unknown]];
    if (setError !== null) throw setError;
    if (waitError !== null) throw waitError;
    return [setReply, waitReply];
  }
}
