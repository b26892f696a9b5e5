import type { Attributes } from '@opentelemetry/api';
import type { ReplayStore } from '../replay/replay-store.js';
import { ATTR } from './attributes.js';
import { instruments, quietly, secondsSince, telemetryActive } from './instruments.js';

const NEW: Attributes = Object.freeze({ [ATTR.result]: 'new' });
const REPLAY: Attributes = Object.freeze({ [ATTR.result]: 'replay' });
const FAILED: Attributes = Object.freeze({ [ATTR.result]: 'failed' });

/**
 * Wraps a replay store (RFC 7523 §3 item 7) to time each `remember` in `rfc7523.replay_store.duration`
 * (seconds, by result `new` / `replay` / `failed`) and count rejections in
 * `rfc7523.replay_store.failures`. Answers and errors pass through unchanged. Until an SDK is registered
 * (telemetryActive), calls go straight to `store`, untimed: the clock and an async frame cost about a
 * microsecond a request in the engine's one-at-a-time figure (`npm run bench`, engine section).
 */
export function timedReplayStore(store: ReplayStore): ReplayStore {
  return {
    remember(key, expiresAt) {
      return telemetryActive() ? timed(store, key, expiresAt) : store.remember(key, expiresAt);
    },
  };
}

/** One `remember`, timed and counted. */
async function timed(store: ReplayStore, key: string, expiresAt: number): Promise<boolean> {
  const start = performance.now();
  let fresh: boolean;
  try {
    fresh = await store.remember(key, expiresAt);
  } catch (err) {
    quietly(() => {
      const metrics = instruments();
      metrics.replayStoreDuration.record(secondsSince(start), FAILED);
      metrics.replayStoreFailures.add(1);
    });
    throw err;
  }
  quietly(() => instruments().replayStoreDuration.record(secondsSince(start), fresh ? NEW : REPLAY));
  return fresh;
}
