// DPoP proof verification (RFC 9449 §4.3) against a plain ES256 JWT verification: how much the DPoP
// path adds per request. Also the optional section `dpop` of run.mjs (--only=dpop). Needs the core build
// (npm run build -w packages/core).
//
//   node bench/dpop.mjs            # about a minute on 2 cores
//   node bench/dpop.mjs --quick    # a few seconds
//   node bench/dpop.mjs --reps=5   # more interleaved runs on a noisy machine
//
// Rows, each one at a time and 32 in flight, rate = calls per second (median of interleaved runs):
//   baseline  jose.jwtVerify of an ES256 access token with its key imported once (the bearer path's crypto)
//   dpop      verifyDpopProof of an ES256 proof at the token endpoint (typ, alg, jwk, htm, htu, iat, thumbprint,
//             signature, replay store), one client key (its import cached after the first proof)
//   dpop+ath  the same at a resource: ath over the access token too
//   dpop, new key per proof   every proof from another key: thumbprint and key import every time
//   dpop RS256 / EdDSA        other proof algorithms
//   bearer+dpop               the resource path whole: access token verify, then its proof
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT } from 'jose';
import { MemoryReplayStore } from '../packages/core/dist/replay/memory-replay-store.js';
import { accessTokenHash, DpopVerifier } from '../packages/core/dist/dpop/index.js';

const URL_TOKEN = 'https://as.bench.test/token';
const URL_API = 'https://api.bench.test/v1/things';
const IN_FLIGHT = 32;

const quick = process.argv.includes('--quick');
const COUNT = quick ? 1000 : 4000;
const repsArg = process.argv.find((a) => a.startsWith('--reps='));
const REPS = repsArg ? Number(repsArg.slice('--reps='.length)) : quick ? 1 : 3;

/**
 * Runs fn(i) for i in [0, count) with `concurrency` in flight: calls per second (wall clock) and CPU
 * microseconds per call (all threads of this process: steadier than the rate on a shared machine).
 */
async function measure(count, concurrency, fn) {
  let next = 0;
  const cpu = process.cpuUsage();
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await fn(next++);
    }),
  );
  const used = process.cpuUsage(cpu);
  return { perSecond: (count / (performance.now() - start)) * 1000, cpuMicros: (used.user + used.system) / count };
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function keyPair(alg) {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { alg, privateKey, jwk: await exportJWK(publicKey), publicKey };
}

function proof(key, iat, { htm = 'POST', htu = URL_TOKEN, ath } = {}) {
  const claims = { jti: randomUUID(), htm, htu, iat, ...(ath === undefined ? {} : { ath }) };
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, typ: 'dpop+jwt', jwk: key.jwk }).sign(key.privateKey);
}

/** Each scenario: a name and prepare(n) → fn(i) that verifies the i-th of n prepared inputs (throws on refusal). */
async function scenarios(now) {
  const iat = Math.floor(now / 1000);
  const clock = () => now;
  const verifier = () => new DpopVerifier({ now: clock, replayStore: new MemoryReplayStore({ now: clock }), maxAge: 600 });
  const as = await keyPair('ES256');
  const asKey = await importJWK(as.jwk, 'ES256');
  const accessToken = await new SignJWT({ sub: 'client-1', scope: 'read', client_id: 'client-1' })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'as-1' })
    .setIssuer('https://as.bench.test')
    .setAudience('https://api.bench.test')
    .setIssuedAt(iat)
    .setExpirationTime(iat + 3600)
    .sign(as.privateKey);
  const ath = accessTokenHash(accessToken);
  const client = { ES256: await keyPair('ES256'), RS256: await keyPair('RS256'), EdDSA: await keyPair('EdDSA') };
  const ok = (result) => {
    if (!result.ok) throw new Error(`refused: ${result.refusal.reason} ${result.refusal.detail}`);
  };
  const proofs = async (n, make) => {
    const list = [];
    for (let i = 0; i < n; i++) list.push(await make(i));
    return list;
  };
  const verifyAccessToken = () => jwtVerify(accessToken, asKey, { issuer: 'https://as.bench.test', audience: 'https://api.bench.test', currentDate: new Date(now) });

  return [
    ['baseline: jose.jwtVerify ES256 access token', async () => verifyAccessToken],
    ['dpop ES256 proof, token endpoint', async (n) => {
      const list = await proofs(n, () => proof(client.ES256, iat));
      const v = verifier();
      return async (i) => ok(await v.verify(list[i], { method: 'POST', url: URL_TOKEN }));
    }],
    ['dpop ES256 proof + ath, resource', async (n) => {
      const list = await proofs(n, () => proof(client.ES256, iat, { htm: 'GET', htu: URL_API, ath }));
      const v = verifier();
      return async (i) => ok(await v.verify(list[i], { method: 'GET', url: URL_API, accessToken }));
    }],
    ['dpop ES256 proof, new key per proof', async (n) => {
      // One key per proof, so no proof's key is in the verifier's key cache.
      const keys = await Promise.all(Array.from({ length: n }, () => keyPair('ES256')));
      const list = await proofs(n, (i) => proof(keys[i], iat));
      const v = verifier();
      return async (i) => ok(await v.verify(list[i], { method: 'POST', url: URL_TOKEN }));
    }],
    ['dpop RS256 proof, token endpoint', async (n) => {
      const list = await proofs(n, () => proof(client.RS256, iat));
      const v = verifier();
      return async (i) => ok(await v.verify(list[i], { method: 'POST', url: URL_TOKEN }));
    }],
    ['dpop EdDSA proof, token endpoint', async (n) => {
      const list = await proofs(n, () => proof(client.EdDSA, iat));
      const v = verifier();
      return async (i) => ok(await v.verify(list[i], { method: 'POST', url: URL_TOKEN }));
    }],
    ['bearer+dpop: access token then its ES256 proof', async (n) => {
      const list = await proofs(n, () => proof(client.ES256, iat, { htm: 'GET', htu: URL_API, ath }));
      const v = verifier();
      return async (i) => {
        await verifyAccessToken();
        ok(await v.verify(list[i], { method: 'GET', url: URL_API, accessToken }));
      };
    }],
  ];
}

/** Rows { scenario, mode, perSecond, cpuMicros, ratio } (ratio of rates to the baseline in the same mode). */
export async function benchDpop({ count = COUNT, reps = REPS } = {}) {
  const now = Date.now();
  const list = await scenarios(now);
  const rows = [];
  for (const [mode, concurrency] of [['one at a time', 1], [`${IN_FLIGHT} in flight`, IN_FLIGHT]]) {
    const rates = new Map(list.map(([name]) => [name, []]));
    const cpu = new Map(list.map(([name]) => [name, []]));
    for (let rep = 0; rep < reps; rep++) {
      for (const [name, prepare] of list) {
        // The new-key scenario has at most 2000 distinct keys: run it on a count it covers.
        const n = name.includes('new key') ? Math.min(count, 2000) : count;
        const warm = await prepare(200);
        for (let i = 0; i < 200; i++) await warm(i); // warm-up on inputs of its own
        const fn = await prepare(n);
        const { perSecond, cpuMicros } = await measure(n, concurrency, fn);
        rates.get(name).push(perSecond);
        cpu.get(name).push(cpuMicros);
      }
    }
    const baseline = median(rates.get(list[0][0]));
    for (const [name] of list) {
      const perSecond = median(rates.get(name));
      rows.push({ scenario: name, mode, perSecond: Math.round(perSecond), cpuMicros: +median(cpu.get(name)).toFixed(1), ratio: +(perSecond / baseline).toFixed(2) });
    }
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { printTable } = await import('./table.mjs');
  const rows = await benchDpop();
  printTable(
    `DPoP proof verification vs a plain ES256 JWT verify (Node ${process.version}, ${COUNT} calls, median of ${REPS})`,
    ['scenario', 'mode', 'calls/s', 'CPU us/call', 'rate vs baseline'],
    rows.map((r) => [r.scenario, r.mode, r.perSecond, r.cpuMicros, `${r.ratio.toFixed(2)}x`]),
  );
}
