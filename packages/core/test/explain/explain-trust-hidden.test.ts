/**
 * The page shows the checks of the trust configuration (registered … key) only for an assertion signed by a
 * key of the registration it names; for any other, the report is the same whichever of those checks fails,
 * so it answers no more than /token does (docs/explain.md, "What it reveals, and when").
 */
import { createExplainHandler, type AuthorizationServer, type ExplainHandler, type ExplainReport, type ExplainStep } from '@rfc7523/core';
import { EXPLAIN_PAGE } from '../../src/explain/explain-page.js';
import { TRUST_HIDDEN, TRUST_STEPS } from '../../src/explain/explain-report.js';
import { clientClaims, frozenClock, grantClaims, ISSUER, jwks, makeKey, makeServer, rawToken, sign, TOKEN_ENDPOINT, type TestKey } from '../support/fixtures.js';

const clock = frozenClock();
let server: AuthorizationServer;
let explain: ExplainHandler;
let worker: TestKey;
let pinned: TestKey;
let ci: TestKey;
let stranger: TestKey;

beforeAll(async () => {
  [worker, pinned, ci, stranger] = await Promise.all([makeKey('ES256', 'w1'), makeKey('ES256', 'p1'), makeKey('ES256', 'c1'), makeKey('ES256', 'c1')]);
  server = await makeServer({
    now: clock.now,
    clients: [
      { client_id: 'worker', jwks: jwks(worker), scope: 'read' },
      { client_id: 'pinned', jwks: jwks(pinned), token_endpoint_auth_signing_alg: 'ES256', require_explicit_typ: true, max_assertion_lifetime: 120 },
    ],
    trustedIssuers: [{ issuer: 'ci', jwks: jwks(ci), subjects: ['repo:a', 'worker'], scope: 'deploy', max_assertion_lifetime: 300 }],
  });
  explain = createExplainHandler(server, { now: clock.now, burst: 1000, perMinute: 100_000 })!;
});

async function report(assertion: string, use: string): Promise<ExplainReport> {
  const response = await explain.handle({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ assertion, use }).toString(),
    clientAddress: '192.0.2.1',
  });
  expect(response.status).toBe(200);
  return JSON.parse(response.body) as ExplainReport;
}

/** What a report says of the checks: id, status, reason, claim, detail and fix of every step. */
const verdicts = (r: ExplainReport) => ({ verdict: r.verdict, error: r.error, steps: r.steps.map(({ id, status, reason, detail, fix }: ExplainStep) => ({ id, status, reason, detail, fix })) });
const unsigned = (header: object, claims: object) => rawToken(header, claims);
const statusOf = (r: ExplainReport, id: string) => r.steps.find((s) => s.id === id)?.status;

describe('an assertion not signed by a registered key: the trust checks are hidden, the report the same whichever fails', () => {
  it('grant: a subject the issuer may assert and one it may not give the same report (unsigned)', async () => {
    const allowed = await report(unsigned({ alg: 'ES256', kid: 'c1' }, grantClaims(clock, 'ci', 'repo:a')), 'grant');
    const refused = await report(unsigned({ alg: 'ES256', kid: 'c1' }, grantClaims(clock, 'ci', 'repo:b')), 'grant');
    expect(verdicts(refused)).toEqual(verdicts(allowed));
    expect(statusOf(allowed, 'subject')).toBe('hidden');
    expect(allowed.steps.find((s) => s.id === 'signature')).toMatchObject({ status: 'fail', ...TRUST_HIDDEN });
  });

  it('grant: signed by a key of another party (same kid), an untrusted issuer, an aud guess, a long lifetime: one report', async () => {
    const reports = await Promise.all([
      sign(stranger, grantClaims(clock, 'ci', 'repo:a')),
      sign(stranger, grantClaims(clock, 'ci', 'repo:b')),
      sign(stranger, grantClaims(clock, 'evil', 'repo:a')),
      sign(stranger, grantClaims(clock, 'ci', 'repo:a', { aud: 'https://elsewhere.example' })),
      sign(stranger, grantClaims(clock, 'ci', 'repo:a', { exp: clock.seconds() + 3000 })),
      sign(stranger, grantClaims(clock, 'ci', 'repo:a', { jti: undefined })),
    ].map(async (t) => report(await t, 'grant')));
    for (const r of reports) expect(verdicts(r)).toEqual(verdicts(reports[0]!));
    const first = reports[0]!;
    expect(first.steps.filter((s) => TRUST_STEPS.has(s.id)).every((s) => s.status === 'hidden' && s.reason === undefined && s.fix === undefined)).toBe(true);
    expect(first.steps.slice(first.steps.findIndex((s) => s.id === 'signature') + 1).every((s) => s.status === 'not_reached')).toBe(true);
    expect(first).toMatchObject({ verdict: 'fail', error: { error: 'invalid_grant', status: 400 } });
  });

  it('client: registered or not, a pinned alg, explicit typ, aud policy and kid all give one report (unsigned)', async () => {
    const claims = (id: string, extra = {}) => clientClaims(clock, id, extra);
    const reports = await Promise.all([
      report(unsigned({ alg: 'ES256', kid: 'w1' }, claims('worker')), 'client'),
      report(unsigned({ alg: 'ES256', kid: 'w1' }, claims('nobody')), 'client'),
      report(unsigned({ alg: 'RS256', kid: 'p1' }, claims('pinned')), 'client'),
      report(unsigned({ alg: 'ES256', kid: 'p1' }, claims('pinned')), 'client'),
      report(unsigned({ alg: 'ES256', kid: 'w1' }, claims('worker', { aud: TOKEN_ENDPOINT })), 'client'),
      report(unsigned({ alg: 'ES256', kid: 'w1' }, claims('worker', { exp: clock.seconds() + 200 })), 'client'),
      report(unsigned({ alg: 'ES256', kid: 'nope' }, claims('worker')), 'client'),
    ]);
    for (const r of reports) expect(verdicts(r)).toEqual(verdicts(reports[0]!));
    expect(reports[0]).toMatchObject({ verdict: 'fail', error: { error: 'invalid_client', status: 401 } });
    expect(JSON.stringify(reports.map((r) => r.steps))).not.toMatch(/\b120\b|key_not_found|alg_not_allowed|explicit_typ|aud_mismatch|unknown_client/);
  });

  it('signed with a registered key but an unknown kid: hidden too (the probe uses the key the header names)', async () => {
    const r = await report(await sign(worker, clientClaims(clock, 'worker'), { kid: 'other' }), 'client');
    expect(statusOf(r, 'key')).toBe('hidden');
    expect(r.steps.find((s) => s.id === 'signature')).toMatchObject({ status: 'fail', reason: TRUST_HIDDEN.reason });
  });

  it('a failure before the registration is looked up reads only the token: shown', async () => {
    const r = await report(unsigned({ alg: 'ES256', typ: 'at+jwt' }, clientClaims(clock, 'worker')), 'client');
    expect(r.steps.find((s) => s.status === 'fail')).toMatchObject({ id: 'typ', reason: 'typ_not_allowed' });
    expect(r.steps.some((s) => s.status === 'hidden')).toBe(false);
  });
});

describe('signed by a key of the registration it names: every verdict shown', () => {
  it('grant: the subject refusal, with its reason and fix', async () => {
    const r = await report(await sign(ci, grantClaims(clock, 'ci', 'repo:b')), 'grant');
    expect(r.steps.find((s) => s.status === 'fail')).toMatchObject({ id: 'subject', reason: 'sub_not_allowed' });
    expect(r.steps.some((s) => s.status === 'hidden')).toBe(false);
  });

  it('client: a pinned alg passes and the explicit typ is required', async () => {
    const r = await report(await sign(pinned, clientClaims(clock, 'pinned')), 'client');
    expect(statusOf(r, 'alg')).toBe('pass');
    expect(r.steps.find((s) => s.status === 'fail')).toMatchObject({ id: 'explicit-typ', reason: 'explicit_typ_required' });
  });

  it('lifetime: refused, but neither detail nor fix names the configured maximum', async () => {
    const t = clock.seconds();
    const r = await report(await sign(ci, grantClaims(clock, 'ci', 'repo:a', { iat: t, exp: t + 1000 })), 'grant');
    const step = r.steps.find((s) => s.status === 'fail')!;
    expect(step).toMatchObject({ id: 'lifetime', reason: 'lifetime_too_long' });
    expect(step.detail).toBeUndefined();
    expect(step.fix).toContain('1000 s');
    expect(JSON.stringify(r.steps)).not.toContain('300');
  });

  it('a valid assertion passes with nothing hidden', async () => {
    const r = await report(await sign(worker, clientClaims(clock, 'worker')), 'client');
    expect(r.verdict).toBe('pass');
    expect(r.audience).toEqual([{ value: ISSUER, names: 'issuer' }]);
    expect(r.steps.some((s) => s.status === 'hidden')).toBe(false);
  });

  it('subject-sanity: refused (a registered client_id as subject), its detail never shown', async () => {
    const r = await report(await sign(ci, grantClaims(clock, 'ci', 'worker')), 'grant');
    const step = r.steps.find((s) => s.status === 'fail')!;
    expect(step).toMatchObject({ id: 'subject-sanity', reason: 'sub_invalid' });
    expect(step.detail).toBeUndefined();
  });
});

describe('the page renders hidden checks', () => {
  it('its script knows the status and still parses (a quote in a template literal once broke it)', () => {
    const script = /<script>([\s\S]*?)<\/script>/.exec(EXPLAIN_PAGE)![1]!;
    expect(() => new Function(script)).not.toThrow();
    expect(script).toContain("hidden: 'hidden'");
  });
});
