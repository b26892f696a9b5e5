import { ASSERTION_ALGORITHMS } from '@rfc7523/core';
import { decodeJwt } from '../../src/jwt/decode.js';
import { decoyVerification } from '../../src/keys/decoy-verification.js';
import { setThreadPoolPolicy } from '../../src/jwt/crypto-scheduler.js';
import { clientClaims, clientCredentials, frozenClock, grantClaims, jwks, jwtBearer, makeKey, makeServer, sign, type TestKey } from '../support/fixtures.js';

const clock = frozenClock();
const accepted: ReadonlySet<string> = new Set(ASSERTION_ALGORITHMS);
const invalidClient = (reason: string) => ({ error: 'invalid_client', status: 401, reason });

describe('client enumeration: an unregistered client costs a signature verification too', () => {
  it.each([...ASSERTION_ALGORITHMS])('a decoy key verifies (and refuses) a %s signature', async (alg) => {
    const key = await makeKey(alg, 'stranger');
    const jwt = decodeJwt(await sign(key, clientClaims(clock, 'ghost')));
    await expect(decoyVerification(jwt, accepted)).resolves.toBe(true);
  });

  it('algorithms the engine refuses cost nothing, as for a registered client', async () => {
    const key = await makeKey('ES256', 'stranger');
    const jwt = decodeJwt(await sign(key, clientClaims(clock, 'ghost')));
    await expect(decoyVerification({ ...jwt, header: { alg: 'HS256' } }, accepted)).resolves.toBe(false);
    await expect(decoyVerification({ ...jwt, header: {} }, accepted)).resolves.toBe(false);
    await expect(decoyVerification(jwt, new Set(['RS256']))).resolves.toBe(false);
  });

  it('the unknown_client and iss_mismatch refusals are unchanged', async () => {
    const worker: TestKey = await makeKey('ES256', 'w');
    const server = await makeServer({ now: clock.now, clients: [{ client_id: 'worker', jwks: jwks(worker) }] });
    await expect(server.authenticateClient(clientCredentials(await sign(worker, clientClaims(clock, 'ghost'))))).rejects.toMatchObject(invalidClient('unknown_client'));
    const mismatch = await sign(worker, clientClaims(clock, 'worker', { iss: 'someone-else' }));
    await expect(server.authenticateClient(clientCredentials(mismatch))).rejects.toMatchObject(invalidClient('iss_mismatch'));
    await expect(server.authenticateClient(clientCredentials(await sign(worker, clientClaims(clock, 'worker'))))).resolves.toMatchObject({ clientId: 'worker' });
  });

  it('spends exactly one signature verification on a refused client assertion, none on a grant or a dry run', async () => {
    const worker: TestKey = await makeKey('ES256', 'w');
    const server = await makeServer({
      now: clock.now,
      clients: [{ client_id: 'worker', jwks: jwks(worker) }],
      trustedIssuers: [{ issuer: 'ci', jwks: jwks(worker), allow_any_subject: true }],
    });
    // Every signature check asks the crypto scheduler once where to run: count those.
    let verifications = 0;
    const restore = setThreadPoolPolicy(() => (verifications++, false));
    const count = async (attempt: () => Promise<unknown>) => {
      verifications = 0;
      await attempt().catch(() => undefined);
      return verifications;
    };
    try {
      const ghost = await sign(worker, clientClaims(clock, 'ghost'));
      const mismatch = await sign(worker, clientClaims(clock, 'worker', { iss: 'someone-else' }));
      const untrusted = await sign(worker, grantClaims(clock, 'untrusted', 'alice'));
      const good = await sign(worker, clientClaims(clock, 'worker'));
      expect(await count(() => server.authenticateClient(clientCredentials(ghost)))).toBe(1);
      expect(await count(() => server.authenticateClient(clientCredentials(mismatch)))).toBe(1);
      expect(await count(() => server.traceAssertion('client_authentication', ghost))).toBe(0);
      expect(await count(() => server.verifyGrant(jwtBearer(untrusted)))).toBe(0);
      expect(await count(() => server.authenticateClient(clientCredentials(good)))).toBe(1);
    } finally {
      restore();
    }
  });
});
