// Engine benchmark: assertions verified per second, one at a time and many in flight, for RS256,
// PS256, ES256 and EdDSA, beside the floor (node:crypto verify on the signing input with an
// already-imported key) and plain jose.jwtVerify. Prints a table; returns rows for run.mjs.
//
// A JIT warm-up pass runs every algorithm through every implementation first (results discarded),
// so that the first measured algorithm does not pay for compiling the code the others share. Each
// figure is the median of `reps` runs, the implementations interleaved (floor, jose, engine, floor, …).
import { createPublicKey, verify as cryptoVerify, constants, randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, importJWK, jwtVerify, SignJWT } from 'jose';
import { createAuthorizationServer, JWT_BEARER_CLIENT_ASSERTION_TYPE } from '@rfc7523/core';

const ISSUER = 'https://as.bench.test';
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

const WARM_UP = 200;

const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];

/** Calls fn(base + i) WARM_UP times, then times `count` calls with `concurrency` in flight. Calls per second. */
async function measure(count, concurrency, fn, base = 0) {
  for (let i = 0; i < WARM_UP; i++) await fn(base + i);
  const start = process.hrtime.bigint();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) await fn(base + WARM_UP + next++);
    }),
  );
  return count / (Number(process.hrtime.bigint() - start) / 1e9);
}

/** Keys, an engine, and `total` distinct client assertions for one algorithm, in every shape the implementations take. */
async function prepare(alg, total) {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
  const now = Date.now();
  const server = await createAuthorizationServer({
    issuer: ISSUER,
    now: () => now,
    clients: [{ client_id: 'bench', jwks: { keys: [jwk] } }],
  });
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
    body: `client_assertion_type=${encodeURIComponent(JWT_BEARER_CLIENT_ASSERTION_TYPE)}&client_assertion=${t}`,
  }));
  return {
    floor: (i) => {
      if (!verifyFloor(...parts[i])) throw new Error('floor failed');
    },
    jose: (i) => jwtVerify(tokens[i], joseKey, { audience: ISSUER }),
    engine: (i) => server.authenticateClient(requests[i]),
  };
}

/** Rows of one algorithm: per mode, the median rate of floor, jose and engine over `reps` interleaved runs. */
async function benchAlgorithm(alg, { count, concurrency, reps }) {
  const perRun = count + WARM_UP;
  const impls = await prepare(alg, 2 * reps * perRun);
  const rows = [];
  for (const [m, [mode, c]] of [['one at a time', 1], [`${concurrency} in flight`, concurrency]].entries()) {
    const rates = { floor: [], jose: [], engine: [] };
    for (let rep = 0; rep < reps; rep++) {
      // The engine refuses a replayed jti, so each run gets its own slice of tokens.
      const base = (m * reps + rep) * perRun;
      for (const name of Object.keys(rates)) rates[name].push(await measure(count, c, impls[name], base));
    }
    const floor = median(rates.floor);
    for (const [name, label] of [['floor', 'floor'], ['jose', 'jose.jwtVerify'], ['engine', 'engine']]) {
      const perSecond = median(rates[name]);
      rows.push({ alg, mode, impl: label, perSecond: Math.round(perSecond), ratio: +(perSecond / floor).toFixed(2) });
    }
  }
  return rows;
}

export async function benchEngine({ count = 3000, concurrency = 64, reps = 3, warmUpCount = 500 } = {}) {
  for (const alg of ALGS) await benchAlgorithm(alg, { count: warmUpCount, concurrency, reps: 1 });
  const rows = [];
  for (const alg of ALGS) rows.push(...(await benchAlgorithm(alg, { count, concurrency, reps })));
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = await benchEngine();
  console.table(rows);
}
