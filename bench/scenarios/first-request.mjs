// The first token request of a client against its later ones, with the key's own cost measured apart:
// the engine in-process (handleTokenRequest, client_credentials + private_key_jwt, ES256), one call at a
// time, in a process pinned to one core when this machine can pin (as the engine section is), for both
// values of the option importKeys (two engines, each with its own clients). Each round times, back to
// back, a request from a client already used (warm) and the first request of a client never seen (each
// client has its own key) on each engine, and what node:crypto alone pays for a key it has not used
// before: its createPublicKey of a fresh public JWK, plus the extra time of that key's first verification
// over a verification with a key already used (OpenSSL finishes a key imported from a JWK on its first
// use). The target (targets.mjs) compares the extra cost of a first request under the default
// (at-start-up) with that key cost; on-first-use and createPublicKey alone are reported beside it.
//
//   node bench/scenarios/first-request.mjs [--quick]   # uses the built @rfc7523/core (npm run build first)
import { createPublicKey, sign, verify } from 'node:crypto';
import { createAuthorizationServer } from '@rfc7523/core';
import { BENCH_ISSUER, clientCredentialsBodies, clientKey } from '../lib/assertions.mjs';
import { onOneCore, whereRan } from '../lib/pinning.mjs';
import { defineSection, isMain, runAlone } from '../lib/section.mjs';
import { table } from '../lib/table.mjs';
import { median } from '../lib/stats.mjs';

const HEADERS = { 'content-type': 'application/x-www-form-urlencoded' };
const WARM_UP = 200;

/** Microseconds `fn` takes (awaited). */
async function micros(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1000;
}

/** An engine with a warm client and `keys.length` clients never seen, importing its keys as `importKeys` says. */
async function serverWith(keys, ids, warmKey, importKeys) {
  const server = await createAuthorizationServer({
    issuer: BENCH_ISSUER,
    importKeys,
    clients: [{ client_id: 'warm', jwks: { keys: [warmKey.publicJwk] }, scope: 'read write' }, ...keys.map((k, i) => ({ client_id: ids[i], jwks: { keys: [k.publicJwk] }, scope: 'read write' }))],
  });
  return async (body) => {
    const res = await server.handleTokenRequest({ method: 'POST', headers: HEADERS, body });
    if (res.status !== 200) throw new Error(`token request answered ${res.status}: ${JSON.stringify(res.body)}`);
  };
}

async function measureFirstRequest({ clients }, pinned) {
  const total = WARM_UP + clients;
  const ids = Array.from({ length: total }, (_, i) => `new-${i}`);
  const warmKey = clientKey('warm');
  // Two engines, each with clients of its own: keys imported at start-up (the default) and on first use.
  const modes = ['at-start-up', 'on-first-use'];
  const sides = [];
  for (const importKeys of modes) {
    const keys = Array.from({ length: total }, (_, i) => clientKey(`k${i}`));
    const started = process.hrtime.bigint();
    const request = await serverWith(keys, ids, warmKey, importKeys);
    const startMillis = Number(process.hrtime.bigint() - started) / 1e6;
    const firstBodies = keys.map((k, i) => clientCredentialsBodies(k, 1, () => ids[i])[0].toString());
    const warmBodies = clientCredentialsBodies(warmKey, total + 1, () => 'warm').map(String);
    await request(warmBodies[total]); // the warm client's own first request
    sides.push({ importKeys, request, firstBodies, warmBodies, startMillis, warm: [], first: [] });
  }
  // Keys the engine never sees, for node:crypto's own cost of a new key: each signs one input, verified
  // first with a key already used (warm), then with the new key just imported.
  const data = Buffer.from(sides[0].firstBodies[0].split('client_assertion=')[1].split('.').slice(0, 2).join('.'));
  const ES256 = (key) => ({ key, dsaEncoding: 'ieee-p1363' });
  const freshKeys = Array.from({ length: total }, () => clientKey());
  const freshSignatures = freshKeys.map((k) => sign('sha256', data, ES256(k.privateKey)));
  const warmPublic = createPublicKey({ key: warmKey.publicJwk, format: 'jwk' });
  // A signature of its own for each round on the warm side too, so that both sides read bytes not read before.
  const warmSignatures = freshKeys.map(() => sign('sha256', data, ES256(warmKey.privateKey)));
  const keyCost = (i) => {
    let start = process.hrtime.bigint();
    if (!verify('sha256', data, ES256(warmPublic), warmSignatures[i])) throw new Error('warm verification failed');
    const verifyWarm = process.hrtime.bigint() - start;
    start = process.hrtime.bigint();
    const key = createPublicKey({ key: freshKeys[i].publicJwk, format: 'jwk' });
    const imported = process.hrtime.bigint() - start;
    if (!verify('sha256', data, ES256(key), freshSignatures[i])) throw new Error('first verification failed');
    const verifyFirst = process.hrtime.bigint() - start - imported;
    return { importMicros: Number(imported) / 1000, keyMicros: Number(imported + verifyFirst - verifyWarm) / 1000 };
  };
  const imports = [];
  const keyCosts = [];
  for (let i = 0; i < total; i++) {
    const timed = [];
    for (const side of sides) {
      const w = await micros(() => side.request(side.warmBodies[i]));
      const f = await micros(() => side.request(side.firstBodies[i]));
      timed.push([side, w, f]);
    }
    const k = keyCost(i);
    if (i < WARM_UP) continue;
    for (const [side, w, f] of timed) side.warm.push(w), side.first.push(f);
    imports.push(k.importMicros), keyCosts.push(k.keyMicros);
  }
  const r = (x) => +x.toFixed(1);
  const keyMicros = median(keyCosts);
  const importMicros = median(imports);
  const [atStartUp, onFirstUse] = sides.map((side) => {
    const extra = median(side.first.map((f, i) => f - side.warm[i]));
    return {
      startMillis: r(side.startMillis),
      warmMicros: r(median(side.warm)),
      firstMicros: r(median(side.first)),
      extraMicros: r(extra),
      newKeyRatio: +(extra / keyMicros).toFixed(2),
      importRatio: +(extra / importMicros).toFixed(2),
    };
  });
  return { clients, pinned, keyImportMicros: r(importMicros), keyMicros: r(keyMicros), ...atStartUp, onFirstUse };
}

const SETTINGS = { quick: { clients: 300 }, full: { clients: 3000 } };

/** The section's tables: (result, settings) → [{ title, header, rows }]. */
const tables = (r) => [
  table(`First request of a new client (engine in-process, handleTokenRequest, ES256, one at a time, ${whereRan(r.pinned)}; medians over ${r.clients} clients, each round warm, first, key back to back; ${r.clients + WARM_UP + 1} clients registered)`, ['what', 'importKeys: at-start-up (default)', 'importKeys: on-first-use'], [
      ['createAuthorizationServer, ms', r.startMillis, r.onFirstUse.startMillis],
      ['later request of a client (warm), us', r.warmMicros, r.onFirstUse.warmMicros],
      ['first request of a client, us', r.firstMicros, r.onFirstUse.firstMicros],
      ['  extra over warm (median of the round differences), us', r.extraMicros, r.onFirstUse.extraMicros],
      ['a new key to node:crypto (createPublicKey + its first verification over a warm one), us', r.keyMicros, r.keyMicros],
      ['  of which createPublicKey of a JWK, us', r.keyImportMicros, r.keyImportMicros],
      ['extra / new key', `${r.newKeyRatio.toFixed(2)}x`, `${r.onFirstUse.newKeyRatio.toFixed(2)}x`],
      ['extra / createPublicKey alone', `${r.importRatio.toFixed(2)}x`, `${r.onFirstUse.importRatio.toFixed(2)}x`],
    ]),
];

/** The scenario, pinned to the servers' core when this machine can pin (onOneCore). */
const benchFirstRequest = (settings) => onOneCore(import.meta.url, settings, (pinned) => measureFirstRequest(settings, pinned));

export const section = defineSection('firstRequest', 'First request of a new client against later ones, key import apart…', SETTINGS, benchFirstRequest, tables);

if (isMain(import.meta.url)) await runAlone(section);
