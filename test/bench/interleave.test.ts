import { combineSlices, interleaved } from '../../bench/lib/interleave.mjs';

/**
 * The bench's interleaving (bench/lib/interleave.mjs): within a round each name's calls are taken in
 * slices, in turn, every call exactly once, each slice at least `sliceCalls` calls and 8 per call in
 * flight; without a slice size a round is one piece per name, each name prepared just before it is
 * measured. The expected orders are written out by hand. Slices combine into one rate and CPU figure
 * (checked on figures given, with the answers worked by hand); no figure is checked against a clock.
 */

/** The calls `name`+i for i in [from, to) of each [name, from, to], in order. */
const calls = (...pieces: [string, number, number][]) => pieces.flatMap(([name, from, to]) => Array.from({ length: to - from }, (_, k) => `${name}${from + k}`));

/** Runs `names` (`count` calls each, default 10) and returns the calls in the order they were made. */
async function callOrder(names: string[], options: { count?: number; sliceCalls?: number; concurrency?: number; warmupRounds?: number; reps?: number }) {
  const log: string[] = [];
  const rounds: number[] = [];
  const rows = await interleaved(names, {
    reps: options.reps ?? 1,
    warmupRounds: options.warmupRounds ?? 0,
    ...(options.sliceCalls === undefined ? {} : { sliceCalls: options.sliceCalls }),
    modes: [['mode', options.concurrency ?? 1]],
    prepare: async (name, _concurrency, round) => {
      rounds.push(round);
      return { count: options.count ?? 10, call: async (i: number) => void log.push(`${name}${i}`) };
    },
  });
  return { log, rows, rounds };
}

describe('interleaved', () => {
  it('takes each name in slices of sliceCalls in turn, the count split evenly over the slices', async () => {
    const { log } = await callOrder(['a', 'b'], { count: 29, sliceCalls: 9 });
    // 29 calls in slices of at least 9: 3 slices, [0, 9), [9, 19), [19, 29).
    expect(log).toEqual(calls(['a', 0, 9], ['b', 0, 9], ['a', 9, 19], ['b', 9, 19], ['a', 19, 29], ['b', 19, 29]));
  });

  it('gives a name with fewer calls fewer slices, and its calls once each', async () => {
    const log: string[] = [];
    await interleaved(['a', 'b'], {
      reps: 1,
      sliceCalls: 8,
      modes: [['mode', 1]],
      prepare: async (name) => ({ count: name === 'a' ? 24 : 10, call: async (i: number) => void log.push(`${name}${i}`) }),
    });
    // a: 3 slices of 8; b: 1 slice of 10, taken after a's first.
    expect(log).toEqual(calls(['a', 0, 8], ['b', 0, 10], ['a', 8, 16], ['a', 16, 24]));
  });

  it('measures a whole round in one piece per name without a slice size, each prepared just before', async () => {
    const log: string[] = [];
    await interleaved(['a', 'b'], {
      reps: 1,
      modes: [['mode', 1]],
      prepare: async (name) => {
        log.push(`prepare ${name}`);
        return { count: 3, call: async (i: number) => void log.push(`${name}${i}`) };
      },
    });
    expect(log).toEqual(['prepare a', 'a0', 'a1', 'a2', 'prepare b', 'b0', 'b1', 'b2']);
  });

  it('makes a slice at least 8 calls per call in flight', async () => {
    // One call at a time: slices of at least 8, so 20 calls with sliceCalls 3 are 2 slices, not 6.
    expect((await callOrder(['a', 'b'], { count: 20, sliceCalls: 3 })).log).toEqual(calls(['a', 0, 10], ['b', 0, 10], ['a', 10, 20], ['b', 10, 20]));
    // 2 in flight: slices of at least 16, so one.
    expect((await callOrder(['a', 'b'], { count: 20, sliceCalls: 3, concurrency: 2 })).log).toEqual(calls(['a', 0, 20], ['b', 0, 20]));
  });

  it('prepares every name once per round, warm-up rounds first, and keeps only the counted rounds', async () => {
    const { log, rows, rounds } = await callOrder(['a', 'b'], { sliceCalls: 5, warmupRounds: 2, reps: 3 });
    expect(rounds).toEqual([-2, -2, -1, -1, 0, 0, 1, 1, 2, 2]);
    // Five rounds of 10 calls of each name.
    expect(log).toHaveLength(5 * 20);
    expect(rows.map((r) => [r.scenario, r.rates.length])).toEqual([
      ['a', 3],
      ['b', 3],
    ]);
    for (const row of rows) {
      expect(Number.isFinite(row.perSecond) && row.perSecond > 0).toBe(true);
      expect(row.ratios.every((r) => Number.isFinite(r) && r > 0)).toBe(true);
    }
    expect(rows[0]!.ratios).toEqual([1, 1, 1]);
  });

  it('combines slices into calls over wall-clock time and CPU per call weighted by calls', () => {
    // 40 calls in 20 ms: 2000 a second; CPU (10 × 5 + 30 × 1) / 40 = 2 µs a call.
    expect(combineSlices([
      { count: 10, ms: 10, cpuMicros: 5 },
      { count: 30, ms: 10, cpuMicros: 1 },
    ])).toEqual({ perSecond: 2000, cpuMicros: 2 });
  });
});
