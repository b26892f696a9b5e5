import { availableParallelism } from 'node:os';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** Event-loop utilisation windows, milliseconds: short to notice load, longer to judge the thread pool. */
const WINDOW_INLINE = 20;
const WINDOW_THREAD_POOL = 100;
/** Utilisation above which the thread pool is tried (the main thread is the bottleneck). */
const ENTER = 0.75;
/** Utilisation under which the thread pool is left (the main thread waits on it: one caller). */
const LEAVE = 0.5;
/**
 * Fewest hand-offs in a window on the pool for their overlap to count, and the share of them that must
 * find another still on the pool: below it, calls come one at a time and the pool only adds hand-offs.
 */
const MIN_HANDED = 8;
const MIN_OVERLAP = 0.1;
/** First and longest wait before trying the thread pool again after it did not help, milliseconds. */
const FIRST_BACKOFF = 5000;
const MAX_BACKOFF = 60_000;

/** What the policy reads: a monotonic clock in milliseconds and the event loop's utilisation (node:perf_hooks). */
export interface LoadProbe {
  now(): number;
  eventLoopUtilization(current?: EventLoopUtilization, previous?: EventLoopUtilization): EventLoopUtilization;
}

/**
 * Signature work handed to the thread pool, counted by {@link onThreadPool}: `handed` operations so far,
 * `overlapped` of them handed over while another was still on the pool, `pending` there now.
 */
export interface PoolTally {
  handed: number;
  overlapped: number;
  pending: number;
}

/** The process's tally. */
const processTally: PoolTally = { handed: 0, overlapped: 0, pending: 0 };

/**
 * Runs one node:crypto operation on libuv's thread pool: `start` calls node:crypto with the callback it is
 * given. Counted in `tally` (default the process's), which the policy reads. A synchronous throw of
 * `start` rejects.
 */
export function onThreadPool<T>(start: (callback: (err: Error | null, value: T) => void) => void, tally: PoolTally = processTally): Promise<T> {
  return new Promise((resolve, reject) => {
    tally.handed++;
    if (tally.pending > 0) tally.overlapped++;
    tally.pending++;
    try {
      start((err, value) => {
        tally.pending--;
        if (err) reject(err);
        else resolve(value);
      });
    } catch (err) {
      tally.pending--;
      reject(err);
    }
  });
}

/** Answers, at each signature operation, whether it should run on libuv's thread pool. */
export type ThreadPoolPolicy = () => boolean;

/**
 * A policy deciding whether signature work runs on libuv's thread pool rather than the main thread.
 * Synchronous crypto has the lowest latency for one caller; a busy server gains throughput by moving it
 * to other cores. Decided from event-loop utilisation (20 ms windows inline, 100 ms on the pool) with
 * hysteresis: enter above 75 %; leave below 50 % (the main thread idles waiting for the pool, so the
 * move did not help), or at most 75 % when fewer than one in ten of at least 8 operations handed to the
 * pool in the window found another still there (`tally`: calls come one at a time, so the main thread
 * only waits for each hand-off; seen at 50–75 % with one in-process caller), and wait 5 s (doubling to
 * 60 s) before trying again — unless the quiet window was a pause between bursts of load. `npm run bench` measures
 * the effect (pinned and unpinned). Internal.
 */
export function createThreadPoolPolicy(probe: LoadProbe = performance, tally: PoolTally = processTally): ThreadPoolPolicy {
  let threadPool = false;
  let mark = probe.eventLoopUtilization();
  let markAt = probe.now();
  let handedAt = tally.handed;
  let overlappedAt = tally.overlapped;
  let enteredAt = 0;
  let retryAt = 0;
  let backoff = FIRST_BACKOFF;
  return () => {
    const now = probe.now();
    const window = threadPool ? WINDOW_THREAD_POOL : WINDOW_INLINE;
    if (now - markAt >= window) {
      // No call for more than two windows: the server was idle, which says nothing against the pool.
      const idle = now - markAt > 2 * window;
      const current = probe.eventLoopUtilization();
      const { utilization } = probe.eventLoopUtilization(current, mark);
      mark = current;
      markAt = now;
      const handed = tally.handed - handedAt;
      const overlapped = tally.overlapped - overlappedAt;
      handedAt = tally.handed;
      overlappedAt = tally.overlapped;
      if (threadPool) {
        // One at a time: the loop is not saturated and the pool's work never ran beside other pool work.
        // A saturated loop stays: there the pool's work runs beside other requests' main-thread work,
        // which it need not overlap (short verifications, long framework work per request).
        const oneAtATime = utilization <= ENTER && handed >= MIN_HANDED && overlapped < handed * MIN_OVERLAP;
        if (utilization < LEAVE || oneAtATime) {
          threadPool = false;
          // Left within a second: the move did not help; wait, and wait twice as long next time.
          const quick = !idle && now - enteredAt < 1000;
          if (!quick) backoff = FIRST_BACKOFF;
          retryAt = idle ? now : now + backoff;
          if (quick) backoff = Math.min(backoff * 2, MAX_BACKOFF);
        }
      } else if (utilization > ENTER && now >= retryAt) {
        threadPool = true;
        enteredAt = now;
      }
    }
    return threadPool;
  };
}

/**
 * The process-wide policy for a process that may run on `cpus` CPUs (default `os.availableParallelism()`,
 * which follows the affinity mask, e.g. `taskset -c 0`): with one, the thread pool shares the main
 * thread's CPU, so moving signature work there cannot add throughput, only hand-offs, and the work
 * stays on the main thread; with more, {@link createThreadPoolPolicy} decides. Internal.
 */
export function processThreadPoolPolicy(cpus: number = availableParallelism(), probe: LoadProbe = performance): ThreadPoolPolicy {
  return cpus > 1 ? createThreadPoolPolicy(probe) : () => false;
}

let policy: ThreadPoolPolicy = processThreadPoolPolicy();

/** Whether signature work should run on the thread pool now (the process-wide policy). Internal. */
export function preferThreadPool(): boolean {
  return policy();
}

/** Replaces the process-wide policy (tests: force either path); returns a function restoring the previous one. Internal. */
export function setThreadPoolPolicy(next: ThreadPoolPolicy): () => void {
  const previous = policy;
  policy = next;
  return () => {
    policy = previous;
  };
}
