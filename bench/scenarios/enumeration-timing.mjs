// Client enumeration by timing (issue 10 item 7): how long the engine takes to refuse a client
// assertion (a) for a registered client whose signature does not verify and (b) for a client_id that
// is not registered. If (b) is much faster, response times tell a stranger which client_ids exist.
// Calls AuthorizationServer.authenticateClient in-process, alternating the two cases call by call, one
// call in flight; reports the median and p90 per case and the ratio unregistered / registered.
//
//   node bench/scenarios/enumeration-timing.mjs [--quick]   # uses the built @rfc7523/core (npm run build first)
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createAuthorizationServer } from '@rfc7523/core';
import { BENCH_ISSUER, CLIENT_ASSERTION_TYPE } from '../lib/assertions.mjs';
import { defineSection, isMain, runAlone } from '../lib/section.mjs';
import { percentile } from '../lib/stats.mjs';
import { table, times } from '../lib/table.mjs';

const ALGS = [
  ['ES256', () => generateKeyPairSync('ec', { namedCurve: 'prime256v1' }), { hash: 'sha256', dsaEncoding: 'ieee-p1363' }],
  ['RS256', () => generateKeyPairSync('rsa', { modulusLength: 2048 }), { hash: 'sha256' }],
  ['EdDSA', () => generateKeyPairSync('ed25519'), { hash: null }],
];

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** A client_credentials request whose assertion for `clientId` is signed by `privateKey`. */
function request(alg, privateKey, how, clientId) {
  const now = Math.floor(Date.now() / 1000);
  const input = `${b64({ alg, kid: 'k1', typ: 'JWT' })}.${b64({ iss: clientId, sub: clientId, aud: BENCH_ISSUER, jti: randomUUID(), iat: now, exp: now + 600 })}`;
  const signature = sign(how.hash, Buffer.from(input), { key: privateKey, ...(how.dsaEncoding ? { dsaEncoding: how.dsaEncoding } : {}) }).toString('base64url');
  const body = new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: `${input}.${signature}` }).toString();
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body };
}

/** Microseconds to refuse one request, `count` times. */
async function refusalMicros(server, req, expectedReason) {
  const start = performance.now();
  try {
    await server.authenticateClient(req);
  } catch (err) {
    const micros = (performance.now() - start) * 1000;
    if (err.reason !== expectedReason) throw new Error(`expected ${expectedReason}, got ${err.reason}`);
    return micros;
  }
  throw new Error('the request was accepted');
}

/** Rows: { alg, registeredMicros: {p50, p90}, unregisteredMicros: {p50, p90}, ratio }. */
async function benchEnumerationTiming({ count }) {
  const rows = [];
  for (const [alg, generate, how] of ALGS) {
    const registered = generate();
    const attacker = generate();
    const server = await createAuthorizationServer({
      issuer: BENCH_ISSUER,
      clients: [{ client_id: 'worker', jwks: { keys: [{ ...registered.publicKey.export({ format: 'jwk' }), kid: 'k1' }] } }],
    });
    // (a) registered client, signed with the wrong key; (b) unregistered client_id, validly signed by its own key.
    const badSignature = request(alg, attacker.privateKey, how, 'worker');
    const unregistered = request(alg, attacker.privateKey, how, `ghost-${randomUUID()}`);
    const a = [];
    const b = [];
    for (let i = 0; i < count + 500; i++) {
      const x = await refusalMicros(server, badSignature, 'signature_invalid');
      const y = await refusalMicros(server, unregistered, 'unknown_client');
      if (i >= 500) a.push(x), b.push(y);
    }
    a.sort((p, q) => p - q);
    b.sort((p, q) => p - q);
    const r = (v) => +v.toFixed(1);
    rows.push({
      alg,
      registered: { p50: r(percentile(a, 50)), p90: r(percentile(a, 90)) },
      unregistered: { p50: r(percentile(b, 50)), p90: r(percentile(b, 90)) },
      ratio: +(percentile(b, 50) / percentile(a, 50)).toFixed(2),
    });
  }
  return rows;
}

const SETTINGS = { quick: { count: 500 }, full: { count: 5000 } };

/** The section's tables: (result, settings) → [{ title, header, rows }]. */
const tables = (rows) => [
  table('Client enumeration timing: microseconds to refuse a client assertion (authenticateClient, one in flight, alternating)', ['alg', 'registered, bad signature p50', 'p90', 'unregistered p50', 'p90', 'ratio'], rows.map((r) => [r.alg, `${r.registered.p50} us`, `${r.registered.p90} us`, `${r.unregistered.p50} us`, `${r.unregistered.p90} us`, times(r.ratio)])),
];

export const section = defineSection('enumeration', 'Client enumeration timing: refusing a registered client with a bad signature and an unregistered client…', SETTINGS, benchEnumerationTiming, tables);

if (isMain(import.meta.url)) await runAlone(section);
