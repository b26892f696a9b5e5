import { availableParallelism } from 'node:os';
import { performance, type EventLoopUtilization } from 'node:perf_hooks';

/** Event-loop utilisation windows, milliseconds: short to notice load, longer to judge the thread pool. */
const WINDOW_INLINE = 20;
const WINDOW_THREAD_POOL = 100;
/** Utilisation above which the thread pool is tried (the main thread is the bottleneck). */
const ENTER = 0.75;
/** Utilisation under which the thread pool is left (the main thread waits on it: one caller). */
const LEAVE = 0.5;
/** First and longest wait before trying the thread pool again after it did not help, milliseconds. */
const FIRST_BACKOFF = 5000;
const MAX_BACKOFF = 60_000;

/** What the policy reads: a monotonic clock in milliseconds and the event loop's utilisation (node:perf_hooks). */
export interface LoadProbe {
  now(): number;
  eventLoopUtilization(current?: EventLoopUtilization, previous?: EventLoopUtilization): EventLoopUtilization;
}

/** Answers, at each signature operation, whether it should run on libuv's thread pool. */
export type ThreadPoolPolicy = () => boolean;

/**
 * A policy deciding whether signature work runs on libuv's thread pool rather than the main thread.
 * Synchronous crypto has the lowest latency for one caller; a busy server gains throughput by moving it
 * to other cores. Decided from event-loop utilisation (20 ms windows inline, 100 ms on the pool) with
 * hysteresis: enter above 75 %; leave below 50 % (the main thread idles waiting for the pool, so the
 * move did not help) and wait 5 s (doubling to 60 s) before trying again — unless the quiet window was
 * a pause between bursts of load. `npm run bench` measures the effect (pinned and unpinned). Internal.
 */
export function createThreadPoolPolicy(probe: LoadProbe = performance): ThreadPoolPolicy {
  let threadPool = false;
  let mark = probe.eventLoopUtilization();
  let markAt = probe.now();
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
      if (threadPool) {
        if (utilization < LEAVE) {
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
