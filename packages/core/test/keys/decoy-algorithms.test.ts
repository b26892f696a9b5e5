/**
 * decoyVerification spends a signature check only on an algorithm the caller accepts, and one it has a
 * decoy key for; otherwise it answers false at once (and never rejects).
 */
import { decodeJwt } from '../../src/jwt/decode.js';
import { decoyVerification } from '../../src/keys/decoy-verification.js';
import { clientClaims, frozenClock, makeKey, rawToken, sign } from '../support/fixtures.js';

const clock = frozenClock();

describe('decoyVerification and the accepted algorithms', () => {
  it('an algorithm outside the accepted set is not checked, even one a decoy key could check', async () => {
    const jwt = decodeJwt(await sign(await makeKey('ES256', 'x'), clientClaims(clock, 'ghost')));
    await expect(decoyVerification(jwt, new Set(['ES256']))).resolves.toBe(true);
    await expect(decoyVerification(jwt, new Set(['RS256']))).resolves.toBe(false);
  });

  it('an accepted algorithm with no decoy key (HS256) answers false without rejecting', async () => {
    const jwt = decodeJwt(rawToken({ alg: 'HS256' }, clientClaims(clock, 'ghost')));
    await expect(decoyVerification(jwt, new Set(['HS256']))).resolves.toBe(false);
  });
});
