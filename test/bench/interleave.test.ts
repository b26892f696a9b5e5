import { interleaved } from '../../bench/lib/interleave.mjs';

/**
 * The bench's interleaving (bench/lib/interleave.mjs): within a round each name's calls are taken in
 * slices, in turn, every call exactly once; with calls in flight a slice holds at least 8 per call in
 * flight; without a slice size a round is one piece per name. The expected orders are written out by
 * hand. No figure is checked against a time: only that every row has a finite rate and the first name
 * is its own reference.
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
    const { log } = await callOrder(['a', 'b'], { count: 20, sliceCalls: 9 });
    // 20 calls in slices of at most 9: 3 slices, [0, 6), [6, 13), [13, 20).
    expect(log).toEqual(calls(['a', 0, 6], ['b', 0, 6], ['a', 6, 13], ['b', 6, 13], ['a', 13, 20], ['b', 13, 20]));
  });

  it('measures a whole round in one piece per name without a slice size', async () => {
    const { log } = await callOrder(['a', 'b'], { count: 100 });
    expect(log).toEqual(calls(['a', 0, 100], ['b', 0, 100]));
  });

  it('makes a slice at least 8 calls per call in flight', async () => {
    // One call at a time: slices of at least 8, so 20 calls with sliceCalls 3 are 3 slices, not 7.
    expect((await callOrder(['a', 'b'], { count: 20, sliceCalls: 3 })).log).toEqual(calls(['a', 0, 6], ['b', 0, 6], ['a', 6, 13], ['b', 6, 13], ['a', 13, 20], ['b', 13, 20]));
    // 2 in flight: slices of at least 16, so 2 slices.
    expect((await callOrder(['a', 'b'], { count: 20, sliceCalls: 3, concurrency: 2 })).log).toEqual(calls(['a', 0, 10], ['b', 0, 10], ['a', 10, 20], ['b', 10, 20]));
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
});
