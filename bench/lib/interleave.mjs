// Interleaved comparison of in-process implementations: every scenario measured in turn (A, B, C, A,
// B, C, …) so that the shared machine's drift hits all of them alike, and ratios taken within a round.
import { measureCalls, median } from './stats.mjs';

/** The two modes every in-process scenario reports: one call at a time, and `inFlight` calls in flight. */
export const modes = (inFlight) => [
  ['one at a time', 1],
  [`${inFlight} in flight`, inFlight],
];

/** Fewest calls of a slice for each call in flight, so that a slice is not mostly filling and draining. */
const SLICE_CALLS_PER_IN_FLIGHT = 8;

/** The calls [from, to) of slice `j` of `slices` over `count` calls. */
const sliceOf = (count, slices, j) => [Math.floor((j * count) / slices), Math.floor(((j + 1) * count) / slices)];

/**
 * One name's measurement over its slices: { perSecond, cpuMicros } from each slice's { count, ms,
 * cpuMicros } (measureCalls): the calls over the wall-clock time, and the CPU per call weighted by calls.
 */
export function combineSlices(slices) {
  let count = 0;
  let ms = 0;
  let cpu = 0;
  for (const slice of slices) {
    count += slice.count;
    ms += slice.ms;
    cpu += slice.cpuMicros * slice.count;
  }
  return { perSecond: (count / ms) * 1000, cpuMicros: cpu / count };
}

/**
 * One round. Without `sliceCalls` (Infinity, or not a number), each name is prepared
 * (`prepare(name, concurrency, round)` resolves { count, call(i) }, after any warm-up of its own) and
 * measured in one piece before the next is prepared. With it, every name is prepared first, then its
 * calls are measured in slices taken in turn (A's first slice, B's first, …, A's second, …), so that a
 * change of the machine's speed within the round (another tenant, a frequency step) falls on every name
 * alike: each name's count is split evenly into as many slices as hold at least `sliceCalls` calls, and
 * at least 8 per call in flight, each (one slice when the count is smaller). Resolves each name's
 * { perSecond, cpuMicros }.
 */
async function measureRound(names, concurrency, round, { prepare, sliceCalls }) {
  if (!Number.isFinite(sliceCalls)) {
    const measured = [];
    for (const name of names) {
      const { count, call } = await prepare(name, concurrency, round);
      measured.push(await measureCalls(count, concurrency, call));
    }
    return measured;
  }
  const prepared = [];
  for (const name of names) prepared.push(await prepare(name, concurrency, round));
  const size = Math.max(sliceCalls, SLICE_CALLS_PER_IN_FLIGHT * concurrency);
  const slicesOf = prepared.map(({ count }) => Math.max(1, Math.floor(count / size)));
  const measured = prepared.map(() => []);
  for (let j = 0; j < Math.max(...slicesOf); j++) {
    for (let k = 0; k < names.length; k++) {
      if (j >= slicesOf[k]) continue;
      const { count, call } = prepared[k];
      const [from, to] = sliceOf(count, slicesOf[k], j);
      measured[k].push(await measureCalls(to - from, concurrency, (i) => call(from + i)));
    }
  }
  return measured.map(combineSlices);
}

/**
 * For each mode, `warmupRounds` rounds over `names` whose measurements are dropped (default none; as the
 * pinned section drops its first rounds, so that the code under test and the machine settle), then
 * `reps` rounds (`round` is negative in a warm-up round; see measureRound for `prepare` and
 * `sliceCalls`). One row per mode and name: the median rate and CPU per call over the rounds, `ratio`
 * (the median over the rounds of this name's rate divided by the first name's rate in the same round:
 * paired, so drift between rounds cancels and a disturbed round drops out), `rates` (every round's
 * rate) and `ratios` (every round's ratio).
 */
export async function interleaved(names, { reps, warmupRounds = 0, sliceCalls = Infinity, modes: list, prepare }) {
  const rows = [];
  for (const [mode, concurrency] of list) {
    for (let round = -warmupRounds; round < 0; round++) await measureRound(names, concurrency, round, { prepare, sliceCalls });
    const runs = names.map(() => []);
    for (let round = 0; round < reps; round++) {
      const measured = await measureRound(names, concurrency, round, { prepare, sliceCalls });
      measured.forEach((m, k) => runs[k].push(m));
    }
    const reference = runs[0];
    names.forEach((name, k) => {
      const own = runs[k];
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
    });
  }
  return rows;
}
