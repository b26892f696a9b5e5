import type { ReplayStore } from '@rfc7523/core';
import { createRedisReplayStore } from '@rfc7523/redis';

/**
 * The replay store a demo uses (INTERFACE.md): Redis at `REDIS_URL` when set — shared by every
 * instance pointing there — else undefined, meaning the engine's in-memory store.
 */
export function replayStoreFor(redisUrl: string | undefined): { store: ReplayStore; close(): Promise<void> } | undefined {
  if (redisUrl === undefined) return undefined;
  const handle = createRedisReplayStore(redisUrl, {
    onError: (error) => process.stderr.write(`replay store: ${error.message}\n`),
  });
  return { store: handle.store, close: handle.close };
}
