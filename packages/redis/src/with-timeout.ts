import { ReplayStoreTimeoutError } from './errors.js';

/**
 * Settles like `promise`, or rejects with a {@link ReplayStoreTimeoutError} once `timeout`
 * milliseconds have passed. The timer is cleared either way and never keeps the process alive.
 * Internal.
 */
export function withTimeout<T>(promise: Promise<T>, timeout: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReplayStoreTimeoutError(timeout)), timeout);
    timer.unref();
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}
