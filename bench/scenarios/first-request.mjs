// The first token request of a client against its later ones, with the key import measured apart: the
// engine in-process (handleTokenRequest, client_credentials + private_key_jwt, ES256), one call at a
// time. Each round times, back to back, a request from a client already used (warm), the first request
// of a client never seen (each client has its own key), and node:crypto's createPublicKey of a fresh
// public JWK (the key import a first request cannot avoid). The target (targets.mjs) compares the extra
// cost of a first request with that import.
//
//   node bench/scenarios/first-request.mjs [--quick]   # uses the built @rfc7523/core (npm run build first)
import { createPublicKey } from 'node:crypto';
import { createAuthorizationServer } from '@rfc7523/core';
import { BENCH_ISSUER, clientCredentialsBodies, clientKey } from '../lib/assertions.mjs';
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

async function benchFirstRequest({ clients }) {
  const total = WARM_UP + clients;
  const keys = Array.from({ length: total }, (_, i) => clientKey(`k${i}`));
  const ids = keys.map((_, i) => `new-${i}`);
  const warmKey = clientKey('warm');
  const server = await createAuthorizationServer({
    issuer: BENCH_ISSUER,
    clients: [{ client_id: 'warm', jwks: { keys: [warmKey.publicJwk] }, scope: 'read write' }, ...keys.map((k, i) => ({ client_id: ids[i], jwks: { keys: [k.publicJwk] }, scope: 'read write' }))],
  });
  const firstBodies = keys.map((k, i) => clientCredentialsBodies(k, 1, () => ids[i])[0].toString());
  const warmBodies = clientCredentialsBodies(warmKey, total + 1, () => 'warm').map(String);
  // Public JWKs of keys the engine never sees, for the import alone.
  const importJwks = Array.from({ length: total }, () => clientKey().publicJwk);
  const request = async (body) => {
    const res = await server.handleTokenRequest({ method: 'POST', headers: HEADERS, body });
    if (res.status !== 200) throw new Error(`token request answered ${res.status}: ${JSON.stringify(res.body)}`);
  };
  await request(warmBodies[total]); // the warm client's own first request
  const warm = [];
  const first = [];
  const imports = [];
  for (let i = 0; i < total; i++) {
    const w = await micros(() => request(warmBodies[i]));
    const f = await micros(() => request(firstBodies[i]));
    const k = await micros(() => createPublicKey({ key: importJwks[i], format: 'jwk' }));
    if (i >= WARM_UP) warm.push(w), first.push(f), imports.push(k);
  }
  const r = (x) => +x.toFixed(1);
  const extra = median(first.map((f, i) => f - warm[i]));
  const keyImport = median(imports);
  return { clients, warmMicros: r(median(warm)), firstMicros: r(median(first)), extraMicros: r(extra), keyImportMicros: r(keyImport), ratio: +(extra / keyImport).toFixed(2) };
}

const SETTINGS = { quick: { clients: 300 }, full: { clients: 3000 } };

/** The section's tables: (result, settings) → [{ title, header, rows }]. */
const tables = (r) => [
  table(`First request of a new client (engine in-process, handleTokenRequest, ES256, one at a time; medians over ${r.clients} clients, each round warm, first, import back to back)`, ['what', 'us per call'], [
      ['later request of a client (warm)', r.warmMicros],
      ['first request of a client', r.firstMicros],
      ['  extra over warm (median of the round differences)', r.extraMicros],
      ['key import alone (createPublicKey of a JWK)', r.keyImportMicros],
      ['extra / key import', `${r.ratio.toFixed(2)}x`],
    ]),
];

export const section = defineSection('firstRequest', 'First request of a new client against later ones, key import apart…', SETTINGS, benchFirstRequest, tables);

if (isMain(import.meta.url)) await runAlone(section);
