// ES256 signing of access tokens and verification of signatures, three ways: jose/WebCrypto,
// node:crypto on the main thread (sync), node:crypto in the libuv thread pool (callback form).
// Reports calls per second, main-thread time per call (event-loop utilisation) and CPU per call
// (all threads), because on a busy server the main thread is the scarce resource.
import { generateKeyPairSync, randomUUID, sign, verify, webcrypto } from 'node:crypto';
import { SignJWT } from 'jose';
import { BENCH_ISSUER as ISSUER } from '../lib/assertions.mjs';
import { defineSection, isMain, runAlone } from '../lib/section.mjs';
import { table } from '../lib/table.mjs';
import { measureCalls } from '../lib/stats.mjs';

const IN_FLIGHT = 32;

/** Runs fn 200 times to warm up, then `count` times with `concurrency` in flight: rate, main-thread µs and CPU µs per call. */
async function measure(count, concurrency, fn) {
  for (let i = 0; i < 200; i++) await fn();
  const m = await measureCalls(count, concurrency, fn);
  return { perSecond: Math.round(m.perSecond), mainThreadMicros: +m.mainThreadMicros.toFixed(1), cpuMicros: +m.cpuMicros.toFixed(1) };
}

const claims = () => {
  const now = Math.floor(Date.now() / 1000);
  return { client_id: 'client-00000', scope: 'read write', iss: ISSUER, sub: 'client-00000', aud: ISSUER, iat: now, exp: now + 300, jti: randomUUID() };
};

/** Rows: { op, way, perSecond, mainThreadMicros, cpuMicros }. */
async function benchCryptoCosts({ count }) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const signKey = { key: privateKey, dsaEncoding: 'ieee-p1363' };
  const verifyKey = { key: publicKey, dsaEncoding: 'ieee-p1363' };
  const cryptoKey = await webcrypto.subtle.importKey('jwk', privateKey.export({ format: 'jwk' }), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']);
  const publicCryptoKey = await webcrypto.subtle.importKey('jwk', publicKey.export({ format: 'jwk' }), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  const header = Buffer.from(JSON.stringify({ alg: 'ES256', kid: 'as-1', typ: 'at+jwt' })).toString('base64url');
  const signingInput = () => Buffer.from(`${header}.${Buffer.from(JSON.stringify(claims())).toString('base64url')}`);
  const data = signingInput();
  const signature = sign('sha256', data, signKey);

  const ways = [
    ['sign access token', `jose SignJWT (WebCrypto), ${IN_FLIGHT} in flight`, IN_FLIGHT, () =>
      new SignJWT(claims()).setProtectedHeader({ alg: 'ES256', kid: 'as-1', typ: 'at+jwt' }).sign(cryptoKey)],
    ['sign access token', 'node:crypto sign, main thread', 1, () => {
      const input = signingInput();
      return `${input}.${sign('sha256', input, signKey).toString('base64url')}`;
    }],
    ['sign access token', `node:crypto sign, thread pool, ${IN_FLIGHT} in flight`, IN_FLIGHT, () => {
      const input = signingInput();
      return new Promise((resolve, reject) => sign('sha256', input, signKey, (err, sig) => (err ? reject(err) : resolve(`${input}.${sig.toString('base64url')}`))));
    }],
    ['verify signature', `WebCrypto subtle.verify, ${IN_FLIGHT} in flight`, IN_FLIGHT, () =>
      webcrypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, publicCryptoKey, signature, data)],
    ['verify signature', 'node:crypto verify, main thread', 1, () => verify('sha256', data, verifyKey, signature)],
    ['verify signature', `node:crypto verify, thread pool, ${IN_FLIGHT} in flight`, IN_FLIGHT, () =>
      new Promise((resolve, reject) => verify('sha256', data, verifyKey, signature, (err, ok) => (err ? reject(err) : resolve(ok))))],
  ];
  const rows = [];
  for (const [op, way, concurrency, fn] of ways) rows.push({ op, way, ...(await measure(count, concurrency, fn)) });
  return rows;
}

const SETTINGS = { quick: { count: 3000 }, full: { count: 20_000 } };

/** The section's tables: (result, settings) → [{ title, header, rows }]. */
const tables = (rows) => [
  table('ES256 crypto: calls per second, main-thread time and CPU (all threads) per call', ['operation', 'way', 'per second', 'main thread', 'CPU'], rows.map((r) => [r.op, r.way, r.perSecond, `${r.mainThreadMicros} us`, `${r.cpuMicros} us`])),
];

export const section = defineSection('cryptoCosts', 'Crypto costs: ES256 sign and verify on the main thread and in the thread pool…', SETTINGS, benchCryptoCosts, tables);

if (isMain(import.meta.url)) await runAlone(section);
