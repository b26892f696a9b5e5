// Client enumeration by timing (issue 10 item 7): how long the engine takes to refuse a client
// assertion (a) for a registered client whose signature does not verify and (b) for a client_id that
// is not registered. If (b) is much faster, response times tell a stranger which client_ids exist.
// Calls AuthorizationServer.authenticateClient in-process, alternating the two cases call by call, one
// call in flight; reports the median and p90 per case and the ratio unregistered / registered.
//
//   node bench/enumeration-timing.mjs          # uses the built @rfc7523/core (npm run build first)
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { createAuthorizationServer } from '@rfc7523/core';
import { BENCH_ISSUER, CLIENT_ASSERTION_TYPE } from './assertions.mjs';

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

const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

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
export async function benchEnumerationTiming({ count = 5000 } = {}) {
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
      registered: { p50: r(quantile(a, 0.5)), p90: r(quantile(a, 0.9)) },
      unregistered: { p50: r(quantile(b, 0.5)), p90: r(quantile(b, 0.9)) },
      ratio: +(quantile(b, 0.5) / quantile(a, 0.5)).toFixed(2),
    });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const row of await benchEnumerationTiming()) {
    console.log(`${row.alg}: registered, bad signature p50 ${row.registered.p50} us p90 ${row.registered.p90} us; unregistered p50 ${row.unregistered.p50} us p90 ${row.unregistered.p90} us; ratio ${row.ratio}x`);
  }
}
