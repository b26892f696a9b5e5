// Alternating load runs over several already-started servers: a warm-up run each, then rounds whose
// order rotates (A, B, C; B, C, A; C, A, B; …) so that drift on a shared machine (other processes,
// thermal, the host's other guests) hits every server alike, and no server always runs the longest after
// another (with a fixed order the last server of a round was 4 runs away from the baseline in every
// round: 2026-12-01's pinned run had Koa's round ratios at 1.48, 1.22, 0.96 and 0.73). Every run gets
// fresh, never-used request bodies, and is sized from the previous run's rate so that it lasts about
// `seconds`.
import { availableParallelism } from 'node:os';
import { cpuSnapshot, foreignCores } from './cpu-load.mjs';
import { runLoad, SPARE_BODIES } from './load.mjs';
import { median } from './stats.mjs';

/** Median rps, p50, p99 of the runs; valid only when every run was. */
export function summarise(runs) {
  return {
    rps: Math.round(median(runs.map((r) => r.rps))),
    p50: +median(runs.map((r) => r.p50)).toFixed(2),
    p99: +median(runs.map((r) => r.p99)).toFixed(2),
    non2xx: runs.reduce((sum, r) => sum + r.non2xx + r.errors + r.timeouts, 0),
    otherLoad: runs.every((r) => r.otherLoad !== null) ? +median(runs.map((r) => r.otherLoad)).toFixed(2) : null,
    valid: runs.every((r) => r.valid),
    runs,
  };
}

/**
 * Median over rounds of run-by-run ratios `of[i] / to[i]` of `field`: each round's runs are close in
 * time, so a ratio within a round cancels most of the machine's drift, and the median drops a round
 * that another process disturbed.
 */
export function pairedRatio(of, to, field) {
  return +median(of.runs.map((run, i) => run[field] / to.runs[i][field])).toFixed(3);
}

/** Cores of other load below which a run counts as quiet. */
export const QUIET = 0.1;

/**
 * {@link pairedRatio} over the quiet rounds only (both runs with other load below QUIET cores), or
 * null when fewer than two rounds were quiet. On 2 cores another process's load changes the result
 * (it takes the core a server's thread pool would use), so this is the cleaner figure.
 */
export function quietPairedRatio(of, to, field) {
  const quiet = of.runs.map((run, i) => [run, to.runs[i]]).filter(([a, b]) => a.otherLoad !== null && b.otherLoad !== null && a.otherLoad < QUIET && b.otherLoad < QUIET);
  if (quiet.length < 2) return null;
  return +median(quiet.map(([a, b]) => a[field] / b[field])).toFixed(3);
}

/**
 * entries: [{ name, url, pid, bodies(count) → Buffer[], estimate? }]. Runs a warm-up of `warmupRequests`
 * on each entry without an estimate, then `warmupRounds` rounds whose runs are not kept (the servers' JIT
 * and the host settle: 2026-12-01's pinned run went from ~4,000 to ~6,500 req/s over its first three
 * rounds, every server alike), then `rounds` rounds of one measured run each, every round in rotating
 * order. Returns { name → summary } and leaves `estimate` (rps) on each entry for later calls.
 */
export async function alternate(entries, { rounds, seconds, warmupRequests, warmupRounds = 0, log = () => {} }) {
  const ours = [process.pid, ...entries.map((e) => e.pid)];
  const cpus = availableParallelism();
  for (const entry of entries) {
    if (entry.estimate !== undefined) continue;
    const warm = await runLoad(entry.url, entry.bodies(warmupRequests + SPARE_BODIES));
    if (!warm.valid) throw new Error(`${entry.name}: warm-up had ${warm.non2xx} non-2xx, ${warm.errors} errors, ${warm.timeouts} timeouts`);
    entry.estimate = warm.rps;
    log(`  warm-up ${entry.name}: ${warm.rps} req/s`);
  }
  const runs = new Map(entries.map((e) => [e.name, []]));
  for (let turn = 0; turn < warmupRounds + rounds; turn++) {
    const round = turn - warmupRounds + 1; // 1, 2, … for the rounds kept
    for (let k = 0; k < entries.length; k++) {
      const entry = entries[(k + turn) % entries.length];
      const count = Math.max(500, Math.round(entry.estimate * seconds));
      const bodies = entry.bodies(count + SPARE_BODIES);
      const before = cpuSnapshot(ours);
      const result = await runLoad(entry.url, bodies);
      result.otherLoad = foreignCores(before, cpuSnapshot(ours), cpus);
      entry.estimate = result.rps || entry.estimate;
      if (round >= 1) runs.get(entry.name).push(result);
      log(`  ${round >= 1 ? `round ${round}` : `warm-up round ${round + warmupRounds}`} ${entry.name}: ${result.rps} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms, other processes ${result.otherLoad ?? '?'} cores${result.valid ? '' : `  INVALID: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`}`);
    }
  }
  return Object.fromEntries([...runs].map(([name, list]) => [name, summarise(list)]));
}
