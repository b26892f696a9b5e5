/**
 * The dry run's signature probe (AssertionTrace.signedByRegistration): whether the token is signed by a
 * key of the registration it names, checked even when an earlier step failed, so that a page served to
 * anyone shows configuration-dependent steps only to the holder of a registered key (docs/explain.md).
 * The keys are minted here; a stranger's key with the same `kid` is the forgery.
 */
import type { AuthorizationServer } from '@rfc7523/core';
import type { Registration } from '../../src/assertion/registration.js';
import { clientClaims, frozenClock, grantClaims, jwks, makeKey, makeServer, rawToken, sign, type TestKey } from '../support/fixtures.js';
import { testPipeline, testRegistration } from '../support/pipeline.js';

const clock = frozenClock();
let server: AuthorizationServer;
let worker: TestKey;
let ci: TestKey;
let stranger: TestKey;
let unknownKid: TestKey;

beforeAll(async () => {
  [worker, ci, stranger, unknownKid] = await Promise.all([makeKey('ES256', 'w1'), makeKey('ES256', 'c1'), makeKey('ES256', 'w1'), makeKey('ES256', 'zz')]);
  server = await makeServer({
    now: clock.now,
    clients: [{ client_id: 'worker', jwks: jwks(worker), scope: 'read', token_endpoint_auth_signing_alg: 'ES256' }],
    trustedIssuers: [{ issuer: 'ci', jwks: jwks(ci), subjects: ['repo:a'], scope: 'deploy' }],
  });
});

const expired = (claims: Record<string, unknown>) => ({ ...claims, iat: clock.seconds() - 600, exp: clock.seconds() - 300 });
const client = (token: string) => server.traceAssertion('client_authentication', token);
const grant = (token: string) => server.traceAssertion('authorization_grant', token);

describe('signedByRegistration, the dry run signature probe', () => {
  it('is true for a token signed by a key of the registration it names, even when a step before the signature failed', async () => {
    const c = await client(await sign(worker, expired(clientClaims(clock, 'worker'))));
    expect(c.verdict).toBe('fail');
    expect(c.steps.find((s) => s.id === 'signature')?.result).toBe('not_reached');
    expect(c.signedByRegistration).toBe(true);
    const g = await grant(await sign(ci, expired(grantClaims(clock, 'ci', 'repo:a'))));
    expect(g.verdict).toBe('fail');
    expect(g.signedByRegistration).toBe(true);
  });

  it('is true when the failure came before the registration was chosen (client_id names another client)', async () => {
    const trace = await server.traceAssertion('client_authentication', await sign(worker, clientClaims(clock, 'worker')), { clientId: 'other' });
    expect(trace.steps.find((s) => s.result === 'fail')?.id).toBe('client-id');
    expect(trace.steps.find((s) => s.id === 'registered')?.result).toBe('not_reached');
    expect(trace.signedByRegistration).toBe(true);
  });

  it('is false when the failure came before iss and sub were read (a wrong typ): the token names no registration yet', async () => {
    const trace = await client(await sign(worker, clientClaims(clock, 'worker'), { typ: 'at+jwt' }));
    expect(trace.verdict).toBe('fail');
    expect(trace.signedByRegistration).toBe(false);
  });

  it("client authentication names its registration by sub: iss may differ and the probe still answers for sub's keys", async () => {
    const trace = await client(await sign(worker, clientClaims(clock, 'worker', { iss: 'someone-else' })));
    expect(trace.verdict).toBe('fail');
    expect(trace.signedByRegistration).toBe(true);
  });

  it('is false for a forgery: the same kid, another key', async () => {
    expect((await client(await sign(stranger, expired(clientClaims(clock, 'worker'))))).signedByRegistration).toBe(false);
    expect((await grant(await sign(stranger, expired(grantClaims(clock, 'ci', 'repo:a'))))).signedByRegistration).toBe(false);
  });

  it('is false when the header names no key of the registration (resolving the key fails)', async () => {
    expect((await client(await sign(unknownKid, clientClaims(clock, 'worker')))).signedByRegistration).toBe(false);
  });

  it('is false without iss or without sub, whatever the key', async () => {
    const { iss: _iss, ...noIss } = clientClaims(clock, 'worker');
    expect((await client(await sign(worker, noIss))).signedByRegistration).toBe(false);
    const { sub: _sub, ...noSub } = grantClaims(clock, 'ci', 'repo:a');
    expect((await grant(await sign(ci, noSub))).signedByRegistration).toBe(false);
  });

  it('is false for a token naming no registration of its use (a client id as a grant issuer, an issuer as a client)', async () => {
    expect((await grant(await sign(worker, grantClaims(clock, 'worker', 'worker')))).signedByRegistration).toBe(false);
    expect((await client(await sign(ci, clientClaims(clock, 'ci')))).signedByRegistration).toBe(false);
  });

  it('is false for text that is no JWT and for an unsigned token', async () => {
    expect((await client('not-a-jwt')).signedByRegistration).toBe(false);
    expect((await client(rawToken({ alg: 'none', kid: 'w1' }, clientClaims(clock, 'worker'), ''))).signedByRegistration).toBe(false);
  });

  it('a refused trace says fail and carries its error; a passing one carries none', async () => {
    const failed = await client(await sign(worker, expired(clientClaims(clock, 'worker'))));
    expect(failed.verdict).toBe('fail');
    expect(failed.error).toMatchObject({ error: 'invalid_client' });
    const passed = await client(await sign(worker, clientClaims(clock, 'worker')));
    expect(passed.verdict).toBe('pass');
    expect('error' in passed).toBe(false);
  });
});

describe('signedByRegistration with a caller-selected registration (AssertionPipeline.trace)', () => {
  const registration = testRegistration;
  const pipeline = () => testPipeline(clock);

  it('is false, without throwing, when selecting the registration throws', async () => {
    const token = await sign(worker, clientClaims(clock, 'worker'));
    const trace = await pipeline().trace('client_authentication', token, () => { throw new Error('registry unavailable'); }, { clientId: 'other' });
    expect(trace.steps.find((s) => s.result === 'fail')?.id).toBe('client-id');
    expect(trace.signedByRegistration).toBe(false);
    const control = await pipeline().trace('client_authentication', token, () => registration('client', 'worker', worker), { clientId: 'other' });
    expect(control.signedByRegistration).toBe(true);
  });

  it('is false for a registration of the other kind, or for another identifier, even if its key signed the token', async () => {
    const token = await sign(ci, expired(grantClaims(clock, 'ci', 'repo:a')));
    const trace = (select: () => Registration) => pipeline().trace('authorization_grant', token, select);
    expect((await trace(() => registration('issuer', 'ci', ci))).signedByRegistration).toBe(true);
    expect((await trace(() => registration('issuer', 'elsewhere', ci))).signedByRegistration).toBe(false);
    // Client authentication failing before its registration step (client_id names another client): a
    // registration of the other kind, or for another client, is not the one the token names.
    const client = await sign(worker, clientClaims(clock, 'worker'));
    const traceClient = (select: () => Registration) => pipeline().trace('client_authentication', client, select, { clientId: 'other' });
    expect((await traceClient(() => registration('client', 'worker', worker))).signedByRegistration).toBe(true);
    expect((await traceClient(() => registration('issuer', 'worker', worker))).signedByRegistration).toBe(false);
    expect((await traceClient(() => registration('client', 'someone', worker))).signedByRegistration).toBe(false);
  });
});

describe('signedByRegistration and the algorithm', () => {
  it('is false for a decoded token naming its registration under alg none or a MAC algorithm', async () => {
    for (const alg of ['none', 'HS256']) {
      const trace = await client(rawToken({ alg, kid: 'w1' }, clientClaims(clock, 'worker'), 'c2lnbmF0dXJl'));
      expect(trace.header).toMatchObject({ alg });
      expect(trace.steps.find((s) => s.id === 'iss-sub')?.result).toBe('pass');
      expect(trace.signedByRegistration).toBe(false);
    }
  });
});
