import { createAuthorizationServer, parseTrustConfig, type AuthorizationServer, type Rfc7523Event } from '@rfc7523/core';
import { GitHubActionsIssuer, GitLabIssuer, KubernetesIssuer, REMOTE_HTTP_JWKS_URI } from '../../../../test/support/platforms/index.js';
import { frozenClock, ISSUER, jwks, jwtBearer, makeKey, payloadOf } from '../support/fixtures.js';

const clock = frozenClock(Date.now());
const OWNER_ID = '123456';
let github: GitHubActionsIssuer;
let gitlab: GitLabIssuer;
let kube: KubernetesIssuer;

beforeAll(async () => {
  [github, gitlab, kube] = await Promise.all([GitHubActionsIssuer.start({ now: clock.now }), GitLabIssuer.start({ now: clock.now }), KubernetesIssuer.start({ now: clock.now })]);
});
afterAll(async () => {
  await Promise.all([github.close(), gitlab.close(), kube.close()]);
});

async function serverWith(trustedIssuers: unknown[], events: Rfc7523Event[] = [], extra: Record<string, unknown> = {}): Promise<AuthorizationServer> {
  const config = parseTrustConfig({ trusted_issuers: trustedIssuers, ...extra }, 'trust.json');
  return createAuthorizationServer({
    issuer: ISSUER,
    now: clock.now,
    clients: config.clients,
    trustedIssuers: config.trustedIssuers,
    onEvent: (e) => events.push(e),
    jwksFetch: { timeout: 2000, cooldown: 0, cacheMaxAge: 600_000, maxBytes: 65_536 },
  });
}

const lastRejection = (events: Rfc7523Event[]) => events.filter((e) => e.type === 'assertion.rejected').at(-1);
const refusal = (server: AuthorizationServer, token: string) => server.exchange(jwtBearer(token)).then(() => undefined, (err: unknown) => err as { error: string; status: number; reason: string });
const githubEntry = (extra: Record<string, unknown> = {}) => ({
  issuer: github.issuer,
  discovery: true,
  claim_conditions: [`claims.repository_owner_id == '${OWNER_ID}'`, "claims.ref == 'refs/heads/main'"],
  scope: 'deploy',
  ...extra,
});

describe('claim conditions (rule W2)', () => {
  it('accepts a token whose claims meet every condition and refuses the same repository name under another owner id', async () => {
    const events: Rfc7523Event[] = [];
    const server = await serverWith([githubEntry()], events);
    const body = await server.exchange(jwtBearer(await github.mint({ audience: ISSUER })));
    expect(payloadOf(body.access_token)).toMatchObject({ sub: 'repo:octo-org/octo-repo:ref:refs/heads/main', scope: 'deploy' });

    const other = await github.mint({ audience: ISSUER, repositoryOwnerId: '999999' });
    expect(await refusal(server, other)).toMatchObject({ error: 'invalid_grant', status: 400, reason: 'claim_condition_failed' });
    expect(lastRejection(events)).toMatchObject({ type: 'assertion.rejected', reason: 'claim_condition_failed', condition: 0 });
    const feature = await github.mint({ audience: ISSUER, ref: 'refs/heads/feature' });
    await refusal(server, feature);
    expect(lastRejection(events)).toMatchObject({ reason: 'claim_condition_failed', condition: 1 });
  });

  it('refuses (never fails open, never a 500) when a condition cannot be evaluated: an absent claim', async () => {
    const events: Rfc7523Event[] = [];
    const server = await serverWith([githubEntry({ claim_conditions: [`claims.repository_owner_id == '${OWNER_ID}'`, "claims.environment == 'prod'"] })], events);
    expect(await refusal(server, await github.mint({ audience: ISSUER }))).toMatchObject({ error: 'invalid_grant', reason: 'claim_condition_failed' });
    expect(events.find((e) => e.type === 'assertion.rejected')).toMatchObject({ condition: 1, detail: expect.stringContaining('could not be evaluated') });
    expect(await server.exchange(jwtBearer(await github.mint({ audience: ISSUER, environment: 'prod' })))).toHaveProperty('access_token');
  });

  it('refuses a condition that returns a non-boolean, and leaves a refused assertion unused', async () => {
    const server = await serverWith([githubEntry({ claim_conditions: [`claims.repository_owner_id == '${OWNER_ID}'`, 'claims.ref'] })]);
    expect(await refusal(server, await github.mint({ audience: ISSUER }))).toMatchObject({ reason: 'claim_condition_failed' });
  });

  it('stops start-up naming the expression and the position of a bad one', () => {
    const parse = (conditions: unknown) => () => parseTrustConfig({ trusted_issuers: [githubEntry({ claim_conditions: conditions })] }, 'trust.json');
    expect(parse(["claims.ref == 'x'", "claims.ref == 'refs/heads/main' &&"])).toThrow(/trusted_issuers\[0\]\.claim_conditions\[1\]" is not valid CEL at character \d+/);
    expect(parse(["claims.x + 1 == 'a'"])).toThrow(/claim_conditions\[0\]" does not type-check/);
    expect(parse(["foo == 'x'"])).toThrow(/claim_conditions\[0\]" does not type-check/);
    expect(parse(["'a' + claims.ref"])).toThrow(/claim_conditions\[0\]" must return a bool, not string/);
    expect(parse(["claims.ref.matches('^(a+)+$')"])).toThrow(/matches\(\), which is refused.*ReDoS/);
    expect(parse([`claims.ref == '${'x'.repeat(1100)}'`])).toThrow(/longer than 1024 characters/);
    expect(parse([Array(150).fill('1').join('+') + '==1'])).toThrow(/claim_conditions\[0\]" is not valid CEL/);
    expect(parse([])).toThrow(/claim_conditions" must be a non-empty array/);
  });

  it('needs subjects, conditions or allow_any_subject, and never both subjects and allow_any_subject', () => {
    const parse = (entry: Record<string, unknown>) => () => parseTrustConfig({ trusted_issuers: [{ issuer: github.issuer, jwks_uri: github.jwksUri, ...entry }] }, 'trust.json');
    expect(parse({})).toThrow(/at least one of "subjects", "claim_conditions" and "allow_any_subject"/);
    expect(parse({ subjects: ['a'], allow_any_subject: true })).toThrow(/must not have both "subjects" and "allow_any_subject"/);
    expect(parse({ subjects: ['a'], claim_conditions: ["claims.ref == 'x'"] })).not.toThrow();
  });
});

describe('discovery (rule W1)', () => {
  it('finds the keys through the discovery document and follows a key rotation', async () => {
    const server = await serverWith([githubEntry()]);
    await server.exchange(jwtBearer(await github.mint({ audience: ISSUER })));
    expect(github.requests).toEqual(expect.arrayContaining(['GET /.well-known/openid-configuration', 'GET /.well-known/jwks']));
    await github.publishNextKey();
    await github.rotate();
    const rotated = await github.mint({ audience: ISSUER });
    expect(await server.exchange(jwtBearer(rotated))).toHaveProperty('access_token');
  });

  it('trusts no key when the document names another issuer: 503 temporarily_unavailable and an event naming the cause', async () => {
    const events: Rfc7523Event[] = [];
    const server = await serverWith([githubEntry()], events);
    github.discoveryOverrides = { issuer: 'https://elsewhere.example' };
    try {
      expect(await refusal(server, await github.mint({ audience: ISSUER }))).toMatchObject({ error: 'temporarily_unavailable', status: 503, reason: 'jwks_unavailable' });
      expect(events).toContainEqual(expect.objectContaining({ type: 'keys.fetch_failed', reason: expect.stringContaining('names issuer "https://elsewhere.example"') }));
      expect(events).toContainEqual(expect.objectContaining({ type: 'assertion.rejected', reason: 'jwks_unavailable', detail: expect.stringContaining('elsewhere.example') }));
    } finally {
      github.discoveryOverrides = {};
    }
  });

  it('never requests a jwks_uri over http to a remote host', async () => {
    const events: Rfc7523Event[] = [];
    const server = await serverWith([githubEntry()], events);
    github.discoveryOverrides = { jwks_uri: REMOTE_HTTP_JWKS_URI };
    const fetched: string[] = [];
    const realFetch = globalThis.fetch;
    globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) => {
      fetched.push(String(input));
      return realFetch(input, init);
    }) as typeof fetch;
    try {
      expect(await refusal(server, await github.mint({ audience: ISSUER }))).toMatchObject({ status: 503, reason: 'jwks_unavailable' });
      expect(fetched).toEqual([`${github.issuer}/.well-known/openid-configuration`]);
      expect(events).toContainEqual(expect.objectContaining({ type: 'keys.fetch_failed', reason: expect.stringContaining('is not https') }));
    } finally {
      globalThis.fetch = realFetch;
      github.discoveryOverrides = {};
    }
  });

  it('keeps keys already trusted until their freshness runs out, then refuses while the provider is down', async () => {
    const server = await serverWith([githubEntry()]);
    await server.exchange(jwtBearer(await github.mint({ audience: ISSUER })));
    github.failWith = 503;
    try {
      expect(await server.exchange(jwtBearer(await github.mint({ audience: ISSUER })))).toHaveProperty('access_token');
      clock.advance(601);
      // Stale: served once more while the background refresh fails, then no key of the issuer is trusted.
      await server.exchange(jwtBearer(await github.mint({ audience: ISSUER }))).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 200));
      expect(await refusal(server, await github.mint({ audience: ISSUER }))).toMatchObject({ status: 503, reason: 'jwks_unavailable' });
    } finally {
      github.failWith = undefined;
    }
  });

  it('refuses discovery for an issuer that is not an https URL', () => {
    expect(() => parseTrustConfig({ trusted_issuers: [{ issuer: 'http://ci.example.com', discovery: true, allow_any_subject: true }] }, 'trust.json')).toThrow(
      /trusted_issuers\[0\]\.issuer" must be an https URL/,
    );
    expect(() => parseTrustConfig({ trusted_issuers: [{ issuer: github.issuer, discovery: true, jwks_uri: github.jwksUri, allow_any_subject: true }] }, 'trust.json')).toThrow(
      /exactly one of "jwks", "jwks_uri" and "discovery": true/,
    );
  });
});

describe('audiences, reuse and subject mapping (rules W3–W5)', () => {
  it('audiences replace the J3 rule: the platform audience is accepted, this server alone is not', async () => {
    const server = await serverWith([githubEntry({ audiences: ['https://github.com/octo-org'] })]);
    expect(await server.exchange(jwtBearer(await github.mint()))).toHaveProperty('access_token');
    expect(await refusal(server, await github.mint({ audience: ISSUER }))).toMatchObject({ reason: 'aud_mismatch' });
  });

  it('W3 accepts an aud array naming one of the audiences among others, and says why when it names none', async () => {
    const server = await serverWith([githubEntry({ audiences: ['https://github.com/octo-org'] })]);
    const both = await github.mint({ claims: { aud: [ISSUER, 'https://github.com/octo-org'] } });
    expect(await server.exchange(jwtBearer(both))).toHaveProperty('access_token');
    expect(await refusal(server, await github.mint({ audience: ISSUER }))).toMatchObject({ reason: 'aud_mismatch', detail: "aud names none of the issuer's audiences" });
  });

  it('W5 refuses, as sub_invalid naming the cause, a subject_mapping that cannot be evaluated for this token', async () => {
    const server = await serverWith([githubEntry({ subject_mapping: "'gha:' + claims.environment" })]);
    const err = await refusal(server, await github.mint({ audience: ISSUER }));
    expect(err).toMatchObject({ error: 'invalid_grant', reason: 'sub_invalid' });
    expect((err as unknown as { detail: string }).detail).toMatch(/^subject_mapping could not be evaluated \(/);
  });

  it('a Kubernetes token works twice with one_time_use false (preset), and the token never outlives it', async () => {
    const server = await serverWith([{ preset: 'kubernetes', issuer: kube.issuer, audiences: ['https://as.example'], claim_conditions: ["claims['kubernetes.io'].namespace == 'payments'"], scope: 'payments' }]);
    const token = await kube.mint({ expirationSeconds: 120 });
    const first = await server.exchange(jwtBearer(token));
    const second = await server.exchange(jwtBearer(token));
    expect(payloadOf(second.access_token)).toMatchObject({ sub: 'system:serviceaccount:payments:api' });
    expect(payloadOf(first.access_token).exp).toBeLessThanOrEqual(payloadOf(token).exp as number);
    expect(await refusal(server, await kube.mint({ namespace: 'other' }))).toMatchObject({ reason: 'claim_condition_failed' });
  });

  it('one-time use stays the default: the same GitHub token twice is a replay', async () => {
    const server = await serverWith([githubEntry()]);
    const token = await github.mint({ audience: ISSUER });
    await server.exchange(jwtBearer(token));
    expect(await refusal(server, token)).toMatchObject({ reason: 'jti_replayed' });
  });

  it('subject_mapping gives the access token its sub, checked like a sub', async () => {
    const server = await serverWith(
      [githubEntry({ subject_mapping: "'gha:' + claims.repository + ':' + claims.ref" }), { issuer: kube.issuer, jwks_uri: kube.jwksUri, require_jti: false, allow_any_subject: true, audiences: ['https://as.example'], subject_mapping: "claims['kubernetes.io'].namespace" }],
      [],
      { clients: [{ client_id: 'payments', jwks: jwks(await makeKey('ES256', 'p1')) }] },
    );
    const s = server;
    const body = await s.exchange(jwtBearer(await github.mint({ audience: ISSUER })));
    expect(payloadOf(body.access_token).sub).toBe('gha:octo-org/octo-repo:refs/heads/main');
    // The mapped subject equals a registered client_id: refused (RFC 9068 §5).
    expect(await refusal(s, await kube.mint())).toMatchObject({ reason: 'sub_invalid' });
  });

  it('refuses a mapping that cannot be evaluated or does not return a string', () => {
    expect(() => parseTrustConfig({ trusted_issuers: [githubEntry({ subject_mapping: "claims.ref == 'x'" })] }, 'trust.json')).toThrow(/subject_mapping" must return a string, not bool/);
  });
});

describe('presets (rule W6)', () => {
  it('github-actions fills issuer and discovery, and demands an immutable id in the conditions', () => {
    const [entry] = parseTrustConfig({ trusted_issuers: [{ preset: 'github-actions', claim_conditions: ["claims.repository_id == '456789'"] }] }, 'trust.json').trustedIssuers;
    expect(entry).toMatchObject({ issuer: 'https://token.actions.githubusercontent.com', discovery: true });
    expect(() => parseTrustConfig({ trusted_issuers: [{ preset: 'github-actions', claim_conditions: ["claims.repository == 'octo-org/octo-repo'"] }] }, 'trust.json')).toThrow(
      /trusted_issuers\[0\]\.claim_conditions" must compare claims\.repository_owner_id or claims\.repository_id with a literal .* for issuer https:\/\/token\.actions\.githubusercontent\.com: .*rename/,
    );
    expect(() => parseTrustConfig({ trusted_issuers: [{ preset: 'github-actions', allow_any_subject: true }] }, 'trust.json')).toThrow(/must compare claims\.repository_owner_id/);
    // GitHub Enterprise Server: its own issuer, not shared with the world.
    expect(() => parseTrustConfig({ trusted_issuers: [{ preset: 'github-actions', issuer: 'https://ghe.example.com/_services/token', allow_any_subject: true }] }, 'trust.json')).not.toThrow();
  });

  // Reads that do not make a condition false for every other owner or repository: refused.
  it.each([
    'has(claims.repository_owner_id) || true',
    "claims.repository_owner_id == '1' || claims.ref == 'refs/heads/main'",
    "!(claims.repository_owner_id == '1')",
    'claims.repository_owner_id == claims.actor_id',
    "claims.repository_id != '456789'",
    'claims.repository_id in []',
    "claims.repository_id in [claims.ref]",
    "claims.repository_id == null",
    "[1].exists(claims, claims == 1) && claims.repository == 'o/r'",
  ])('github-actions refuses a condition that reads the ids without pinning them: %s', (condition) => {
    expect(() => parseTrustConfig({ trusted_issuers: [{ preset: 'github-actions', claim_conditions: [condition] }] }, 'trust.json')).toThrow(/must compare claims\.repository_owner_id or claims\.repository_id with a literal/);
  });

  it.each([
    "claims.repository_owner_id == '1'",
    "'456789' == claims.repository_id",
    "claims.ref == 'refs/heads/main' && (claims.environment == 'prod' && claims['repository_id'] in ['1', '2'])",
    'claims.repository_owner_id == 123',
  ])('github-actions accepts an id pinned to literals: %s', (condition) => {
    expect(() => parseTrustConfig({ trusted_issuers: [{ preset: 'github-actions', claim_conditions: [condition] }] }, 'trust.json')).not.toThrow();
  });

  it('holds the shared issuer to the rule without the preset too', () => {
    const entry = { issuer: 'https://token.actions.githubusercontent.com', jwks_uri: 'https://token.actions.githubusercontent.com/.well-known/jwks', claim_conditions: ["claims.repository == 'o/r'"] };
    expect(() => parseTrustConfig({ trusted_issuers: [entry] }, 'trust.json')).toThrow(/must compare claims\.repository_owner_id/);
    expect(() => parseTrustConfig({ trusted_issuers: [{ ...entry, issuer: 'https://gitlab.com', claim_conditions: ["claims.project_path == 'a/b'"] }] }, 'trust.json')).toThrow(/must compare claims\.namespace_id or claims\.project_id/);
  });

  it('gitlab demands namespace_id or project_id; kubernetes demands an issuer', () => {
    expect(parseTrustConfig({ trusted_issuers: [{ preset: 'gitlab', claim_conditions: ["claims.project_id == '42'"] }] }, 'trust.json').trustedIssuers[0]).toMatchObject({ issuer: 'https://gitlab.com', discovery: true });
    expect(() => parseTrustConfig({ trusted_issuers: [{ preset: 'gitlab', claim_conditions: ["claims.project_path == 'a/b'"] }] }, 'trust.json')).toThrow(/claims\.namespace_id or claims\.project_id/);
    expect(() => parseTrustConfig({ trusted_issuers: [{ preset: 'kubernetes', allow_any_subject: true }] }, 'trust.json')).toThrow(/trusted_issuers\[0\]\.issuer" is required with preset "kubernetes"/);
    expect(() => parseTrustConfig({ trusted_issuers: [{ preset: 'jenkins', allow_any_subject: true }] }, 'trust.json')).toThrow(/preset" must be one of/);
    expect(parseTrustConfig({ trusted_issuers: [{ preset: 'kubernetes', issuer: 'https://k8s.example', allow_any_subject: true, one_time_use: true }] }, 'trust.json').trustedIssuers[0]).toMatchObject({ discovery: true, one_time_use: true, require_jti: false });
  });

  it('a GitLab token through the gitlab preset with an overridden issuer', async () => {
    const server = await serverWith([{ preset: 'gitlab', issuer: gitlab.issuer, audiences: [ISSUER], claim_conditions: ["claims.project_id == '" + String((gitlab.claimsFor() as { project_id: string }).project_id) + "'"] }]);
    expect(await server.exchange(jwtBearer(await gitlab.mint({ audience: ISSUER })))).toHaveProperty('access_token');
    expect(await refusal(server, await gitlab.mint({ audience: ISSUER, projectId: '1' }))).toMatchObject({ reason: 'claim_condition_failed' });
  });
});
