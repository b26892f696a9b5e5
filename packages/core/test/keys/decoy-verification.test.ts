import { ASSERTION_ALGORITHMS } from '@rfc7523/core';
import { decodeJwt } from '../../src/jwt/decode.js';
import { decoyVerification } from '../../src/keys/decoy-verification.js';
import { clientClaims, clientCredentials, frozenClock, jwks, makeKey, makeServer, sign, type TestKey } from '../support/fixtures.js';

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
});
