// Small statistics and the one measuring loop every in-process scenario uses.
import { performance } from 'node:perf_hooks';

/** The median of `values` (mean of the two middle values for an even count). */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The p-th percentile (0–100) of an ascending array (nearest rank, never past the end). */
export function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Runs `fn(i)` for i in [0, count) with `concurrency` calls in flight. Resolves `count`, the wall-clock
 * milliseconds `ms`, the rate (calls per second), CPU microseconds per call (all threads of this process:
 * steadier than the rate on a shared machine) and main-thread microseconds per call (event-loop
 * utilisation).
 */
export async function measureCalls(count, concurrency, fn) {
  let next = 0;
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await fn(next++);
    }),
  );
  const ms = performance.now() - start;
  const { active } = performance.eventLoopUtilization(elu);
  const used = process.cpuUsage(cpu);
  return { count, ms, perSecond: (count / ms) * 1000, cpuMicros: (used.user + used.system) / count, mainThreadMicros: (active * 1000) / count };
}

/** `--name=value` from argv, or `fallback`. */
export const argValue = (name, fallback) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback;
