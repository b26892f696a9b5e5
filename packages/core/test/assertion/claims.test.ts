import { CompactSign } from 'jose';
import type { AuthorizationServer } from '@rfc7523/core';
import {
  clientClaims,
  clientCredentials,
  frozenClock,
  grantClaims,
  jwks,
  jwtBearer,
  makeKey,
  makeServer,
  sign,
  type TestKey,
} from '../support/fixtures.js';

const clock = frozenClock();
let server: AuthorizationServer;
let strictServer: AuthorizationServer;
let key: TestKey;

const invalidGrant = (reason: string) => ({ error: 'invalid_grant', status: 400, reason });
const invalidClient = (reason: string) => ({ error: 'invalid_client', status: 401, reason });

beforeAll(async () => {
  key = await makeKey('ES256', 'k1');
  const registrations = {
    trustedIssuers: [
      { issuer: 'ci', jwks: jwks(key), allow_any_subject: true as const },
      { issuer: 'short-lived', jwks: jwks(key), allow_any_subject: true as const, max_assertion_lifetime: 600 },
      { issuer: 'long-lived', jwks: jwks(key), allow_any_subject: true as const, max_assertion_lifetime: 7200 },
    ],
    clients: [{ client_id: 'worker', jwks: jwks(key) }],
  };
  server = await makeServer({ now: clock.now, ...registrations });
  strictServer = await makeServer({ now: clock.now, clockTolerance: 0, maxAssertionLifetime: 300, ...registrations });
});

const grant = (extra: Record<string, unknown> = {}, issuer = 'ci') => sign(key, grantClaims(clock, issuer, 'alice', extra));
const now = () => clock.seconds();

/** Signs a claims set given as JSON text, for values JSON.stringify cannot produce (1e400). */
const signText = (claims: string) =>
  new CompactSign(new TextEncoder().encode(claims)).setProtectedHeader({ alg: 'ES256', kid: 'k1' }).sign(key.privateKey);

describe('J4 exp', () => {
  it('J4 rejects an assertion without exp', async () => {
    await expect(server.exchange(jwtBearer(await grant({ exp: undefined })))).rejects.toMatchObject(invalidGrant('missing_claim'));
    const client = await sign(key, clientClaims(clock, 'worker', { exp: undefined }));
    await expect(server.exchange(clientCredentials(client))).rejects.toMatchObject(invalidClient('missing_claim'));
  });

  it('J4 rejects an exp that is not a number', async () => {
    for (const exp of [String(now() + 60), null, true, [now() + 60], { t: 1 }]) {
      await expect(server.exchange(jwtBearer(await grant({ exp })))).rejects.toMatchObject(invalidGrant('invalid_claim'));
    }
  });

  it('J5 rejects exp, nbf and iat that are not finite numbers (1e400 parses as Infinity)', async () => {
    for (const name of ['exp', 'nbf', 'iat']) {
      const claims = JSON.stringify(grantClaims(clock, 'ci', 'alice', { [name]: 0 })).replace(`"${name}":0`, `"${name}":1e400`);
      await expect(server.exchange(jwtBearer(await signText(claims)))).rejects.toMatchObject(invalidGrant('invalid_claim'));
      const negative = claims.replace('1e400', '-1e400');
      await expect(server.exchange(jwtBearer(await signText(negative)))).rejects.toMatchObject(invalidGrant('invalid_claim'));
    }
  });

  it('J4 accepts an assertion expired by less than the 30 s default tolerance', async () => {
    await expect(server.exchange(jwtBearer(await grant({ iat: now() - 60, exp: now() - 29 })))).resolves.toMatchObject({ token_type: 'Bearer' });
  });

  it('J4 rejects an assertion expired beyond the tolerance', async () => {
    await expect(server.exchange(jwtBearer(await grant({ iat: now() - 60, exp: now() - 30 })))).rejects.toMatchObject({ ...invalidGrant('expired'), detail: 'the assertion has expired' });
    await expect(server.exchange(jwtBearer(await grant({ iat: now() - 600, exp: now() - 300 })))).rejects.toMatchObject(invalidGrant('expired'));
    const client = await sign(key, clientClaims(clock, 'worker', { iat: now() - 120, exp: now() - 31 }));
    await expect(server.exchange(clientCredentials(client))).rejects.toMatchObject(invalidClient('expired'));
  });

  it('J4 honours a configured tolerance (0 s)', async () => {
    await expect(strictServer.exchange(jwtBearer(await grant({ exp: now() })))).rejects.toMatchObject(invalidGrant('expired'));
    await expect(strictServer.exchange(jwtBearer(await grant({ exp: now() + 1 })))).resolves.toBeDefined();
  });

  it('J4 an assertion valid now is refused once the clock passes exp plus tolerance', async () => {
    const token = await grant({ exp: now() + 60, jti: 'late-use' });
    clock.advance(90);
    try {
      await expect(server.exchange(jwtBearer(token))).rejects.toMatchObject(invalidGrant('expired'));
    } finally {
      clock.advance(-90);
    }
  });
});

describe('J5 nbf and iat', () => {
  it('J5 accepts nbf and iat 8 s in the future (clock skew)', async () => {
    await expect(server.exchange(jwtBearer(await grant({ nbf: now() + 8, iat: now() + 8 })))).resolves.toBeDefined();
  });

  it('J5 rejects nbf beyond the tolerance', async () => {
    await expect(server.exchange(jwtBearer(await grant({ nbf: now() + 31 })))).rejects.toMatchObject(invalidGrant('not_yet_valid'));
    await expect(strictServer.exchange(jwtBearer(await grant({ nbf: now() + 1 })))).rejects.toMatchObject(invalidGrant('not_yet_valid'));
  });

  it('J5 rejects iat in the future beyond the tolerance', async () => {
    await expect(server.exchange(jwtBearer(await grant({ iat: now() + 31 })))).rejects.toMatchObject(invalidGrant('iat_in_future'));
    const client = await sign(key, clientClaims(clock, 'worker', { iat: now() + 40 }));
    await expect(server.exchange(clientCredentials(client))).rejects.toMatchObject(invalidClient('iat_in_future'));
  });

  it('J5 the tolerance is inclusive: nbf or iat exactly tolerance seconds ahead passes, one more is refused', async () => {
    await expect(server.exchange(jwtBearer(await grant({ nbf: now() + 30 })))).resolves.toBeDefined();
    await expect(server.exchange(jwtBearer(await grant({ iat: now() + 30 })))).resolves.toBeDefined();
    await expect(strictServer.exchange(jwtBearer(await grant({ nbf: now(), iat: now() })))).resolves.toBeDefined();
    await expect(strictServer.exchange(jwtBearer(await grant({ iat: now() + 1 })))).rejects.toMatchObject(invalidGrant('iat_in_future'));
  });

  it('J5 a refusal names the claim: not a NumericDate, in the future', async () => {
    for (const name of ['exp', 'nbf', 'iat']) {
      await expect(server.exchange(jwtBearer(await grant({ [name]: String(now()) })))).rejects.toMatchObject({ ...invalidGrant('invalid_claim'), claim: name });
    }
    await expect(server.exchange(jwtBearer(await grant({ nbf: now() + 31 })))).rejects.toMatchObject({ claim: 'nbf' });
    await expect(server.exchange(jwtBearer(await grant({ iat: now() + 31 })))).rejects.toMatchObject({ claim: 'iat' });
    await expect(server.exchange(jwtBearer(await grant({ iat: now() - 600, exp: now() - 300 })))).rejects.toMatchObject({ claim: 'exp' });
  });

  it('J5 rejects nbf or iat that are not numbers', async () => {
    for (const extra of [{ nbf: 'yesterday' }, { iat: null }, { iat: String(now()) }, { nbf: {} }]) {
      await expect(server.exchange(jwtBearer(await grant(extra)))).rejects.toMatchObject(invalidGrant('invalid_claim'));
    }
  });

  it('J5 accepts an assertion without nbf or iat', async () => {
    await expect(server.exchange(jwtBearer(await grant({ iat: undefined, nbf: undefined })))).resolves.toBeDefined();
  });
});

describe('J6 maximum lifetime', () => {
  it('J6 rejects exp - iat over the default maximum of one hour', async () => {
    await expect(server.exchange(jwtBearer(await grant({ iat: now(), exp: now() + 3601 })))).rejects.toMatchObject(invalidGrant('lifetime_too_long'));
    await expect(server.exchange(jwtBearer(await grant({ iat: now(), exp: now() + 3600 })))).resolves.toBeDefined();
  });

  it('J6 measures exp - now when there is no iat', async () => {
    await expect(server.exchange(jwtBearer(await grant({ iat: undefined, exp: now() + 3601 })))).rejects.toMatchObject(invalidGrant('lifetime_too_long'));
    await expect(server.exchange(jwtBearer(await grant({ iat: undefined, exp: now() + 3600 })))).resolves.toBeDefined();
  });

  it('J6 counts the lifetime from iat even when iat is in the past', async () => {
    await expect(server.exchange(jwtBearer(await grant({ iat: now() - 3000, exp: now() + 700 })))).rejects.toMatchObject(invalidGrant('lifetime_too_long'));
  });

  it('J6 a trusted issuer may lower the maximum', async () => {
    await expect(server.exchange(jwtBearer(await grant({ exp: now() + 601 }, 'short-lived')))).rejects.toMatchObject(invalidGrant('lifetime_too_long'));
    await expect(server.exchange(jwtBearer(await grant({ exp: now() + 600 }, 'short-lived')))).resolves.toBeDefined();
  });

  it('J6 a trusted issuer may raise the maximum', async () => {
    await expect(server.exchange(jwtBearer(await grant({ exp: now() + 7200 }, 'long-lived')))).resolves.toBeDefined();
    await expect(server.exchange(jwtBearer(await grant({ exp: now() + 7201 }, 'long-lived')))).rejects.toMatchObject(invalidGrant('lifetime_too_long'));
  });

  it('J6 the server-wide maximum is configurable', async () => {
    await expect(strictServer.exchange(jwtBearer(await grant({ exp: now() + 301 })))).rejects.toMatchObject(invalidGrant('lifetime_too_long'));
    await expect(strictServer.exchange(jwtBearer(await grant({ exp: now() + 300 })))).resolves.toBeDefined();
  });
});

describe('J8 other claims', () => {
  it('J8 ignores claims no policy uses', async () => {
    const extra = { foo: 'bar', nested: { a: [1, 2, { b: null }] }, azp: 'whoever', scope: 'admin' };
    await expect(server.exchange(jwtBearer(await grant(extra)))).resolves.toMatchObject({ token_type: 'Bearer' });
    // A grant's cnf is a binding the DPoP rule (D1) enforces; a client assertion's means nothing here.
    const client = await sign(key, clientClaims(clock, 'worker', { ...extra, cnf: { jkt: 'x' } }));
    await expect(server.authenticateClient(clientCredentials(client))).resolves.toMatchObject({ clientId: 'worker' });
  });

  it('J8 a scope claim inside the assertion does not widen what is granted', async () => {
    const body = await server.exchange(jwtBearer(await grant({ scope: 'admin' })));
    expect(body.scope).toBeUndefined();
  });
});
