import { createExplainHandler, ConfigurationError, type AuthorizationServer, type ExplainHandler, type ExplainReport, type ExplainRequest, type Rfc7523Event } from '@rfc7523/core';
import { EXPLAIN_PAGE, EXPLAIN_PAGE_CSP } from '../../src/explain/explain-page.js';
import { duration, relativeTimes } from '../../src/explain/explain-report.js';
import { clientClaims, clientCredentials, frozenClock, grantClaims, ISSUER, jwks, makeKey, makeServer, sign, TOKEN_ENDPOINT, type TestKey } from '../support/fixtures.js';
import { createHash } from 'node:crypto';

const clock = frozenClock();
let server: AuthorizationServer;
let explain: ExplainHandler;
let worker: TestKey;
let ci: TestKey;
const events: Rfc7523Event[] = [];

beforeAll(async () => {
  [worker, ci] = await Promise.all([makeKey('ES256', 'w1'), makeKey('ES256', 'c1')]);
  server = await makeServer({
    now: clock.now,
    onEvent: (e) => events.push(e),
    maxBodyLength: 4096,
    clients: [{ client_id: 'worker', jwks: jwks(worker), scope: 'read' }],
    trustedIssuers: [{ issuer: 'ci', jwks: jwks(ci), subjects: ['repo:a'], scope: 'deploy' }],
  });
  explain = createExplainHandler(server, { now: clock.now, burst: 1000, perMinute: 100_000 })!;
});

beforeEach(() => {
  events.length = 0;
});

function post(fields: Record<string, string>, clientAddress = '192.0.2.1'): ExplainRequest {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString(), clientAddress };
}

async function report(fields: Record<string, string>): Promise<ExplainReport> {
  const response = await explain.handle(post(fields));
  expect(response.status).toBe(200);
  return JSON.parse(response.body) as ExplainReport;
}

describe('createExplainHandler: off by default, validated at start-up', () => {
  it('is undefined (off) for false and for no option', () => {
    expect(createExplainHandler(server, undefined)).toBeUndefined();
    expect(createExplainHandler(server, false)).toBeUndefined();
    expect(createExplainHandler(server, true)?.path).toBe('/explain');
  });

  it.each<[unknown, string]>([
    [{ pth: '/x' }, 'explain.pth'],
    [{ burst: 0 }, 'explain.burst'],
    [{ perMinute: 1.5 }, 'explain.perMinute'],
    [{ path: 'explain' }, 'explain.path'],
    [{ now: 5 }, 'explain.now'],
    ['yes', 'explain'],
  ])('refuses %j naming %s', (option, field) => {
    let thrown: unknown;
    try {
      createExplainHandler(server, option as never);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigurationError);
    expect((thrown as ConfigurationError).field).toBe(field);
  });
});

describe('the page', () => {
  it('GET: HTML with a CSP allowing only its own inline style and script (by hash), no-store, no referrer', async () => {
    const response = await explain.handle({ method: 'GET', headers: {} });
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({ 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' });
    expect(response.headers['content-security-policy']).toBe(EXPLAIN_PAGE_CSP);
    // The CSP's hashes are those of the page's one <script> and one <style>, computed here independently.
    const inline = (tag: string) => [...response.body.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => m[1]!);
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
    expect(inline('script')).toHaveLength(1);
    expect(EXPLAIN_PAGE_CSP).toContain(`script-src ${hash(inline('script')[0]!)};`);
    expect(EXPLAIN_PAGE_CSP).toContain(`style-src ${hash(inline('style')[0]!)};`);
    expect(EXPLAIN_PAGE_CSP).toMatch(/^default-src 'none'; /);
    expect(response.body).not.toMatch(/<script[^>]+src=|<link|https?:\/\/(?!www\.w3)/);
    expect(response.body).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write/);
    expect(EXPLAIN_PAGE).toContain('<label for="assertion">');
  });

  it('another method: 405 with Allow', async () => {
    const response = await explain.handle({ method: 'DELETE', headers: {} });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET, POST');
  });
});

describe('the dry run', () => {
  it('a valid client assertion: every rule passes but replay (not checked), with RFC sources; times and aud in words', async () => {
    const r = await report({ assertion: await sign(worker, clientClaims(clock, 'worker')), use: 'client' });
    expect(r.verdict).toBe('pass');
    expect(r.steps.map((s) => s.status).filter((s) => s !== 'pass')).toEqual(['not_checked']);
    expect(r.steps.at(-1)).toMatchObject({ id: 'replay', rule: 'J7', fix: 'mint a new assertion for every request' });
    expect(r.steps.find((s) => s.id === 'aud')).toMatchObject({ rule: 'J3', claim: 'aud', source: 'RFC 7523 §3 item 3; rfc7523bis §4' });
    expect(r.times).toEqual(expect.arrayContaining([expect.objectContaining({ claim: 'exp', relative: 'expires in 60 s' })]));
    expect(r.audience).toEqual([{ value: ISSUER, names: 'issuer' }]);
    expect(r.server).toEqual({ issuer: ISSUER, token_endpoint: TOKEN_ENDPOINT, now: new Date(clock.now()).toISOString() });
  });

  it('the token endpoint as aud of a client assertion: J3 fails with the fix naming the issuer; later rules not reached', async () => {
    const r = await report({ assertion: await sign(worker, clientClaims(clock, 'worker', { aud: TOKEN_ENDPOINT })), use: 'client' });
    expect(r).toMatchObject({ verdict: 'fail', error: { error: 'invalid_client', status: 401 } });
    const index = r.steps.findIndex((s) => s.status === 'fail');
    expect(r.steps[index]).toMatchObject({ id: 'aud', rule: 'J3', claim: 'aud', reason: 'aud_mismatch', fix: expect.stringContaining(`set aud to "${ISSUER}" (the issuer identifier)`) });
    expect(r.steps.slice(index + 1).every((s) => s.status === 'not_reached')).toBe(true);
    expect(r.audience).toEqual([{ value: TOKEN_ENDPOINT, names: 'token_endpoint' }]);
  });

  it('an expired grant: J4, with "expired … ago"', async () => {
    const t = clock.seconds();
    const r = await report({ assertion: await sign(ci, grantClaims(clock, 'ci', 'repo:a', { iat: t - 600, exp: t - 180 })), use: 'platform' });
    expect(r.steps.find((s) => s.status === 'fail')).toMatchObject({ id: 'exp', rule: 'J4', reason: 'expired', fix: expect.stringMatching(/expired at .*mint a fresh one/) });
    expect(r.times.find((x) => x.claim === 'exp')?.relative).toBe('expired 3 min ago');
  });

  it('a fix never quotes the configuration (no registered client list, no subjects)', async () => {
    const r = await report({ assertion: await sign(ci, grantClaims(clock, 'ci', 'repo:other')), use: 'grant' });
    const failed = r.steps.find((s) => s.status === 'fail')!;
    expect(failed).toMatchObject({ id: 'subject', rule: 'J2' });
    expect(failed.fix).not.toContain('repo:a');
    expect(JSON.stringify(r)).not.toContain('repo:a');
  });

  it('garbage: a readable refusal at J13, not a 500', async () => {
    const r = await report({ assertion: 'hello <script>alert(1)</script>', use: 'client' });
    expect(r.steps[1]).toMatchObject({ id: 'compact', status: 'fail', reason: 'malformed_jwt', fix: expect.stringContaining('compact serialization') });
    expect(r.header).toBeUndefined();
  });

  it.each<[Record<string, string>, number, RegExp]>([
    [{}, 400, /paste an assertion/],
    [{ assertion: 'x', use: 'dpop' }, 400, /use must be/],
    [{ assertion: 'x', use: 'grant', scope: 'a\u0001' }, 400, /scope/],
  ])('a bad request %j: %d with a readable RFC 6749 error', async (fields, status, description) => {
    const response = await explain.handle(post(fields));
    expect(response.status).toBe(status);
    const body = JSON.parse(response.body) as { error: string; error_description: string };
    expect(body.error_description).toMatch(description);
    expect(response.body).not.toMatch(/at .*\.ts:|Error:/);
  });

  it('the same body limit as the token endpoint: 413 over maxBodyLength; an assertion over the assertion limit fails R8', async () => {
    const response = await explain.handle(post({ assertion: 'a'.repeat(5000) }));
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toMatchObject({ error: 'invalid_request' });
    expect((await server.handleTokenRequest(clientCredentials('a'.repeat(5000)))).status).toBe(413);
  });

  it('remembers no jti, emits no assertion event (only explain.dry_run): the assertion then works once at the token endpoint', async () => {
    const assertion = await sign(worker, clientClaims(clock, 'worker'));
    for (let i = 0; i < 3; i++) expect((await report({ assertion, use: 'client' })).verdict).toBe('pass');
    expect(events.map((e) => e.type)).toEqual(['explain.dry_run', 'explain.dry_run', 'explain.dry_run']);
    expect((await server.handleTokenRequest(clientCredentials(assertion))).status).toBe(200);
    expect((await server.handleTokenRequest(clientCredentials(assertion))).status).toBe(401);
    // The dry run tells what it cannot know: replay is never checked.
    expect((await report({ assertion, use: 'client' })).steps.at(-1)?.status).toBe('not_checked');
  });
});

describe('rate limit', () => {
  it('per client address: 429 with Retry-After once the burst is spent, back after the wait (fake clock)', async () => {
    const limited = createExplainHandler(server, { now: clock.now, burst: 2, perClientPerMinute: 6 })!;
    const run = (address: string) => limited.handle(post({ assertion: 'x' }, address));
    expect((await run('a')).status).toBe(200);
    expect((await run('a')).status).toBe(200);
    const refused = await run('a');
    expect(refused.status).toBe(429);
    expect(refused.headers['retry-after']).toBe('10');
    expect(JSON.parse(refused.body)).toEqual({ error: 'temporarily_unavailable', error_description: 'too many dry runs: retry in 10 s' });
    expect((await run('b')).status).toBe(200);
    clock.advance(10);
    expect((await run('a')).status).toBe(200);
    expect((await run('a')).status).toBe(429);
  });

  it('all clients together: the global bucket, however many addresses; the address map stays bounded', async () => {
    const limited = createExplainHandler(server, { now: clock.now, perMinute: 5, maxClients: 3 })!;
    const statuses = [];
    for (let i = 0; i < 8; i++) statuses.push((await limited.handle(post({ assertion: 'x' }, `198.51.100.${i}`))).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
  });

  it('GET (the page) is not limited', async () => {
    const limited = createExplainHandler(server, { now: clock.now, burst: 1 })!;
    for (let i = 0; i < 5; i++) expect((await limited.handle({ method: 'GET', headers: {}, clientAddress: 'a' })).status).toBe(200);
  });
});

describe('times in words', () => {
  it.each<[number, string]>([
    [42, '42 s'],
    [119, '119 s'],
    [180, '3 min'],
    [-7300, '2 h'],
    [200_000, '2 d'],
  ])('%d s → %s', (seconds, words) => {
    expect(duration(seconds)).toBe(words);
  });

  it('exp, nbf, iat against the clock; a non-number is left out', () => {
    expect(relativeTimes({ exp: 1042, nbf: 1010, iat: 900 }, 1000).map((t) => t.relative)).toEqual(['expires in 42 s', 'not valid for another 10 s', 'issued 100 s ago']);
    expect(relativeTimes({ exp: '1042' }, 1000)).toEqual([]);
  });
});

describe('an ID-JAG (a grant from an id_jag issuer, rule G1–G4)', () => {
  const IDP = 'https://idp.example.com';
  let idp: TestKey;
  let jag: ExplainHandler;

  beforeAll(async () => {
    idp = await makeKey('ES256', 'idp-1');
    const engine = await makeServer({
      now: clock.now,
      resources: ['https://mcp.example.com/mcp'],
      clients: [
        { client_id: 'agent', jwks: jwks(worker), grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'], scope: 'tools:read' },
        { client_id: 'other', jwks: jwks(ci), grant_types: ['urn:ietf:params:oauth:grant-type:jwt-bearer'], scope: 'tools:read' },
      ],
      trustedIssuers: [{ issuer: IDP, jwks: jwks(idp), allow_any_subject: true, id_jag: true, scope: 'tools:read' }],
    });
    jag = createExplainHandler(engine, { now: clock.now })!;
  });

  const idJag = () =>
    sign(idp, grantClaims(clock, IDP, 'alice', { client_id: 'agent', resource: 'https://mcp.example.com/mcp', scope: 'tools:read' }), { typ: 'oauth-id-jag+jwt' });
  const run = async (fields: Record<string, string>) => JSON.parse((await jag.handle(post(fields))).body) as ExplainReport;

  it('presented by its client: every rule passes, the ID-JAG rules included', async () => {
    const r = await run({ assertion: await idJag(), use: 'id-jag', client_id: 'agent' });
    expect(r.verdict).toBe('pass');
    expect(r.steps.filter((s) => s.rule.startsWith('G')).map((s) => [s.id, s.status])).toEqual([
      ['id-jag-typ', 'pass'],
      ['id-jag-claims', 'pass'],
      ['id-jag-client', 'pass'],
      ['resource', 'pass'],
    ]);
  });

  it.each<[string, Record<string, string>, string, RegExp]>([
    ['without client_id', {}, 'client_auth_required', /authenticate the client/],
    ['by another client', { client_id: 'other' }, 'id_jag_client_mismatch', /present the ID-JAG as client "agent"/],
  ])('%s: G3 fails with its fix', async (_name, extra, reason, fix) => {
    const r = await run({ assertion: await idJag(), use: 'id-jag', ...extra });
    expect(r.steps.find((s) => s.status === 'fail')).toMatchObject({ id: 'id-jag-client', rule: 'G3', reason, fix: expect.stringMatching(fix) });
  });
});
