import type { ReplayStore } from '@rfc7523/core';
import { createRedisReplayStore, type CreateRedisReplayStoreOptions, type RedisTarget } from '@rfc7523/redis';

/**
 * The replay store a demo uses (docs/demo-interface.md): Redis at `target` when set — a `REDIS_URL`,
 * the Redis Cluster of `REDIS_CLUSTER_NODES`, or the Sentinel-managed master of `REDIS_SENTINELS` and
 * `REDIS_SENTINEL_NAME` (see `redisTargetFromEnv`), shared by every instance pointing there — else
 * undefined, meaning the engine's in-memory store. Waits for the
 * connection (up to the 2000 ms connect timeout) so the first token requests do not meet a store that
 * is still connecting; when Redis does not answer, says so and goes on failing closed (503) until it
 * does.
 */
export async function replayStoreFor(
  target: RedisTarget | undefined,
  options: Pick<CreateRedisReplayStoreOptions, 'commandTimeout' | 'connectTimeout'> = {},
): Promise<{ store: ReplayStore; close(): Promise<void> } | undefined> {
  if (target === undefined) return undefined;
  const handle = createRedisReplayStore(target, {
    ...options,
    onError: (error) => process.stderr.write(`replay store: ${error.message}\n`),
  });
  try {
    await handle.ready();
  } catch (err) {
    process.stderr.write(`replay store: ${(err as Error).message}; token requests answer 503 until Redis answers\n`);
  }
  return { store: handle.store, close: handle.close };
}
