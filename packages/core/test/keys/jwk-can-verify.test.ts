/**
 * jwkCanVerify, which the start-up check of `token_endpoint_auth_signing_alg` reads, answers what the key
 * set itself does at a request: each case is checked against a resolver over the same key asked for a
 * header of that algorithm, and against a hand-written expectation.
 */
import { generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import { createKeyResolver, jwkCanVerify } from '../../src/keys/local-key-set.js';

const publicJwk = (type: 'ec' | 'ed25519' | 'rsa'): JWK => {
  const pair =
    type === 'ec'
      ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : type === 'rsa'
        ? generateKeyPairSync('rsa', { modulusLength: 2048 })
        : generateKeyPairSync('ed25519');
  return pair.publicKey.export({ format: 'jwk' }) as JWK;
};

const ec = publicJwk('ec');
const ed = publicJwk('ed25519');
const rsa = publicJwk('rsa');

/** Whether a resolver over this one key gives a key for a header of `alg` (the request's view). */
const resolves = (jwk: JWK, alg: string): boolean => {
  try {
    createKeyResolver([jwk])({ alg });
    return true;
  } catch {
    return false;
  }
};

describe('jwkCanVerify', () => {
  const cases: ReadonlyArray<readonly [string, JWK, string, boolean]> = [
    ['a P-256 key, ES256', ec, 'ES256', true],
    ['a P-256 key labelled ES256, use sig, key_ops verify', { ...ec, alg: 'ES256', use: 'sig', key_ops: ['verify'] }, 'ES256', true],
    ['a P-256 key with ext true', { ...ec, ext: true }, 'ES256', true],
    ['an RSA key, PS256', rsa, 'PS256', true],
    ['an Ed25519 key without alg, Ed25519', ed, 'Ed25519', true],
    ['an Ed25519 key labelled EdDSA, EdDSA', { ...ed, alg: 'EdDSA' }, 'EdDSA', true],
    ['a P-256 key, RS256', ec, 'RS256', false],
    ['a P-256 key, ES384', ec, 'ES384', false],
    ['an RSA key labelled RS256, PS256', { ...rsa, alg: 'RS256' }, 'PS256', false],
    ['an Ed25519 key labelled EdDSA, Ed25519', { ...ed, alg: 'EdDSA' }, 'Ed25519', false],
    ['an Ed25519 key labelled Ed25519, EdDSA', { ...ed, alg: 'Ed25519' }, 'EdDSA', false],
    ['use enc', { ...ec, use: 'enc' }, 'ES256', false],
    ['key_ops without verify', { ...ec, key_ops: ['encrypt'] }, 'ES256', false],
    ['key_ops beyond verify', { ...ec, key_ops: ['verify', 'sign'] }, 'ES256', false],
    ['key_ops repeated', { ...ec, key_ops: ['verify', 'verify'] }, 'ES256', false],
    ['ext not a boolean', { ...ec, ext: 'true' } as unknown as JWK, 'ES256', false],
    ['an algorithm we do not verify', ec, 'HS256', false],
  ];

  it.each(cases)('%s: as written, and as a resolver over the key answers', (_name, jwk, alg, expected) => {
    expect(resolves(jwk, alg)).toBe(expected);
    expect(jwkCanVerify(jwk, alg)).toBe(expected);
  });
});
