// Client keys and pre-generated token-endpoint request bodies for the HTTP benchmarks: ES256
// private_key_jwt client assertions, each with its own jti, so that every request is a first use and
// the replay store does real work. Signed with node:crypto directly (no jose) to keep generation fast.
import { createPrivateKey, generateKeyPairSync, randomUUID, sign } from 'node:crypto';

/** RFC 7523 §2.2 client assertion type. */
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The issuer identifier every benchmarked server uses; client assertions carry it as `aud`. */
export const BENCH_ISSUER = 'https://as.bench.test';

/** An ES256 client key: the private KeyObject for signing and the public JWK to register. */
export function clientKey(kid = 'bench-es256') {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { kid, privateKey, publicJwk: { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' } };
}

/** The same private key from its JWK, e.g. in another process. */
export function keyFromJwk(jwk) {
  return createPrivateKey({ key: jwk, format: 'jwk' });
}

const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');

/**
 * `count` request bodies of `grant_type=client_credentials` with a fresh client assertion each
 * (iss = sub = client id, aud = BENCH_ISSUER, lifetime 10 minutes). `clientIdAt(i)` picks the client
 * of the i-th body. Returns Buffers, ready for the load generator.
 */
export function clientCredentialsBodies(key, count, clientIdAt, { lifetime = 600 } = {}) {
  const header = b64({ alg: 'ES256', kid: key.kid, typ: 'JWT' });
  const now = Math.floor(Date.now() / 1000);
  const prefix = `grant_type=client_credentials&client_assertion_type=${encodeURIComponent(CLIENT_ASSERTION_TYPE)}&client_assertion=`;
  const bodies = new Array(count);
  for (let i = 0; i < count; i++) {
    const clientId = clientIdAt(i);
    const input = `${header}.${b64({ iss: clientId, sub: clientId, aud: BENCH_ISSUER, jti: randomUUID(), iat: now, exp: now + lifetime })}`;
    const signature = sign('sha256', Buffer.from(input), { key: key.privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    bodies[i] = Buffer.from(`${prefix}${input}.${signature}`);
  }
  return bodies;
}
