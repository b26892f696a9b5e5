/**
 * CompactSigner against node:crypto and JSON.parse as the independent sources: the header it writes
 * and the signature it makes.
 */
import { generateKeyPairSync, verify } from 'node:crypto';
import type { JWK } from 'jose';
import { CompactSigner } from '../../src/jwt/compact-signer.js';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const jwk = privateKey.export({ format: 'jwk' }) as JWK;
const segment = (text: string | undefined) => JSON.parse(Buffer.from(text as string, 'base64url').toString('utf8')) as unknown;

describe('CompactSigner (RFC 7515 §7.1)', () => {
  it('writes the algorithm and the fixed header members into the protected header, the claims in order', async () => {
    const token = await new CompactSigner(jwk, 'ES256', { typ: 'at+jwt', kid: 'k1' }).sign({ sub: 'a', n: 1 });
    const [header, claims, signature] = token.split('.');
    expect(segment(header)).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: 'k1' });
    expect(Buffer.from(claims as string, 'base64url').toString()).toBe('{"sub":"a","n":1}');
    const input = Buffer.from(`${header}.${claims}`);
    expect(verify('sha256', input, { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature as string, 'base64url'))).toBe(true);
  });

  it('refuses an algorithm it cannot sign with, naming it', () => {
    expect(() => new CompactSigner(jwk, 'HS256', {})).toThrow(new TypeError('unsupported alg HS256'));
  });
});
