// Types of interleave.mjs for the TypeScript tests that import it.

export declare function combineSlices(slices: { count: number; ms: number; cpuMicros: number }[]): { perSecond: number; cpuMicros: number };

export declare const modes: (inFlight: number) => [string, number][];

export interface InterleavedRow {
  scenario: string;
  mode: string;
  perSecond: number;
  cpuMicros: number;
  ratio: number;
  rates: number[];
  ratios: number[];
}

export declare function interleaved(
  names: string[],
  options: {
    reps: number;
    warmupRounds?: number;
    sliceCalls?: number;
    modes: [string, number][];
    prepare: (name: string, concurrency: number, round: number) => Promise<{ count: number; call: (i: number) => unknown }>;
  },
): Promise<InterleavedRow[]>;
