/**
 * ID-JAG end to end on every demo (rules G1–G6): a test enterprise IdP issues an ID-JAG by RFC 8693 token
 * exchange (leg 1), our client presents it to the demo AS as a jwt-bearer grant with private_key_jwt
 * (leg 2), and an MCP-like resource checks the access token: `aud` is the resource, scope the intersection.
 * Every refusal of G1–G5 answers the error the draft (or RFC 8707) gives; replay is refused across two
 * instances sharing Redis.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { createLocalJWKSet, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { makeKey, type TestKey } from '../support/keys.js';
import { exchangeIdentityAssertion } from '@rfc7523/client';
import { JWT_BEARER_GRANT_TYPE, type Rfc7523Event } from '@rfc7523/core';
import { runDemo, type RunningDemo } from '@rfc7523/demo-kit';
import { startTestIdp, type IdJagFaults, type TestIdp } from '../support/idp/test-idp.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { targets, type ConformanceTarget } from './targets.js';
import { Clock, clientAssertion, clientAuth, ISSUER, mint, TOKEN_ENDPOINT } from './support/fixture.js';
import { expectOAuthError, postToken } from './support/http.js';

/** The MCP server's resource identifier (RFC 8707 §2, RFC 9728), and a second one the AS also serves. */
const MCP = 'https://mcp.conformance.test/mcp';
const MCP_2 = 'https://tools.conformance.test/mcp';
const PROFILE = 'urn:ietf:params:oauth:grant-profile:id-jag';

type Agent = TestKey;

const signer = (kid: string): Promise<Agent> => makeKey('ES256', kid, { jwkAlg: true });

/** An IdP, the agent's keys and a trust file trusting that IdP for ID-JAGs (jwks_uri over loopback http). */
interface Setup {
  idp: TestIdp;
  agent: Agent;
  other: Agent;
  plain: Agent;
  configPath: string;
  clock: Clock;
}

async function setUp(): Promise<Setup> {
  const clock = new Clock();
  const [agent, other, plain] = await Promise.all([signer('agent-1'), signer('other-1'), signer('plain-1')]);
  const idp = await startTestIdp({
    now: () => clock.ms,
    clients: [{ clientId: 'agent-at-idp', jwks: [agent.publicJwk], resourceClients: { [ISSUER]: 'agent' }, scope: 'tools:read tools:write' }],
  });
  const config = {
    clients: [
      { client_id: 'agent', jwks: { keys: [agent.publicJwk] }, grant_types: [JWT_BEARER_GRANT_TYPE], scope: 'tools:read tools:write admin' },
      { client_id: 'other-agent', jwks: { keys: [other.publicJwk] }, grant_types: [JWT_BEARER_GRANT_TYPE], scope: 'tools:read' },
    ],
    trusted_issuers: [
      // Keys by jwks_uri over loopback http, independent of OIDC discovery.
      idp.trustedIssuer({ discovery: undefined, jwks_uri: idp.jwksUri, scope: 'tools:read tools:write' }),
      { issuer: 'plain-signer', jwks: { keys: [plain.publicJwk] }, allow_any_subject: true, scope: 'tools:read' },
    ],
    resources: [MCP, MCP_2],
  };
  const dir = await mkdtemp(join(tmpdir(), 'rfc7523-id-jag-'));
  const configPath = join(dir, 'trust-config.json');
  await writeFile(configPath, JSON.stringify(config, null, 2));
  return { idp, agent, other, plain, configPath, clock };
}

function start(target: ConformanceTarget, s: Setup, extra: Record<string, string> = {}, onEvent?: (e: Rfc7523Event) => void): Promise<RunningDemo> {
  return runDemo({ PORT: '0', HOST: '127.0.0.1', ISSUER, AS_CONFIG: s.configPath, ...extra }, 0, target.build, {
    logEvents: false,
    overrides: { now: s.clock.now, ...(onEvent === undefined ? {} : { onEvent }) },
  });
}

/** The MCP-like protected resource: accepts a token of the demo AS whose aud is MCP; answers sub and scope. */
async function mcpResource(demo: RunningDemo, token: string, resource = MCP): Promise<JWTPayload> {
  const jwks = (await request(demo.url).get('/jwks')).body as { keys: JWK[] };
  const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), { issuer: ISSUER, audience: resource, typ: 'at+jwt' });
  return payload;
}

describe.each(targets)('ID-JAG on $name', (target) => {
  let s: Setup;
  let demo: RunningDemo;
  beforeAll(async () => {
    s = await setUp();
    demo = await start(target, s);
  });
  afterAll(async () => {
    await demo?.close();
    await s?.idp.close();
  });
  afterEach(() => {
    s.idp.faults = {};
  });

  const idToken = () => s.idp.mintIdToken({ subject: 'alice', clientId: 'agent-at-idp' });
  const idJag = (options: { resource?: string | string[]; scope?: string; faults?: IdJagFaults; clientId?: string } = {}) =>
    s.idp.mintIdJag({ subject: 'alice', audience: ISSUER, clientId: options.clientId ?? 'agent', resource: options.resource ?? MCP, scope: options.scope ?? 'tools:read', ...(options.faults === undefined ? {} : { faults: options.faults }) });
  /** Leg 2 by hand: the ID-JAG with private_key_jwt of `client` (null: none). */
  const present = async (assertion: string, extra: Record<string, string> = {}, client: 'agent' | 'other-agent' | null = 'agent') =>
    postToken(demo.url, {
      grant_type: JWT_BEARER_GRANT_TYPE,
      assertion,
      ...(client === null ? {} : clientAuth(await clientAssertion(client === 'agent' ? s.agent : s.other, client, s.clock))),
      ...extra,
    });

  it('both legs with our client: the access token is for the MCP resource, with the intersected scope, and no refresh token', async () => {
    const { token, idJag: leg1 } = await exchangeIdentityAssertion({
      idp: { issuer: s.idp.issuer, tokenEndpoint: s.idp.tokenEndpoint, clientId: 'agent-at-idp', key: s.agent.privateJwk },
      resourceServer: { issuer: ISSUER, tokenEndpoint: `${demo.url}/token`, clientId: 'agent', key: s.agent.privateJwk },
      subjectToken: await idToken(),
      resource: MCP,
      // admin: the client may have it at the AS, but the IdP's ceiling leaves it out of the ID-JAG.
      scope: 'tools:read admin',
      now: s.clock.now,
    });
    expect(leg1.scope).toBe('tools:read');
    expect(token.tokenType).toBe('Bearer');
    expect(token.scope).toBe('tools:read');
    expect(token.body.resource).toBe(MCP);
    expect(token.body).not.toHaveProperty('refresh_token');
    const claims = await mcpResource(demo, token.accessToken);
    expect(claims).toMatchObject({ sub: 'alice', client_id: 'agent', aud: MCP, scope: 'tools:read' });
    // The token is for the MCP server, not for the AS's own API.
    expect((await request(demo.url).get('/api/whoami').set('authorization', `Bearer ${token.accessToken}`)).status).toBe(401);
  });

  it('G5 no scope requested: the ID-JAG scope within the ceilings', async () => {
    const res = await present(await idJag({ scope: 'tools:read tools:write admin' }));
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('tools:read tools:write');
    expect((await mcpResource(demo, res.body.access_token as string)).scope).toBe('tools:read tools:write');
  });

  it('G4 a resource requested within the ID-JAG and the resources list is the aud', async () => {
    const res = await present(await idJag({ resource: [MCP, MCP_2] }), { resource: MCP_2 });
    expect(res.status).toBe(200);
    expect((await mcpResource(demo, res.body.access_token as string, MCP_2)).aud).toBe(MCP_2);
  });

  it('G4 two resource parameters (RFC 8707 §2) give an aud with both, whatever body parser the framework uses', async () => {
    const body = new URLSearchParams({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await idJag({ resource: [MCP, MCP_2] }), ...clientAuth(await clientAssertion(s.agent, 'agent', s.clock)) });
    body.append('resource', MCP);
    body.append('resource', MCP_2);
    const res = await postToken(demo.url, body.toString());
    expect(res.status).toBe(200);
    expect(res.body.resource).toEqual([MCP, MCP_2]);
    expect((await mcpResource(demo, res.body.access_token as string, MCP_2)).aud).toEqual([MCP, MCP_2]);
  });

  it('G6 metadata lists the ID-JAG grant profile and the jwt-bearer grant', async () => {
    const res = await request(demo.url).get('/.well-known/oauth-authorization-server');
    expect(res.body.authorization_grant_profiles_supported).toEqual([PROFILE]);
    expect(res.body.grant_types_supported).toContain(JWT_BEARER_GRANT_TYPE);
  });

  describe('refusals', () => {
    it.each<[string, IdJagFaults]>([
      ['G1 typ JWT', { typ: 'JWT' }],
      ['G1 no typ', { typ: null }],
      ['G2 no jti', { omit: ['jti'] }],
      ['G2 no client_id', { omit: ['client_id'] }],
      ['G2 no iat', { omit: ['iat'] }],
      ['G2 no exp', { omit: ['exp'] }],
      ['G2 no sub', { omit: ['sub'] }],
      ['G2 aud with a second value', { aud: [ISSUER, MCP] }],
      ['G2 aud the token endpoint URL', { aud: TOKEN_ENDPOINT }],
      ['G2 expired', { claims: { exp: 1, iat: 0 } }],
      ['G2 signed by a key the IdP does not publish', { unknownKey: true }],
      ['G3 client_id of another client', { clientId: 'other-agent' }],
      ['D1 cnf.jkt with no DPoP proof', { claims: { cnf: { jkt: 'c2lnbmVkLWJ5LWEta2V5LW5vLW9uZS1oYXM' } } }],
    ])('%s: 400 invalid_grant', async (_, faults) => {
      expectOAuthError(await present(await idJag({ faults })), 400, 'invalid_grant');
    });

    it('G1 oauth-id-jag+jwt from an issuer without id_jag: 400 invalid_grant', async () => {
      const token = await mint(s.plain, s.clock, { iss: 'plain-signer', sub: 'alice', aud: ISSUER, client_id: 'agent' }, { header: { typ: 'oauth-id-jag+jwt' } });
      expectOAuthError(await present(token), 400, 'invalid_grant');
    });

    it('G1 oauth-id-jag+jwt as a client assertion: 401 invalid_client', async () => {
      const assertion = await clientAssertion(s.agent, 'agent', s.clock, { header: { typ: 'oauth-id-jag+jwt' } });
      expectOAuthError(await postToken(demo.url, { grant_type: JWT_BEARER_GRANT_TYPE, assertion: await idJag(), ...clientAuth(assertion) }), 401, 'invalid_client');
    });

    it('G3 no client authentication: 401 invalid_client', async () => {
      expectOAuthError(await present(await idJag(), {}, null), 401, 'invalid_client');
    });

    it('G3 presented by another authenticated client: 400 invalid_grant', async () => {
      expectOAuthError(await present(await idJag(), {}, 'other-agent'), 400, 'invalid_grant');
    });

    it('G2 a second use of one ID-JAG: 400 invalid_grant', async () => {
      const token = await idJag();
      expect((await present(token)).status).toBe(200);
      expectOAuthError(await present(token), 400, 'invalid_grant');
    });

    it('G4 a requested resource outside the resources list: 400 invalid_target', async () => {
      expectOAuthError(await present(await idJag(), { resource: 'https://elsewhere.conformance.test/mcp' }), 400, 'invalid_target');
    });

    it("G4 a requested resource absent from the ID-JAG's: 400 invalid_target", async () => {
      expectOAuthError(await present(await idJag({ resource: MCP }), { resource: MCP_2 }), 400, 'invalid_target');
    });

    it('G4 an ID-JAG for a resource this AS does not serve: 400 invalid_grant', async () => {
      expectOAuthError(await present(await idJag({ resource: 'https://elsewhere.conformance.test/mcp' })), 400, 'invalid_grant');
    });

    it('G5 nothing left of the requested scope: 400 invalid_scope', async () => {
      expectOAuthError(await present(await idJag({ scope: 'tools:read' }), { scope: 'tools:write' }), 400, 'invalid_scope');
    });
  });
});

describe.each(targets)('ID-JAG replay across two $name instances sharing one Redis', (target) => {
  let s: Setup;
  let redis: RedisServer;
  let instances: RunningDemo[];
  const outages: Rfc7523Event[] = [];

  beforeAll(async () => {
    s = await setUp();
    redis = await startRedisServer();
    const onEvent = (event: Rfc7523Event) => void (event.type === 'replay_store.unavailable' && outages.push(event));
    instances = await Promise.all([0, 1].map(() => start(target, s, { REDIS_URL: redis.url }, onEvent)));
  });
  afterAll(async () => {
    await Promise.all((instances ?? []).map((i) => i.close()));
    await redis?.stop();
    await s?.idp.close();
  });

  it('an ID-JAG used on one instance is refused on the other (invalid_grant)', async () => {
    // Redis expires entries on its own clock: the ID-JAG is minted at the real time.
    s.clock.ms = Date.now();
    const token = await s.idp.mintIdJag({ subject: 'alice', audience: ISSUER, clientId: 'agent', resource: MCP, scope: 'tools:read' });
    const present = async (url: string) =>
      postToken(url, { grant_type: JWT_BEARER_GRANT_TYPE, assertion: token, ...clientAuth(await clientAssertion(s.agent, 'agent', s.clock)) });
    expect((await present(instances[0]!.url)).status).toBe(200);
    expectOAuthError(await present(instances[1]!.url), 400, 'invalid_grant');
    expect(outages).toEqual([]);
  });

  it('of 10 concurrent uses of one ID-JAG on both instances, exactly one succeeds', async () => {
    s.clock.ms = Date.now();
    const token = await s.idp.mintIdJag({ subject: 'alice', audience: ISSUER, clientId: 'agent', resource: MCP, scope: 'tools:read' });
    const results = await Promise.all(
      Array.from({ length: 10 }, async (_, i) =>
        postToken(instances[i % 2]!.url, { grant_type: JWT_BEARER_GRANT_TYPE, assertion: token, ...clientAuth(await clientAssertion(s.agent, 'agent', s.clock)) }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) expectOAuthError(r, 400, 'invalid_grant');
  });
});
