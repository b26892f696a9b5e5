import { assertionRulesFor, ASSERTION_RULES, OAuthError, type AssertionTrace, type AuthorizationServer, type Rfc7523Event } from '@rfc7523/core';
import { clientClaims, clientCredentials, frozenClock, grantClaims, jwks, jwtBearer, makeKey, makeServer, rawToken, sign, TOKEN_ENDPOINT, type TestKey } from '../support/fixtures.js';
import { testPipeline, testRegistration } from '../support/pipeline.js';
import { setThreadPoolPolicy } from '../../src/jwt/crypto-scheduler.js';

const clock = frozenClock();
let server: AuthorizationServer;
let events: Rfc7523Event[];
let worker: TestKey;
let ci: TestKey;
let stranger: TestKey;

beforeAll(async () => {
  [worker, ci, stranger] = await Promise.all([makeKey('ES256', 'w1'), makeKey('ES256', 'c1'), makeKey('ES256', 'w1')]);
  events = [];
  server = await makeServer({
    now: clock.now,
    onEvent: (e) => events.push(e),
    clients: [{ client_id: 'worker', jwks: jwks(worker), scope: 'read', token_endpoint_auth_signing_alg: 'ES256' }],
    trustedIssuers: [
      { issuer: 'ci', jwks: jwks(ci), subjects: ['repo:a'], scope: 'deploy' },
      { issuer: 'any', jwks: jwks(ci), allow_any_subject: true, scope: 'deploy' },
    ],
  });
});

beforeEach(() => {
  events.length = 0;
});

function failing(trace: AssertionTrace) {
  const failed = trace.steps.filter((s) => s.result === 'fail');
  expect(failed).toHaveLength(1);
  const index = trace.steps.indexOf(failed[0]!);
  expect(trace.steps.slice(0, index).every((s) => s.result === 'pass')).toBe(true);
  expect(trace.steps.slice(index + 1).every((s) => s.result === 'not_reached')).toBe(true);
  return failed[0]!;
}

describe('traceAssertion, the dry run of the pipeline', () => {
  it('a good client assertion: every step passes, replay is not checked, no event, and the assertion is not used up', async () => {
    const token = await sign(worker, clientClaims(clock, 'worker'));
    const trace = await server.traceAssertion('client_authentication', token);
    expect(trace.verdict).toBe('pass');
    expect(trace.error).toBeUndefined();
    expect(trace.steps.map((s) => s.id)).toEqual(assertionRulesFor('client_authentication').map((r) => r.id));
    expect(trace.steps.filter((s) => s.result !== 'pass').map((s) => [s.id, s.result])).toEqual([['replay', 'not_checked']]);
    expect(trace.claims).toMatchObject({ iss: 'worker', sub: 'worker' });
    expect(events).toEqual([]);
    await expect(server.exchange(clientCredentials(token))).resolves.toMatchObject({ scope: 'read' });
    await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject({ reason: 'jti_replayed' });
  });

  it('a good grant with a scope within the ceiling passes; one beyond it fails at R10, after the signature', async () => {
    const token = await sign(ci, grantClaims(clock, 'ci', 'repo:a'));
    expect((await server.traceAssertion('authorization_grant', token, { scope: 'deploy' })).verdict).toBe('pass');
    const trace = await server.traceAssertion('authorization_grant', token, { scope: 'deploy admin' });
    expect(failing(trace)).toMatchObject({ id: 'scope', rule: 'R10', reason: 'scope_not_allowed', detail: 'not allowed: admin' });
    expect(trace.error).toMatchObject({ error: 'invalid_scope', status: 400 });
    expect(trace.steps.find((s) => s.id === 'signature')?.result).toBe('pass');
  });

  it('R10 the refusal lists every scope beyond the ceiling, space-separated', async () => {
    const token = await sign(ci, grantClaims(clock, 'ci', 'repo:a'));
    const trace = await server.traceAssertion('authorization_grant', token, { scope: 'deploy admin root' });
    expect(failing(trace)).toMatchObject({ id: 'scope', detail: 'not allowed: admin root' });
  });

  it('text that is no JWT fails at J13 and carries no header or claims', async () => {
    const trace = await server.traceAssertion('client_authentication', 'not-a-jwt');
    expect(failing(trace)).toMatchObject({ id: 'compact', rule: 'J13', reason: 'malformed_jwt' });
    expect(trace.header).toBeUndefined();
    expect(trace.error).toMatchObject({ error: 'invalid_client', status: 401 });
  });
});

describe('the dry run and the live path refuse alike, with the reason and claim of the table', () => {
  const now = () => clock.seconds();
  /** Name, use, the step that refuses, the token, and the refusal's detail (what the log says). */
  const cases: [string, 'client_authentication' | 'authorization_grant', string, () => Promise<string>, string][] = [
    ['a crit header', 'client_authentication', 'crit', async () => rawToken({ alg: 'ES256', kid: 'w1', crit: ['x'] }, clientClaims(clock, 'worker')), 'the header uses an extension (crit or b64) we do not understand'],
    ['typ at+jwt', 'client_authentication', 'typ', () => sign(worker, clientClaims(clock, 'worker'), { typ: 'at+jwt' }), 'typ "at+jwt" is not accepted here'],
    ['no sub', 'client_authentication', 'iss-sub', () => sign(worker, clientClaims(clock, 'worker', { sub: undefined })), 'iss and sub are required strings'],
    ['an unknown client', 'client_authentication', 'registered', () => sign(worker, clientClaims(clock, 'nobody')), 'sub names no registered client'],
    ['iss other than sub', 'client_authentication', 'iss-is-sub', () => sign(worker, clientClaims(clock, 'worker', { iss: 'other' })), 'iss must equal sub and the client_id'],
    ['an unpinned alg', 'client_authentication', 'alg', async () => sign(await makeKey('ES384', 'w1'), clientClaims(clock, 'worker')), 'alg "ES384" is not accepted'],
    ['the token endpoint as aud', 'client_authentication', 'aud', () => sign(worker, clientClaims(clock, 'worker', { aud: TOKEN_ENDPOINT })), 'aud must be the issuer identifier of this server as its only value'],
    ['nbf as a string', 'client_authentication', 'dates', () => sign(worker, clientClaims(clock, 'worker', { nbf: 'soon' as never })), 'nbf must be a NumericDate'],
    ['no exp', 'client_authentication', 'exp', () => sign(worker, clientClaims(clock, 'worker', { exp: undefined })), 'exp is required'],
    ['nbf in the future', 'client_authentication', 'nbf', () => sign(worker, clientClaims(clock, 'worker', { nbf: now() + 600, exp: now() + 700 })), 'nbf is in the future'],
    ['iat in the future', 'client_authentication', 'iat', () => sign(worker, clientClaims(clock, 'worker', { iat: now() + 600, exp: now() + 700 })), 'iat is in the future'],
    ['a two-hour lifetime', 'client_authentication', 'lifetime', () => sign(worker, clientClaims(clock, 'worker', { exp: now() + 7200 })), 'the assertion lives longer than 3600 seconds'],
    ['an empty jti', 'client_authentication', 'jti', () => sign(worker, clientClaims(clock, 'worker', { jti: '' })), 'jti must be a non-empty string'],
    ['an unknown kid', 'client_authentication', 'key', () => sign(worker, clientClaims(clock, 'worker'), { kid: 'other' }), 'no registered key matches the header'],
    ['another key under the kid', 'client_authentication', 'signature', () => sign(stranger, clientClaims(clock, 'worker')), 'the signature does not verify'],
    ['an untrusted issuer', 'authorization_grant', 'trusted', () => sign(ci, grantClaims(clock, 'evil', 'repo:a')), 'iss is not a trusted issuer'],
    ['a subject not allowed', 'authorization_grant', 'subject', () => sign(ci, grantClaims(clock, 'ci', 'repo:b')), 'the issuer may not assert this subject'],
    ['a client assertion type', 'authorization_grant', 'typ', () => sign(ci, grantClaims(clock, 'ci', 'repo:a'), { typ: 'client-authentication+jwt' }), 'typ "client-authentication+jwt" is not accepted here'],
    ['no aud', 'authorization_grant', 'aud', () => sign(ci, grantClaims(clock, 'ci', 'repo:a', { aud: undefined })), 'aud is required'],
    ['no jti', 'authorization_grant', 'jti', () => sign(ci, grantClaims(clock, 'ci', 'repo:a', { jti: undefined })), 'jti is required'],
    ['a subject that is a client_id', 'authorization_grant', 'subject-sanity', () => sign(ci, grantClaims(clock, 'any', 'worker')), 'sub equals a registered client_id'],
  ];

  it.each(cases)('%s (%s) fails at step %s', async (_name, use, stepId, make, detail) => {
    const token = await make();
    const trace = await server.traceAssertion(use, token);
    const step = failing(trace);
    expect(step.id).toBe(stepId);
    expect(step.detail).toBe(detail);
    const entry = ASSERTION_RULES.find((r) => r.id === stepId)!;
    expect(entry.reasons).toContain(step.reason);
    if (step.claim !== undefined) expect(entry.claims).toContain(step.claim);
    expect(events).toEqual([]);

    const live = await (use === 'client_authentication' ? server.authenticateClient(clientCredentials(token)) : server.verifyGrant(jwtBearer(token))).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(live).toBeInstanceOf(OAuthError);
    const error = live as OAuthError;
    expect({ error: error.error, status: error.status, reason: error.reason, claim: error.claim, detail: error.detail }).toEqual({
      error: trace.error!.error,
      status: trace.error!.status,
      reason: step.reason,
      claim: step.claim,
      detail: step.detail,
    });
    // The event names the claim and, once iss has been read (step iss-sub), the issuer.
    const issuer = ['size', 'compact', 'crit', 'typ', 'iss-sub'].includes(stepId) ? {} : { issuer: trace.claims!.iss };
    expect(events).toEqual([
      { type: 'assertion.rejected', use, error: error.error, reason: step.reason, detail, ...(step.claim === undefined ? {} : { claim: step.claim }), ...issuer },
    ]);
  });
});

describe('a refusal names the claim or header parameter at fault', () => {
  const claimOf = async (token: string | Promise<string>) => failing(await server.traceAssertion('client_authentication', await token)).claim;

  it('J1 J2 iss-sub: sub when only sub is missing or not a string, iss otherwise', async () => {
    expect(await claimOf(sign(worker, clientClaims(clock, 'worker', { sub: undefined })))).toBe('sub');
    expect(await claimOf(sign(worker, clientClaims(clock, 'worker', { sub: 7 as never })))).toBe('sub');
    expect(await claimOf(sign(worker, clientClaims(clock, 'worker', { iss: undefined })))).toBe('iss');
    expect(await claimOf(sign(worker, clientClaims(clock, 'worker', { iss: undefined, sub: undefined })))).toBe('iss');
  });

  it('J11 crit or b64, whichever the header uses', async () => {
    expect(await claimOf(rawToken({ alg: 'ES256', kid: 'w1', crit: ['exp'] }, clientClaims(clock, 'worker')))).toBe('crit');
    expect(await claimOf(rawToken({ alg: 'ES256', kid: 'w1', b64: false }, clientClaims(clock, 'worker')))).toBe('b64');
  });

  it('J7 a replayed assertion names jti when it has one, and the replay.detected event carries issuer and jti', async () => {
    const token = await sign(worker, clientClaims(clock, 'worker', { jti: 'once-only' }));
    await server.exchange(clientCredentials(token));
    events.length = 0;
    await expect(server.exchange(clientCredentials(token))).rejects.toMatchObject({ reason: 'jti_replayed', claim: 'jti' });
    expect(events).toContainEqual({ type: 'replay.detected', use: 'client_authentication', issuer: 'worker', jti: 'once-only' });
  });
});

describe('the order decides which of several faults is reported', () => {
  it('an untrusted issuer is reported before an expired assertion', async () => {
    const token = await sign(ci, grantClaims(clock, 'evil', 'repo:a', { exp: clock.seconds() - 600, iat: clock.seconds() - 700 }));
    await expect(server.verifyGrant(jwtBearer(token))).rejects.toMatchObject({ reason: 'untrusted_issuer' });
  });

  it('a bad signature is reported before a subject that is a client_id (W5 after J9: strangers cannot probe client_ids)', async () => {
    const token = await sign(stranger, grantClaims(clock, 'any', 'worker'), { kid: 'c1' });
    await expect(server.verifyGrant(jwtBearer(token))).rejects.toMatchObject({ reason: 'signature_invalid' });
  });

  it('W5 is reported before R10, and neither uses the assertion up', async () => {
    const token = await sign(ci, grantClaims(clock, 'any', 'worker'));
    await expect(server.verifyGrant(jwtBearer(token, { scope: 'admin' }))).rejects.toMatchObject({ reason: 'sub_invalid' });
    const fine = await sign(ci, grantClaims(clock, 'any', 'alice'));
    await expect(server.verifyGrant(jwtBearer(fine, { scope: 'admin' }))).rejects.toMatchObject({ reason: 'scope_not_allowed' });
    await expect(server.verifyGrant(jwtBearer(fine, { scope: 'deploy' }))).resolves.toMatchObject({ subject: 'alice', scope: ['deploy'] });
  });
});

describe('the signature step answers alike inline and from the thread pool', () => {
  it.each([
    ['inline', false],
    ['on the thread pool', true],
  ])('%s: a good assertion is accepted once, a tampered one refused as signature_invalid', async (_, pool) => {
    const restore = setThreadPoolPolicy(() => pool);
    try {
      const token = await sign(ci, grantClaims(clock, 'any', 'alice'));
      const [h, , sig] = token.split('.');
      const tampered = `${h}.${Buffer.from(JSON.stringify(grantClaims(clock, 'any', 'mallory'))).toString('base64url')}.${sig}`;
      await expect(server.verifyGrant(jwtBearer(tampered))).rejects.toMatchObject({ reason: 'signature_invalid' });
      await expect(server.verifyGrant(jwtBearer(token))).resolves.toMatchObject({ subject: 'alice' });
      await expect(server.verifyGrant(jwtBearer(token))).rejects.toMatchObject({ reason: 'jti_replayed' });
    } finally {
      restore();
    }
  });
});

describe('AssertionPipeline, the registration a caller selects', () => {
  const registration = (kind: 'client' | 'issuer', issuer: string) => testRegistration(kind, issuer);
  const pipeline = testPipeline(clock);

  it("is used only for its own identifier: another issuer's registration is an untrusted issuer", async () => {
    const token = await sign(ci, grantClaims(clock, 'ci', 'repo:a'));
    await expect(pipeline.verify('authorization_grant', token, () => registration('issuer', 'elsewhere'))).rejects.toMatchObject({ reason: 'untrusted_issuer' });
  });

  it("a client's registration never verifies a grant: selecting one is a bug (TypeError, a 500), not a refusal", async () => {
    const token = await sign(ci, grantClaims(clock, 'ci', 'repo:a'));
    await expect(pipeline.verify('authorization_grant', token, () => registration('client', 'ci'))).rejects.toThrow(
      new TypeError('a client registration was selected for authorization_grant'),
    );
  });

  it('client authentication grants no scope and no resource', async () => {
    const result = await pipeline.verify('client_authentication', await sign(worker, clientClaims(clock, 'worker')), () => testRegistration('client', 'worker', worker));
    expect(result).toMatchObject({ scope: [], resource: [], subject: 'worker' });
  });

  it('runs the steps of the rule table, in its order', () => {
    for (const use of ['client_authentication', 'authorization_grant'] as const) {
      expect(pipeline.stepsOf(use)).toEqual(assertionRulesFor(use));
    }
  });
});

describe('AssertionPipeline called without a requested scope', () => {
  it('grants the empty scope: no scope requested is none asked for, not a scope the registration lacks', async () => {
    const token = await sign(ci, grantClaims(clock, 'ci', 'repo:a'));
    const result = await testPipeline(clock).verify('authorization_grant', token, () => testRegistration('issuer', 'ci', ci));
    expect(result).toMatchObject({ scope: [], subject: 'repo:a' });
  });
});
