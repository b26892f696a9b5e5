import { createHash } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { DpopVerifier } from '../../src/dpop/dpop-verifier.js';
import { jwkThumbprint } from '../../src/dpop/jwk-thumbprint.js';
import { frozenClock } from '../support/fixtures.js';
import { mintProof, proofKey, storeOn, TOKEN_URL } from './proofs.js';

/** RFC 7638 §3.1 example key and its published SHA-256 thumbprint. */
const RFC7638_KEY: JWK = {
  kty: 'RSA',
  n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
  e: 'AQAB',
  alg: 'RS256',
  kid: '2011-04-29',
};
const RFC7638_THUMBPRINT = 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs';

/** RFC 7638 §3.2–3.3 written out here: required members, lexicographic order, no whitespace, SHA-256. */
function handThumbprint(jwk: JWK): string {
  const members =
    jwk.kty === 'RSA' ? { e: jwk.e, kty: jwk.kty, n: jwk.n } : jwk.kty === 'EC' ? { crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y } : { crv: jwk.crv, kty: jwk.kty, x: jwk.x };
  return createHash('sha256').update(JSON.stringify(members)).digest('base64url');
}

describe('jkt: the RFC 7638 SHA-256 thumbprint of the proof key (RFC 9449 §6.1)', () => {
  it('RFC 7638 §3.1: the example key has the published thumbprint, by hand and by jose', async () => {
    expect(handThumbprint(RFC7638_KEY)).toBe(RFC7638_THUMBPRINT);
    expect(await calculateJwkThumbprint(RFC7638_KEY, 'sha256')).toBe(RFC7638_THUMBPRINT);
    expect(jwkThumbprint(RFC7638_KEY)).toBe(RFC7638_THUMBPRINT);
  });

  it('RFC 9449 §6.1: the example EC key has the published jkt', () => {
    const jwk: JWK = { kty: 'EC', x: 'l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs', y: '9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA', crv: 'P-256' };
    expect(jwkThumbprint(jwk)).toBe('0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I');
  });

  it.each(['ES256', 'ES384', 'RS256', 'PS256', 'EdDSA'])('a verified %s proof yields the thumbprint jose and RFC 7638 by hand compute', async (alg) => {
    const clock = frozenClock();
    const key = await proofKey(alg);
    // Extra JWK members (kid, use, alg) do not change the thumbprint.
    const jwk = { ...key.publicJwk, kid: 'k1', use: 'sig', alg };
    const result = await new DpopVerifier({ now: clock.now, replayStore: storeOn(clock) }).verify(await mintProof(key, clock, { header: { jwk } }), {
      method: 'POST',
      url: TOKEN_URL,
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.proof.jkt).toBe(await calculateJwkThumbprint(key.publicJwk, 'sha256'));
    expect(result.proof.jkt).toBe(handThumbprint(key.publicJwk));
    expect(result.proof.jkt).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
