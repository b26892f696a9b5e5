// DPoP proof verification (RFC 9449 §4.3) against a plain ES256 JWT verification: how much the DPoP
// path adds per request. The optional section `dpop` of run.mjs (--only=dpop). Needs the core build
// (npm run build -w packages/core).
//
//   node bench/scenarios/dpop.mjs
//   node bench/scenarios/dpop.mjs --quick    # a smoke run
//   node bench/scenarios/dpop.mjs --reps=5   # more interleaved rounds on a noisy machine
//
// Rows, each one at a time and 32 in flight, rate = calls per second (median of interleaved rounds):
//   baseline  jose.jwtVerify of an ES256 access token with its key imported once (the bearer path's crypto)
//   dpop      verifyDpopProof of an ES256 proof at the token endpoint (typ, alg, jwk, htm, htu, iat, thumbprint,
//             signature, replay store), one client key (its import cached after the first proof)
//   dpop+ath  the same at a resource: ath over the access token too
//   dpop, new key per proof   every proof from another key: thumbprint and key import every time
//   dpop RS256 / EdDSA        other proof algorithms
//   bearer+dpop               the resource path whole: access token verify, then its proof
import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT } from 'jose';
import { MemoryReplayStore } from '../../packages/core/dist/replay/memory-replay-store.js';
import { accessTokenHash, DpopVerifier } from '../../packages/core/dist/dpop/index.js';
import { interleaved, modes } from '../lib/interleave.mjs';
import { defineSection, isMain, runAlone } from '../lib/section.mjs';
import { table, times } from '../lib/table.mjs';

const URL_TOKEN = 'https://as.bench.test/token';
const URL_API = 'https://api.bench.test/v1/things';
const IN_FLIGHT = 32;

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

  /** prepare(n) for proofs made by `keyAt(i)` and checked at the token endpoint. */
  const atTokenEndpoint = (keyAt) => async (n) => {
    const list = await proofs(n, (i) => proof(keyAt(i), iat));
    const v = verifier();
    return async (i) => ok(await v.verify(list[i], { method: 'POST', url: URL_TOKEN }));
  };
  /** prepare(n) for ES256 proofs with ath checked at the resource, after `before()` (e.g. the access token's own check). */
  const atResource = (before) => async (n) => {
    const list = await proofs(n, () => proof(client.ES256, iat, { htm: 'GET', htu: URL_API, ath }));
    const v = verifier();
    return async (i) => {
      await before();
      ok(await v.verify(list[i], { method: 'GET', url: URL_API, accessToken }));
    };
  };

  return [
    ['baseline: jose.jwtVerify ES256 access token', async () => verifyAccessToken],
    ['dpop ES256 proof, token endpoint', atTokenEndpoint(() => client.ES256)],
    ['dpop ES256 proof + ath, resource', atResource(() => undefined)],
    ['dpop ES256 proof, new key per proof', async (n) => {
      // One key per proof, so no proof's key is in the verifier's key cache.
      const keys = await Promise.all(Array.from({ length: n }, () => keyPair('ES256')));
      return atTokenEndpoint((i) => keys[i])(n);
    }],
    ['dpop RS256 proof, token endpoint', atTokenEndpoint(() => client.RS256)],
    ['dpop EdDSA proof, token endpoint', atTokenEndpoint(() => client.EdDSA)],
    ['bearer+dpop: access token then its ES256 proof', atResource(verifyAccessToken)],
  ];
}

/** Rows { scenario, mode, perSecond, cpuMicros, ratio } (ratio of rates to the baseline in the same mode and round). */
async function benchDpop({ count, reps }) {
  const list = new Map(await scenarios(Date.now()));
  return interleaved([...list.keys()], {
    reps,
    modes: modes(IN_FLIGHT),
    prepare: async (name) => {
      const prepare = list.get(name);
      // The new-key scenario has at most 2000 distinct keys: run it on a count it covers.
      const n = name.includes('new key') ? Math.min(count, 2000) : count;
      const warm = await prepare(200);
      for (let i = 0; i < 200; i++) await warm(i); // warm-up on inputs of its own
      return { count: n, call: await prepare(n) };
    },
  });
}

const SETTINGS = { quick: { count: 1000, reps: 1 }, full: { count: 4000, reps: 3 } };

/** The section's tables: (result, settings) → [{ title, header, rows }]. */
const tables = (rows, { count, reps }) => [
  table(`DPoP (RFC 9449): proof verification vs a plain ES256 access-token verify (the bearer path); ${count} calls, median of ${reps} interleaved rounds`, ['scenario', 'mode', 'calls/s', 'CPU us/call', 'rate vs baseline'], rows.map((r) => [r.scenario, r.mode, r.perSecond, r.cpuMicros, times(r.ratio)])),
];

export const section = defineSection('dpop', 'DPoP: proof verification against a plain ES256 JWT verify…', SETTINGS, benchDpop, tables, { optional: true });

if (isMain(import.meta.url)) await runAlone(section);
