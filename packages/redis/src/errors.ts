/**
 * Errors a {@link RedisReplayStore} rejects with. The engine turns any rejection into 503
 * `temporarily_unavailable` with `Retry-After` (fails closed, RFC 7523 §3.7) and reports the message
 * in a `replay_store.unavailable` event; the client never sees it.
 */

/** Stable codes of the replay-store errors (RFC 7523 §3.7), for `switch (err.code)`. */
export type ReplayStoreErrorCode = 'ERR_REPLAY_STORE_TIMEOUT' | 'ERR_REPLAY_STORE_UNAVAILABLE';

/** Base class of the replay-store errors (RFC 7523 §3.7): the replay check could not be made. */
export abstract class ReplayStoreError extends Error {
  /** Stable code (see {@link ReplayStoreErrorCode}). */
  abstract readonly code: ReplayStoreErrorCode;
}

/** Redis gave no answer within `commandTimeout` milliseconds (default 1000); the request fails closed (RFC 7523 §3.7). */
export class ReplayStoreTimeoutError extends ReplayStoreError {
  readonly code = 'ERR_REPLAY_STORE_TIMEOUT';
  /** The timeout that ran out, milliseconds. */
  readonly timeout: number;

  constructor(timeout: number) {
    super(`the replay store timed out after ${timeout} ms`);
    this.name = 'ReplayStoreTimeoutError';
    this.timeout = timeout;
  }
}

/** Redis refused or failed the command (connection lost, …; RFC 7523 §3.7 check not made); `cause` holds the ioredis error. */
export class ReplayStoreUnavailableError extends ReplayStoreError {
  readonly code = 'ERR_REPLAY_STORE_UNAVAILABLE';

  constructor(message: string, options?: { cause?: unknown }) {
    super(`the replay store is unavailable: ${message}`, options);
    this.name = 'ReplayStoreUnavailableError';
  }
}
