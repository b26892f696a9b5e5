export { RedisReplayStore } from './redis-replay-store.js';
export { createRedisReplayStore, type RedisReplayStoreHandle } from './create-redis-replay-store.js';
export {
  REDIS_REPLAY_STORE_DEFAULTS,
  MAX_REDIS_TIMEOUT,
  type RedisReplayStoreOptions,
  type CreateRedisReplayStoreOptions,
  type RedisReplayClient,
  type RedisTarget,
  type RedisClusterTarget,
  type RedisSentinelTarget,
} from './options.js';
export { ReplayStoreError, ReplayStoreTimeoutError, ReplayStoreUnavailableError, type ReplayStoreErrorCode } from './errors.js';
export type { ReplayStore } from '@rfc7523/core';
