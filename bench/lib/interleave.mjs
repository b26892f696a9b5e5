// Interleaved comparison of in-process implementations: every scenario measured in turn (A, B, C, A,
// B, C, …) so that the shared machine's drift hits all of them alike, and ratios taken within a round.
import { median } from './stats.mjs';

/** The two modes every in-process scenario reports: one call at a time, and `inFlight` calls in flight. */
export const modes = (inFlight) => [
  ['one at a time', 1],
  [`${inFlight} in flight`, inFlight],
];

/**
 * For each mode, `warmupRounds` rounds over `names` whose measurements are dropped (default none; as the
 * pinned section drops its first rounds, so that the code under test and the machine settle), then
 * `reps` rounds over `names` in order; `run(name, concurrency, round)` resolves one measurement
 * { perSecond, cpuMicros } (`round` is negative in a warm-up round). One row per mode and name: the
 * median rate and CPU per call over the rounds, `ratio` (the median over the rounds of this name's rate
 * divided by the first name's rate in the same round: paired, so drift between rounds cancels and a
 * disturbed round drops out), `rates` (every round's rate) and `ratios` (every round's ratio).
 */
export async function interleaved(names, { reps, warmupRounds = 0, modes: list, run }) {
  const rows = [];
  for (const [mode, concurrency] of list) {
    for (let round = -warmupRounds; round < 0; round++) {
      for (const name of names) await run(name, concurrency, round);
    }
    const runs = new Map(names.map((name) => [name, []]));
    for (let round = 0; round < reps; round++) {
      for (const name of names) runs.get(name).push(await run(name, concurrency, round));
    }
    const reference = runs.get(names[0]);
    for (const name of names) {
      const own = runs.get(name);
      const ratios = own.map((r, i) => r.perSecond / reference[i].perSecond);
      rows.push({
        scenario: name,
        mode,
        perSecond: Math.round(median(own.map((r) => r.perSecond))),
        cpuMicros: +median(own.map((r) => r.cpuMicros)).toFixed(1),
        ratio: +median(ratios).toFixed(3),
        rates: own.map((r) => Math.round(r.perSecond)),
        ratios: ratios.map((x) => +x.toFixed(3)),
      });
    }
  }
  return rows;
}
