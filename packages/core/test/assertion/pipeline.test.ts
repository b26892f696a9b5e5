import { assertionRulesFor, ASSERTION_RULES, OAuthError, type AssertionTrace, type AuthorizationServer, type Rfc7523Event } from '@rfc7523/core';
import { AssertionPipeline } from '../../src/assertion/pipeline.js';
import type { Registration } from '../../src/assertion/registration.js';
import { MemoryReplayStore } from '../../src/replay/memory-replay-store.js';
import { clientClaims, clientCredentials, frozenClock, grantClaims, ISSUER, jwks, jwtBearer, makeKey, makeServer, rawToken, sign, TOKEN_ENDPOINT, type TestKey } from '../support/fixtures.js';

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

  it('text that is no JWT fails at J13 and carries no header or claims', async () => {
    const trace = await server.traceAssertion('client_authentication', 'not-a-jwt');
    expect(failing(trace)).toMatchObject({ id: 'compact', rule: 'J13', reason: 'malformed_jwt' });
    expect(trace.header).toBeUndefined();
    expect(trace.error).toMatchObject({ error: 'invalid_client', status: 401 });
  });
});

describe('the dry run and the live path refuse alike, with the reason and claim of the table', () => {
  const now = () => clock.seconds();
  const cases: [string, 'client_authentication' | 'authorization_grant', string, () => Promise<string>][] = [
    ['a crit header', 'client_authentication', 'crit', async () => rawToken({ alg: 'ES256', kid: 'w1', crit: ['x'] }, clientClaims(clock, 'worker'))],
    ['typ at+jwt', 'client_authentication', 'typ', () => sign(worker, clientClaims(clock, 'worker'), { typ: 'at+jwt' })],
    ['no sub', 'client_authentication', 'iss-sub', () => sign(worker, clientClaims(clock, 'worker', { sub: undefined }))],
    ['an unknown client', 'client_authentication', 'registered', () => sign(worker, clientClaims(clock, 'nobody'))],
    ['iss other than sub', 'client_authentication', 'iss-is-sub', () => sign(worker, clientClaims(clock, 'worker', { iss: 'other' }))],
    ['an unpinned alg', 'client_authentication', 'alg', async () => sign(await makeKey('ES384', 'w1'), clientClaims(clock, 'worker'))],
    ['the token endpoint as aud', 'client_authentication', 'aud', () => sign(worker, clientClaims(clock, 'worker', { aud: TOKEN_ENDPOINT }))],
    ['nbf as a string', 'client_authentication', 'dates', () => sign(worker, clientClaims(clock, 'worker', { nbf: 'soon' as never }))],
    ['no exp', 'client_authentication', 'exp', () => sign(worker, clientClaims(clock, 'worker', { exp: undefined }))],
    ['nbf in the future', 'client_authentication', 'nbf', () => sign(worker, clientClaims(clock, 'worker', { nbf: now() + 600, exp: now() + 700 }))],
    ['iat in the future', 'client_authentication', 'iat', () => sign(worker, clientClaims(clock, 'worker', { iat: now() + 600, exp: now() + 700 }))],
    ['a two-hour lifetime', 'client_authentication', 'lifetime', () => sign(worker, clientClaims(clock, 'worker', { exp: now() + 7200 }))],
    ['an empty jti', 'client_authentication', 'jti', () => sign(worker, clientClaims(clock, 'worker', { jti: '' }))],
    ['an unknown kid', 'client_authentication', 'key', () => sign(worker, clientClaims(clock, 'worker'), { kid: 'other' })],
    ['another key under the kid', 'client_authentication', 'signature', () => sign(stranger, clientClaims(clock, 'worker'))],
    ['an untrusted issuer', 'authorization_grant', 'trusted', () => sign(ci, grantClaims(clock, 'evil', 'repo:a'))],
    ['a subject not allowed', 'authorization_grant', 'subject', () => sign(ci, grantClaims(clock, 'ci', 'repo:b'))],
    ['a client assertion type', 'authorization_grant', 'typ', () => sign(ci, grantClaims(clock, 'ci', 'repo:a'), { typ: 'client-authentication+jwt' })],
    ['no aud', 'authorization_grant', 'aud', () => sign(ci, grantClaims(clock, 'ci', 'repo:a', { aud: undefined }))],
    ['no jti', 'authorization_grant', 'jti', () => sign(ci, grantClaims(clock, 'ci', 'repo:a', { jti: undefined }))],
    ['a subject that is a client_id', 'authorization_grant', 'subject-sanity', () => sign(ci, grantClaims(clock, 'any', 'worker'))],
  ];

  it.each(cases)('%s (%s) fails at step %s', async (_name, use, stepId, make) => {
    const token = await make();
    const trace = await server.traceAssertion(use, token);
    const step = failing(trace);
    expect(step.id).toBe(stepId);
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
    expect(events).toContainEqual(expect.objectContaining({ type: 'assertion.rejected', reason: step.reason }));
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

describe('AssertionPipeline, the registration a caller selects', () => {
  const registration = (kind: 'client' | 'issuer', issuer: string): Registration => ({
    kind,
    issuer,
    resolveKey: () => Promise.reject(new Error('no key')),
    algorithms: new Set(['ES256']),
    maxLifetime: 3600,
    requireJti: true,
    audience: { sole: false, tokenEndpoint: true },
    requireExplicitTyp: false,
    scope: new Set(),
    subjects: null,
  });
  const pipeline = new AssertionPipeline({
    issuer: ISSUER,
    tokenEndpoint: TOKEN_ENDPOINT,
    clockTolerance: 30,
    maxAssertionLength: 16_384,
    replayStore: new MemoryReplayStore({ now: clock.now }),
    now: clock.now,
    emit: () => {},
    clientIds: new Set(),
  });

  it("is used only for its own identifier: another issuer's registration is an untrusted issuer", async () => {
    const token = await sign(ci, grantClaims(clock, 'ci', 'repo:a'));
    await expect(pipeline.verify('authorization_grant', token, () => registration('issuer', 'elsewhere'))).rejects.toMatchObject({ reason: 'untrusted_issuer' });
  });

  it("a client's registration never verifies a grant: selecting one is a bug (TypeError, a 500), not a refusal", async () => {
    const token = await sign(ci, grantClaims(clock, 'ci', 'repo:a'));
    await expect(pipeline.verify('authorization_grant', token, () => registration('client', 'ci'))).rejects.toThrow(TypeError);
  });

  it('runs the steps of the rule table, in its order', () => {
    for (const use of ['client_authentication', 'authorization_grant'] as const) {
      expect(pipeline.stepsOf(use)).toEqual(assertionRulesFor(use));
    }
  });
});
