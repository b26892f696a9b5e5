// Engine benchmark: assertions verified per second, one at a time and many in flight, for RS256,
// PS256, ES256 and EdDSA, beside the floor (node:crypto verify on the signing input with an
// already-imported key) and plain jose.jwtVerify. The scenario runs in a process pinned to one core from
// its start, its libuv thread pool included, when this machine can pin (canPin; as the pinned servers
// are), so that a rate is one core's work and does not move with what else runs on the other core.
//
// A JIT warm-up pass runs every algorithm through every implementation first (results discarded),
// so that the first measured algorithm does not pay for compiling the code the others share. One engine
// serves every round of an algorithm, as one serves a process: a new engine per round would hand V8 new
// closures (its clock, its event sink, its clients' key resolvers), and the code optimised for the last
// one is thrown away ("wrong call target") and compiled again inside the round. Each round gets a fresh
// replay store instead (the same tokens serve every round), through the `replayStore` option. Request
// bodies are flat strings, as an HTTP body read from a Buffer is (a template literal would be a cons
// string that the form reader flattens on first use). The
// implementations run in interleaved rounds (floor, jose, engine, floor, …), after two such rounds whose
// figures are dropped (full runs): without them the first algorithm's first two rounds ran slower than
// its later ones, jose's and the engine's alike (bench/RESULTS.md). Within a round each implementation's
// calls are taken in slices, in turn (50 floor, 50 jose, 50 engine, 50 floor, … one at a time; 571 or
// 572 each with 64 in flight, as a slice holds at least 8 calls per call in flight): a shared
// machine's speed moves within a fraction of a second, and a round measured in one piece per
// implementation let that movement into the ratio (bench/RESULTS.md). A rate is the median over the
// rounds, and a ratio to the floor the median of the round-by-round ratios.
//
//   node bench/scenarios/engine.mjs [--quick] [--reps=N]
import { createPublicKey, verify as cryptoVerify, constants, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT } from 'jose';
import { createAuthorizationServer, JWT_BEARER_CLIENT_ASSERTION_TYPE, MemoryReplayStore } from '@rfc7523/core';
import { BENCH_ISSUER as ISSUER } from '../lib/assertions.mjs';
import { interleaved, modes } from '../lib/interleave.mjs';
import { onOneCore, whereRan } from '../lib/pinning.mjs';
import { defineSection, isMain, runAlone } from '../lib/section.mjs';
import { table, times } from '../lib/table.mjs';

const ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

function nodeVerifier(alg, keyObject) {
  switch (alg) {
    case 'RS256':
      return (data, sig) => cryptoVerify('sha256', data, keyObject, sig);
    case 'PS256':
      return (data, sig) => cryptoVerify('sha256', data, { key: keyObject, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig);
    case 'ES256':
      return (data, sig) => cryptoVerify('sha256', data, { key: keyObject, dsaEncoding: 'ieee-p1363' }, sig);
    default:
      return (data, sig) => cryptoVerify(null, data, keyObject, sig);
  }
}

/** Calls each implementation makes on inputs of its own before it is measured, in every round. */
export const WARM_UP = 200;
/** Calls in a slice of one implementation, one call at a time (full and quick runs). */
export const SLICE_CALLS = 50;
const IN_FLIGHT = 64;

/**
 * Keys and `total` distinct client assertions for one algorithm, in every shape the implementations
 * take; each implementation is `async () => fn(i)`, called once per run.
 */
export async function prepare(alg, total) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
  const now = Date.now();
  // One engine for every round; a fresh replay store for every run, so the same tokens serve every round.
  let replays = new MemoryReplayStore({ now: () => now });
  const replayStore = { remember: (key, expiresAt) => replays.remember(key, expiresAt) };
  const server = await createAuthorizationServer({ issuer: ISSUER, now: () => now, replayStore, clients: [{ client_id: 'bench', jwks: { keys: [jwk] } }] });
  const tokens = [];
  for (let i = 0; i < total; i++) {
    tokens.push(
      await new SignJWT({ iss: 'bench', sub: 'bench', aud: ISSUER, jti: randomUUID(), iat: Math.floor(now / 1000), exp: Math.floor(now / 1000) + 60 })
        .setProtectedHeader({ alg, kid: 'k1' })
        .sign(privateKey),
    );
  }
  const verifyFloor = nodeVerifier(alg, createPublicKey({ key: jwk, format: 'jwk' }));
  const parts = tokens.map((t) => {
    const i = t.lastIndexOf('.');
    return [Buffer.from(t.slice(0, i)), Buffer.from(t.slice(i + 1), 'base64url')];
  });
  const joseKey = await importJWK(jwk, alg);
  const requests = tokens.map((t) => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: Buffer.from(`client_assertion_type=${encodeURIComponent(JWT_BEARER_CLIENT_ASSERTION_TYPE)}&client_assertion=${t}`).toString('latin1'),
  }));
  return {
    floor: async () => (i) => {
      if (!verifyFloor(...parts[i])) throw new Error('floor failed');
    },
    jose: async () => (i) => jwtVerify(tokens[i], joseKey, { audience: ISSUER }),
    engine: async () => {
      replays = new MemoryReplayStore({ now: () => now });
      return (i) => server.authenticateClient(requests[i]);
    },
  };
}

const IMPLS = { floor: 'floor', jose: 'jose.jwtVerify', engine: 'engine' };

/**
 * Rows of one algorithm: per mode and implementation, the median rate and ratio to the floor over `reps`
 * interleaved rounds, each implementation's calls taken in slices of `sliceCalls` in turn (lib/interleave.mjs).
 */
async function benchAlgorithm(alg, { count, reps, warmupRounds = 0, sliceCalls }) {
  const impls = await prepare(alg, count + WARM_UP);
  const rows = await interleaved(Object.keys(IMPLS), {
    reps,
    warmupRounds,
    sliceCalls,
    modes: modes(IN_FLIGHT),
    prepare: async (name) => {
      const fn = await impls[name]();
      for (let i = 0; i < WARM_UP; i++) await fn(i);
      return { count, call: (i) => fn(WARM_UP + i) };
    },
  });
  return rows.map((r) => ({ alg, mode: r.mode, impl: IMPLS[r.scenario], perSecond: r.perSecond, ratio: +r.ratio.toFixed(2), rates: r.rates, ratios: r.ratios }));
}

async function measureEngine({ count, reps, warmUpCount, warmupRounds, sliceCalls }) {
  for (const alg of ALGS) await benchAlgorithm(alg, { count: warmUpCount, reps: 1, sliceCalls });
  const rows = [];
  for (const alg of ALGS) rows.push(...(await benchAlgorithm(alg, { count, reps, warmupRounds, sliceCalls })));
  return rows;
}

/** The scenario, pinned to the servers' core when this machine can pin (onOneCore); rows say which. */
const benchEngine = (settings) => onOneCore(import.meta.url, settings, async (pinned) => (await measureEngine(settings)).map((row) => ({ ...row, pinned })));

const SETTINGS = { quick: { count: 500, reps: 1, warmUpCount: 100, warmupRounds: 0, sliceCalls: SLICE_CALLS }, full: { count: 4000, reps: 7, warmUpCount: 500, warmupRounds: 2, sliceCalls: SLICE_CALLS } };

/** The section's tables: (result, settings) → [{ title, header, rows }]. */
const tables = (rows, { count, reps, warmupRounds, sliceCalls }) => [
  table(`Engine: client assertions verified per second (${whereRan(rows[0]?.pinned)}; ${count} per round in slices of at least ${sliceCalls} calls and 8 per call in flight, taken in turn; median of ${reps} interleaved rounds after ${warmupRounds} not kept; ratio to the node:crypto floor: median of the round-by-round ratios)`, ['alg', 'mode', 'implementation', 'per second', 'ratio', 'rounds: lowest-highest ratio'], rows.map((r) => [r.alg, r.mode, r.impl, r.perSecond, times(r.ratio), `${times(Math.min(...r.ratios))}-${times(Math.max(...r.ratios))}`])),
];

export const section = defineSection('engine', 'Engine: verifying client assertions in-process…', SETTINGS, benchEngine, tables);

if (isMain(import.meta.url)) await runAlone(section);
