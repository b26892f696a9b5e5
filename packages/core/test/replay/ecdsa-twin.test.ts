import { compactVerify, importJWK } from 'jose';
import { grantClaims, frozenClock, jwks, jwtBearer, makeKey, makeServer, sign, type TestKey } from '../support/fixtures.js';

/**
 * Group orders n of the curves, from `openssl ecparam -name <curve> -param_enc explicit -text`. They are
 * checked here, not trusted: a twin (r, n - s) built with a wrong n does not verify with jose.
 */
const ORDERS: Record<string, bigint> = {
  ES256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  ES384: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  ES512: 0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
};
/** Keys per algorithm: the old P-521 bug let about one token in four through, so 40 keys miss it with p ≈ 1e-5. */
const KEYS = 40;
const clock = frozenClock();

/** The other valid ECDSA signature of a token, (r, n - s) (SEC 1 §4.1.4). */
function twinOf(alg: string, token: string): string {
  const [h, c, s] = token.split('.') as [string, string, string];
  const sig = Buffer.from(s, 'base64url');
  const half = sig.length / 2;
  const high = (ORDERS[alg] as bigint) - BigInt(`0x${sig.subarray(half).toString('hex')}`);
  const twin = Buffer.concat([sig.subarray(0, half), Buffer.from(high.toString(16).padStart(half * 2, '0'), 'hex')]);
  return `${h}.${c}.${twin.toString('base64url')}`;
}

describe('J7 ECDSA twin signatures of jti-less grants are replays, for every curve', () => {
  it.each(['ES256', 'ES384', 'ES512'])('J7 %s: over 40 random keys the twin verifies (jose) and is refused as a replay', async (alg) => {
    const keys: TestKey[] = [];
    for (let i = 0; i < KEYS; i++) keys.push(await makeKey(alg, `k${i}`));
    const issuer = `wif-${alg}`;
    const server = await makeServer({ now: clock.now, trustedIssuers: [{ issuer, jwks: jwks(...keys), allow_any_subject: true, require_jti: false }] });
    let highS = 0;
    for (const [i, key] of keys.entries()) {
      const token = await sign(key, grantClaims(clock, issuer, `pod-${i}`, { jti: undefined }));
      const twin = twinOf(alg, token);
      expect(twin).not.toBe(token);
      // Independent check that the twin is a valid signature: the attack is real for this key.
      const publicKey = await importJWK(key.publicJwk, alg);
      await expect(compactVerify(twin, publicKey)).resolves.toBeDefined();
      const sig = Buffer.from(token.split('.')[2] as string, 'base64url');
      if (BigInt(`0x${sig.subarray(sig.length / 2).toString('hex')}`) > (ORDERS[alg] as bigint) / 2n) highS++;
      // Alternate which form arrives first, so both the low-s and the high-s spelling are the replay.
      const [first, second] = i % 2 === 0 ? [token, twin] : [twin, token];
      await expect(server.exchange(jwtBearer(first))).resolves.toBeDefined();
      await expect(server.exchange(jwtBearer(second))).rejects.toMatchObject({ error: 'invalid_grant', status: 400, reason: 'jti_replayed' });
    }
    // Both halves of the s range were exercised.
    expect(highS).toBeGreaterThan(0);
    expect(highS).toBeLessThan(KEYS);
  }, 60_000);
});
