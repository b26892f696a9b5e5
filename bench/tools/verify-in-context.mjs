// How long node:crypto's verify itself takes in the engine section's floor (back to back) and inside the
// engine's calls, one at a time: the wall-clock time of every `crypto.verify` call is summed by a
// wrapper installed before anything imports node:crypto, so an engine call splits into its verification
// and the rest. The floor and the engine are those of the engine section (scenarios/engine.mjs: the
// same tokens and engine), their calls taken in slices of 50 in turn as there, but without jose's
// slices between them; rounds of 4000 calls, the first not kept; "the rest" is the median call less
// the median time inside verify. Run it on one CPU: with more, the engine may hand verifications to
// the thread pool, where the wrapper would time only the hand-off; it refuses to start otherwise.
//
//   taskset -c 0 node bench/tools/verify-in-context.mjs [--alg=ES256] [--rounds=5]
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { exitUnlessOneCpu } from '../lib/pinning.mjs';
import { argValue, median } from '../lib/stats.mjs';
import { printTable } from '../lib/table.mjs';

exitUnlessOneCpu('verify-in-context.mjs');
const crypto = createRequire(import.meta.url)('node:crypto');
const realVerify = crypto.verify;
let insideNs = 0n;
crypto.verify = (...args) => {
  const start = process.hrtime.bigint();
  try {
    return realVerify(...args);
  } finally {
    insideNs += process.hrtime.bigint() - start;
  }
};
syncBuiltinESMExports();
const { prepare, SLICE_CALLS, WARM_UP } = await import('../scenarios/engine.mjs');

const alg = argValue('alg', 'ES256');
const rounds = Number(argValue('rounds', 5));
const COUNT = 4000;
const impls = await prepare(alg, COUNT + WARM_UP);
const names = ['floor', 'engine'];
const perRound = { floor: [], engine: [] };
for (let round = -1; round < rounds; round++) {
  const fns = {};
  for (const name of names) {
    fns[name] = await impls[name]();
    for (let i = 0; i < WARM_UP; i++) await fns[name](i);
  }
  const totals = { floor: { all: 0n, inside: 0n }, engine: { all: 0n, inside: 0n } };
  for (let from = WARM_UP; from < WARM_UP + COUNT; from += SLICE_CALLS) {
    for (const name of names) {
      insideNs = 0n;
      const start = process.hrtime.bigint();
      for (let i = from; i < from + SLICE_CALLS; i++) await fns[name](i);
      totals[name].all += process.hrtime.bigint() - start;
      totals[name].inside += insideNs;
    }
  }
  if (round < 0) continue; // the first round warms up
  for (const name of names) perRound[name].push({ all: Number(totals[name].all) / COUNT / 1000, inside: Number(totals[name].inside) / COUNT / 1000 });
}
const row = (name) => {
  const all = median(perRound[name].map((r) => r.all));
  const inside = median(perRound[name].map((r) => r.inside));
  return [name, all.toFixed(1), inside.toFixed(1), (all - inside).toFixed(1)];
};
printTable(`${alg}, one call at a time: microseconds per call, medians of ${rounds} rounds of ${COUNT} calls on one CPU`, ['implementation', 'us per call', 'inside crypto.verify', 'the rest'], names.map(row));
