// Whether what runs before the engine's JavaScript changes what it costs: the engine's ES256 client
// authentication with node:crypto's `verify` replaced by one answering true (so an engine call is its
// JavaScript alone), timed right after a real ES256 verification, right after a real RS256 one, or back
// to back, the three taken in slices of 50 in turn; rounds of 3000 calls per condition, the first not
// kept. Medians over the rounds. Run it on one CPU, as the engine section runs; it refuses to start
// otherwise: with more, the engine may call `verify` with a callback (the thread pool), which the
// stand-in below never calls, and the tool would hang.
//
//   taskset -c 0 node bench/tools/js-after-verify.mjs [--rounds=5]
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { exitUnlessOneCpu } from '../lib/pinning.mjs';
import { argValue, median } from '../lib/stats.mjs';
import { printTable } from '../lib/table.mjs';

exitUnlessOneCpu('js-after-verify.mjs');
const crypto = createRequire(import.meta.url)('node:crypto');
const realVerify = crypto.verify;
crypto.verify = () => true;
syncBuiltinESMExports();
const { prepare, SLICE_CALLS } = await import('../scenarios/engine.mjs');

/** A real verification of `alg` (ES256 or RS256) over a fixed input, with a key imported once. */
function realVerification(alg) {
  const { privateKey, publicKey } =
    alg === 'ES256' ? crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' }) : crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const input = alg === 'ES256' ? { key: publicKey, dsaEncoding: 'ieee-p1363' } : publicKey;
  const data = Buffer.from('header.claims');
  const signature = crypto.sign('sha256', data, alg === 'ES256' ? { key: privateKey, dsaEncoding: 'ieee-p1363' } : privateKey);
  return () => {
    if (!realVerify('sha256', data, input, signature)) throw new Error(`${alg} verification failed`);
  };
}

const rounds = Number(argValue('rounds', 5));
const COUNT = 3000;
const before = {
  'after an ES256 verify': realVerification('ES256'),
  'after an RS256 verify': realVerification('RS256'),
  'back to back': () => {},
};
const names = Object.keys(before);
// Distinct tokens for each condition: one engine, a fresh replay store each round (engine.mjs's prepare).
const impls = await prepare('ES256', names.length * COUNT);
const perRound = Object.fromEntries(names.map((name) => [name, []]));
for (let round = -1; round < rounds; round++) {
  const engine = await impls.engine();
  const ns = Object.fromEntries(names.map((name) => [name, 0n]));
  for (let from = 0; from < COUNT; from += SLICE_CALLS) {
    for (let k = 0; k < names.length; k++) {
      const name = names[k];
      for (let i = from; i < from + SLICE_CALLS; i++) {
        before[name]();
        const start = process.hrtime.bigint();
        await engine(k * COUNT + i);
        ns[name] += process.hrtime.bigint() - start;
      }
    }
  }
  if (round >= 0) for (const name of names) perRound[name].push(Number(ns[name]) / COUNT / 1000);
}
printTable(
  `The engine's JavaScript (ES256 client authentication, crypto.verify answering true): microseconds per call, medians of ${rounds} rounds of ${COUNT} calls on one CPU`,
  ['what ran just before', 'us per call', 'rounds: lowest-highest'],
  names.map((name) => [name, median(perRound[name]).toFixed(1), `${Math.min(...perRound[name]).toFixed(1)}-${Math.max(...perRound[name]).toFixed(1)}`]),
);
