import { randomUUID } from 'node:crypto';
import {
  createAuthorizationServer,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  JWT_BEARER_GRANT_TYPE,
  parseTrustConfig,
  type AuthorizationServer,
  type PlainRequest,
  type Rfc7523Event,
} from '@rfc7523/core';
import { calculateJwkThumbprint, type JWTPayload } from 'jose';
import { mintProof, proofKey } from '../dpop/proofs.js';
import { clientClaims, formRequest, frozenClock, ISSUER, jwks, makeKey, payloadOf, sign, TOKEN_ENDPOINT, type TestKey } from '../support/fixtures.js';

// Rules G1–G6 (draft-ietf-oauth-identity-assertion-authz-grant -04 §3.1, §4.4, §7.2) against the engine.
const IDP = 'https://idp.example.com';
const MCP = 'https://mcp.example.com/mcp';
const OTHER_MCP = 'https://other.example.com/mcp';
const ID_JAG_TYP = 'oauth-id-jag+jwt';

const clock = frozenClock();
const events: Rfc7523Event[] = [];
let server: AuthorizationServer;
let idpKey: TestKey;
let plainKey: TestKey;
let agentKey: TestKey;
let otherKey: TestKey;

beforeAll(async () => {
  [idpKey, plainKey, agentKey, otherKey] = await Promise.all([makeKey('ES256', 'idp-1'), makeKey('ES256', 'ci-1'), makeKey('ES256', 'agent-1'), makeKey('ES256', 'other-1')]);
  server = await createAuthorizationServer({
    issuer: ISSUER,
    now: clock.now,
    onEvent: (e) => events.push(e),
    resources: [MCP, OTHER_MCP],
    clients: [
      { client_id: 'agent', jwks: jwks(agentKey), grant_types: [JWT_BEARER_GRANT_TYPE], scope: 'tools:read tools:write admin' },
      { client_id: 'other-agent', jwks: jwks(otherKey), grant_types: [JWT_BEARER_GRANT_TYPE], scope: 'tools:read' },
    ],
    trustedIssuers: [
      { issuer: IDP, jwks: jwks(idpKey), allow_any_subject: true, id_jag: true, scope: 'tools:read tools:write' },
      { issuer: 'ci', jwks: jwks(plainKey), allow_any_subject: true, scope: 'tools:read' },
    ],
  });
});

/** Claims of a valid ID-JAG for alice, presented by `agent`. */
function idJagClaims(extra: JWTPayload = {}): JWTPayload {
  const now = clock.seconds();
  return { iss: IDP, sub: 'alice', aud: ISSUER, client_id: 'agent', jti: randomUUID(), iat: now, exp: now + 300, resource: MCP, scope: 'tools:read tools:write', ...extra };
}

function idJag(extra: JWTPayload = {}, omit: string[] = [], header: Record<string, unknown> = { typ: ID_JAG_TYP }): Promise<string> {
  const claims = idJagClaims(extra);
  for (const name of omit) delete claims[name];
  return sign(idpKey, claims, header);
}

async function request(assertion: string, extra: Record<string, string | undefined> = {}, client: string | null = 'agent'): Promise<PlainRequest> {
  const auth = client === null ? {} : { client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: await sign(client === 'agent' ? agentKey : otherKey, clientClaims(clock, client)) };
  return formRequest({ grant_type: JWT_BEARER_GRANT_TYPE, assertion, ...auth, ...extra });
}

interface Refusal {
  error: string;
  status: number;
  reason: string;
  claim?: string;
}
const refusal = (req: PlainRequest): Promise<Refusal> =>
  server.exchange(req).then(
    () => {
      throw new Error('expected a refusal');
    },
    (err: Refusal) => ({ error: err.error, status: err.status, reason: err.reason, ...(err.claim === undefined ? {} : { claim: err.claim }) }),
  );

describe('G1 typ', () => {
  it('accepts oauth-id-jag+jwt from an id_jag issuer, in any letter case, with or without application/', async () => {
    for (const typ of [ID_JAG_TYP, 'application/OAuth-ID-JAG+JWT']) {
      const body = await server.exchange(await request(await idJag({}, [], { typ })));
      expect(body.token_type).toBe('Bearer');
    }
  });

  it.each([['JWT'], ['at+jwt'], [undefined]])('refuses typ %p from an id_jag issuer: invalid_grant', async (typ) => {
    const header = typ === undefined ? {} : { typ };
    const expected = typ === 'at+jwt' ? { reason: 'typ_not_allowed' } : { reason: 'id_jag_typ_required' };
    expect(await refusal(await request(await idJag({}, [], header)))).toEqual({ error: 'invalid_grant', status: 400, claim: 'typ', ...expected });
  });

  it('refuses oauth-id-jag+jwt from an issuer without id_jag (rule J12 stays)', async () => {
    const token = await sign(plainKey, { iss: 'ci', sub: 'alice', aud: ISSUER, jti: randomUUID(), iat: clock.seconds(), exp: clock.seconds() + 60 }, { typ: ID_JAG_TYP });
    expect(await refusal(await request(token))).toEqual({ error: 'invalid_grant', status: 400, reason: 'id_jag_issuer_required', claim: 'typ' });
  });

  it('refuses oauth-id-jag+jwt as a client assertion: invalid_client', async () => {
    const assertion = await sign(agentKey, clientClaims(clock, 'agent'), { typ: ID_JAG_TYP });
    const req = formRequest({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await idJag(), client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: assertion });
    expect(await refusal(req)).toEqual({ error: 'invalid_client', status: 401, reason: 'typ_not_allowed', claim: 'typ' });
  });
});

describe('G2 required claims, aud, one-time jti', () => {
  it.each([
    ['sub', 'missing_claim'],
    ['aud', 'missing_claim'],
    ['client_id', 'missing_claim'],
    ['jti', 'missing_jti'],
    ['exp', 'missing_claim'],
    ['iat', 'missing_claim'],
  ])('refuses an ID-JAG without %s: invalid_grant', async (claim, reason) => {
    expect(await refusal(await request(await idJag({}, [claim])))).toMatchObject({ error: 'invalid_grant', status: 400, reason });
  });

  it('refuses an ID-JAG without iss: invalid_grant', async () => {
    expect(await refusal(await request(await idJag({}, ['iss'])))).toEqual({ error: 'invalid_grant', status: 400, reason: 'missing_claim', claim: 'iss' });
  });

  it('accepts aud as a one-element array (draft §4.4.1)', async () => {
    expect((await server.exchange(await request(await idJag({ aud: [ISSUER] })))).access_token).toBeDefined();
  });

  it.each([
    ['the token endpoint URL', TOKEN_ENDPOINT],
    ['an array of the issuer and another', [ISSUER, MCP]],
    ['an array of the issuer and the token endpoint', [ISSUER, TOKEN_ENDPOINT]],
    ['the issuer with a trailing slash', `${ISSUER}/`],
  ])('refuses aud %s (audience injection)', async (_, aud) => {
    expect(await refusal(await request(await idJag({ aud })))).toEqual({ error: 'invalid_grant', status: 400, reason: 'aud_mismatch', claim: 'aud' });
  });

  it('refuses a second use of the same ID-JAG (one-time jti), even by the same client', async () => {
    const token = await idJag();
    await server.exchange(await request(token));
    expect(await refusal(await request(token))).toEqual({ error: 'invalid_grant', status: 400, reason: 'jti_replayed', claim: 'jti' });
  });

  it('a refused ID-JAG is not used up: after a resource typo it still works once', async () => {
    const token = await idJag();
    expect((await refusal(await request(token, { resource: 'https://typo.example.com/mcp' }))).error).toBe('invalid_target');
    expect((await server.exchange(await request(token, { resource: MCP }))).access_token).toBeDefined();
  });

  it.each([['authorization_details', [{ type: 'x' }]], ['cnf', { 'x5t#S256': 'abc' }], ['cnf', { jkt: 'abc', kid: 'k' }]])('refuses %s %p, which it does not process (fail closed)', async (claim, value) => {
    expect(await refusal(await request(await idJag({ [claim]: value })))).toEqual({ error: 'invalid_grant', status: 400, reason: 'claim_not_supported', claim });
  });

  it('refuses an expired ID-JAG', async () => {
    const now = clock.seconds();
    expect(await refusal(await request(await idJag({ iat: now - 700, exp: now - 60 })))).toMatchObject({ error: 'invalid_grant', reason: 'expired' });
  });
});

describe('D1 an ID-JAG bound to a key (cnf.jkt, draft §9.8.1.2)', () => {
  it('needs a DPoP proof with that thumbprint, and binds the access token to the same key', async () => {
    const key = await proofKey('ES256');
    const jkt = await calculateJwkThumbprint(key.publicJwk);
    const req = await request(await idJag({ cnf: { jkt } }));
    const body = await server.exchange({ ...req, headers: { ...req.headers, dpop: await mintProof(key, clock) } });
    expect(body.token_type).toBe('DPoP');
    expect(payloadOf(body.access_token).cnf).toEqual({ jkt });
  });

  it('no proof is invalid_grant (dpop_missing), and the ID-JAG is not used up', async () => {
    const key = await proofKey('ES256');
    const token = await idJag({ cnf: { jkt: await calculateJwkThumbprint(key.publicJwk) } });
    expect(await refusal(await request(token))).toEqual({ error: 'invalid_grant', status: 400, reason: 'dpop_missing', claim: 'cnf' });
    const req = await request(token);
    expect((await server.exchange({ ...req, headers: { ...req.headers, dpop: await mintProof(key, clock) } })).token_type).toBe('DPoP');
  });

  it('a valid proof with another key is invalid_grant (dpop_jkt_mismatch)', async () => {
    const [key, other] = await Promise.all([proofKey('ES256'), proofKey('ES256')]);
    const req = await request(await idJag({ cnf: { jkt: await calculateJwkThumbprint(key.publicJwk) } }));
    expect(await refusal({ ...req, headers: { ...req.headers, dpop: await mintProof(other, clock) } })).toEqual({ error: 'invalid_grant', status: 400, reason: 'dpop_jkt_mismatch', claim: 'cnf' });
  });
});

describe('D1 a plain grant bound to a key (cnf.jkt from a trusted issuer that is not an ID-JAG issuer)', () => {
  const plainGrant = (extra: JWTPayload) => sign(plainKey, { iss: 'ci', sub: 'job', aud: ISSUER, jti: randomUUID(), iat: clock.seconds(), exp: clock.seconds() + 60, ...extra });

  it('is held to the binding as an ID-JAG is: no proof is dpop_missing and does not use the grant up; the right proof binds the token', async () => {
    const key = await proofKey('ES256');
    const jkt = await calculateJwkThumbprint(key.publicJwk);
    const token = await plainGrant({ cnf: { jkt } });
    expect(await refusal(await request(token, {}, null))).toEqual({ error: 'invalid_grant', status: 400, reason: 'dpop_missing', claim: 'cnf' });
    const req = await request(token, {}, null);
    const body = await server.exchange({ ...req, headers: { ...req.headers, dpop: await mintProof(key, clock) } });
    expect(body.token_type).toBe('DPoP');
    expect(payloadOf(body.access_token).cnf).toEqual({ jkt });
  });

  it('a proof with another key is dpop_jkt_mismatch; a confirmation method other than jkt is refused, not ignored', async () => {
    const [key, other] = await Promise.all([proofKey('ES256'), proofKey('ES256')]);
    const req = await request(await plainGrant({ cnf: { jkt: await calculateJwkThumbprint(key.publicJwk) } }), {}, null);
    expect(await refusal({ ...req, headers: { ...req.headers, dpop: await mintProof(other, clock) } })).toMatchObject({ reason: 'dpop_jkt_mismatch', claim: 'cnf' });
    expect(await refusal(await request(await plainGrant({ cnf: { 'x5t#S256': 'abc' } }), {}, null))).toEqual({ error: 'invalid_grant', status: 400, reason: 'claim_not_supported', claim: 'cnf' });
  });
});

describe('G3 the presenting client', () => {
  it('refuses an ID-JAG without client authentication: invalid_client 401', async () => {
    expect(await refusal(await request(await idJag(), {}, null))).toEqual({ error: 'invalid_client', status: 401, reason: 'client_auth_required' });
  });

  it('refuses an ID-JAG whose client_id is another client: invalid_grant', async () => {
    expect(await refusal(await request(await idJag(), {}, 'other-agent'))).toEqual({ error: 'invalid_grant', status: 400, reason: 'id_jag_client_mismatch', claim: 'client_id' });
    expect(await refusal(await request(await idJag({ client_id: 'someone' })))).toMatchObject({ reason: 'id_jag_client_mismatch' });
  });

  it('a plain grant from another issuer still needs no client (rule J1 unchanged)', async () => {
    const token = await sign(plainKey, { iss: 'ci', sub: 'job', aud: ISSUER, jti: randomUUID(), iat: clock.seconds(), exp: clock.seconds() + 60 });
    expect((await server.exchange(await request(token, {}, null))).scope).toBe('tools:read');
  });
});

describe('G4 resource (RFC 8707)', () => {
  it("the access token's aud is the ID-JAG's resource, and the response names it", async () => {
    const body = await server.exchange(await request(await idJag()));
    expect(payloadOf(body.access_token).aud).toBe(MCP);
    expect(body.resource).toBe(MCP);
    expect(body.refresh_token).toBeUndefined();
  });

  it('a requested resource within the claim and the resources list is the aud', async () => {
    const body = await server.exchange(await request(await idJag({ resource: [MCP, OTHER_MCP] }), { resource: OTHER_MCP }));
    expect(payloadOf(body.access_token).aud).toBe(OTHER_MCP);
  });

  it('several resource parameters (RFC 8707 §2) give an aud array', async () => {
    const auth = { client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: await sign(agentKey, clientClaims(clock, 'agent')) };
    const body = new URLSearchParams({ grant_type: JWT_BEARER_GRANT_TYPE, assertion: await idJag({ resource: [MCP, OTHER_MCP] }), ...auth });
    body.append('resource', MCP);
    body.append('resource', OTHER_MCP);
    const response = await server.exchange(formRequest(body.toString()));
    expect(payloadOf(response.access_token).aud).toEqual([MCP, OTHER_MCP]);
    expect(response.resource).toEqual([MCP, OTHER_MCP]);
  });

  it('a framework body parser that gives resource as an array is read the same way', async () => {
    const auth = { client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: await sign(agentKey, clientClaims(clock, 'agent')) };
    const req: PlainRequest = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: { grant_type: JWT_BEARER_GRANT_TYPE, assertion: await idJag({ resource: [MCP, OTHER_MCP] }), ...auth, resource: [MCP, OTHER_MCP] },
    };
    expect(payloadOf((await server.exchange(req)).access_token).aud).toEqual([MCP, OTHER_MCP]);
  });

  it('other parameters still may not repeat (rule R3)', async () => {
    const req = formRequest(`grant_type=${encodeURIComponent(JWT_BEARER_GRANT_TYPE)}&assertion=a&assertion=b`);
    expect(await refusal(req)).toEqual({ error: 'invalid_request', status: 400, reason: 'repeated_parameter' });
  });

  it('a requested resource outside the resources list is invalid_target', async () => {
    expect(await refusal(await request(await idJag(), { resource: 'https://elsewhere.example.com/' }))).toEqual({ error: 'invalid_target', status: 400, reason: 'resource_not_allowed' });
  });

  it("a requested resource absent from the ID-JAG's resource claim is invalid_target", async () => {
    expect(await refusal(await request(await idJag({ resource: MCP }), { resource: OTHER_MCP }))).toEqual({ error: 'invalid_target', status: 400, reason: 'resource_not_allowed' });
  });

  it.each([['relative', '/mcp'], ['with a fragment', `${MCP}#x`], ['not a URI', 'mcp server']])('a resource parameter %s is invalid_target', async (_, resource) => {
    expect(await refusal(await request(await idJag(), { resource }))).toMatchObject({ error: 'invalid_target', reason: 'resource_not_allowed' });
  });

  it('an ID-JAG for a resource this server does not govern is invalid_grant', async () => {
    expect(await refusal(await request(await idJag({ resource: 'https://elsewhere.example.com/mcp' })))).toEqual({ error: 'invalid_grant', status: 400, reason: 'resource_not_governed', claim: 'resource' });
  });

  it.each([[42], [[]], [['/relative']]])('a malformed resource claim %p is invalid_grant', async (resource) => {
    expect(await refusal(await request(await idJag({ resource })))).toEqual({ error: 'invalid_grant', status: 400, reason: 'invalid_claim', claim: 'resource' });
  });

  it('no resource anywhere: the default audience (the issuer)', async () => {
    const body = await server.exchange(await request(await idJag({}, ['resource'])));
    expect(payloadOf(body.access_token).aud).toBe(ISSUER);
    expect(body.resource).toBeUndefined();
  });
});

describe('G5 scope', () => {
  it('grants requested ∩ the ID-JAG scope ∩ the ceilings, and says so in the response', async () => {
    const body = await server.exchange(await request(await idJag({ scope: 'tools:read' }), { scope: 'tools:read tools:write' }));
    expect(body.scope).toBe('tools:read');
    expect(payloadOf(body.access_token).scope).toBe('tools:read');
  });

  it('with no scope requested, grants the ID-JAG scope within the ceilings', async () => {
    const body = await server.exchange(await request(await idJag({ scope: 'tools:read tools:write admin' })));
    // admin: in the client's scope and the ID-JAG, but not in the issuer's ceiling.
    expect(body.scope).toBe('tools:read tools:write');
  });

  it('an empty intersection is invalid_scope', async () => {
    expect(await refusal(await request(await idJag({ scope: 'tools:read' }), { scope: 'tools:write' }))).toEqual({ error: 'invalid_scope', status: 400, reason: 'scope_not_allowed' });
  });

  it('a malformed scope claim is invalid_grant', async () => {
    expect(await refusal(await request(await idJag({ scope: ['tools:read'] })))).toEqual({ error: 'invalid_grant', status: 400, reason: 'invalid_claim', claim: 'scope' });
  });

  it('the access token does not outlive the ID-JAG and no refresh token is issued', async () => {
    const now = clock.seconds();
    const body = await server.exchange(await request(await idJag({ exp: now + 120 })));
    expect(payloadOf(body.access_token).exp).toBe(now + 120);
    expect(Object.keys(body).sort()).toEqual(['access_token', 'expires_in', 'resource', 'scope', 'token_type']);
  });
});

describe('G6 metadata', () => {
  it('lists the ID-JAG grant profile when an id_jag issuer is configured, and jwt-bearer among the grant types', () => {
    expect(server.metadata.authorization_grant_profiles_supported).toEqual(['urn:ietf:params:oauth:grant-profile:id-jag']);
    expect(server.metadata.grant_types_supported).toContain(JWT_BEARER_GRANT_TYPE);
  });

  it('lists no profile without one', async () => {
    const plain = await createAuthorizationServer({ issuer: ISSUER, trustedIssuers: [{ issuer: 'ci', jwks: jwks(plainKey), allow_any_subject: true }] });
    expect(plain.metadata).not.toHaveProperty('authorization_grant_profiles_supported');
  });
});

describe('explain: the ID-JAG steps in the dry run', () => {
  it('names id-jag-client when the would-be presenter is another client, and passes for the right one', async () => {
    const token = await idJag();
    const wrong = await server.traceAssertion('authorization_grant', token, { clientId: 'other-agent' });
    expect(wrong.steps.find((s) => s.result === 'fail')).toMatchObject({ id: 'id-jag-client', rule: 'G3', reason: 'id_jag_client_mismatch' });
    const right = await server.traceAssertion('authorization_grant', token, { clientId: 'agent' });
    expect(right.verdict).toBe('pass');
    expect(right.steps.map((s) => s.id)).toEqual(expect.arrayContaining(['id-jag-typ', 'id-jag-claims', 'id-jag-client', 'resource']));
  });
});

describe('trust file: id_jag and resources', () => {
  const issuer = (extra: object) => ({ trusted_issuers: [{ issuer: IDP, jwks: { keys: [] as object[] }, allow_any_subject: true, id_jag: true, ...extra }] });
  beforeAll(() => {
    issuerJwks = { keys: [idpKey.publicJwk] };
  });
  let issuerJwks: { keys: object[] };

  it.each([
    [{ require_jti: false }, 'trusted_issuers[0].require_jti'],
    [{ id_jag: 'yes' }, 'trusted_issuers[0].id_jag'],
    [{ one_time_use: false }, 'trusted_issuers[0].one_time_use'],
    [{ audiences: [ISSUER] }, 'trusted_issuers[0].audiences'],
  ])('refuses %p on an id_jag issuer, naming the field', (extra, field) => {
    expect(() => parseTrustConfig({ ...issuer({ jwks: issuerJwks, ...extra }) }, 'trust.json')).toThrow(expect.objectContaining({ field }));
  });

  it.each([
    [[], 'resources'],
    [['/relative'], 'resources[0]'],
    [[`${MCP}#frag`], 'resources[0]'],
    [[MCP, MCP], 'resources[1]'],
    ['https://mcp.example.com', 'resources'],
  ])('refuses resources %p, naming %s', (resources, field) => {
    expect(() => parseTrustConfig({ resources }, 'trust.json')).toThrow(expect.objectContaining({ field }));
  });

  it('accepts a valid file with both', () => {
    expect(parseTrustConfig({ ...issuer({ jwks: issuerJwks }), resources: [MCP] }).resources).toEqual([MCP]);
  });
});

describe('G3 G4 refusals: the description and the assertion.rejected event', () => {
  const caught = (req: PlainRequest) =>
    server.exchange(req).then(
      () => {
        throw new Error('expected a refusal');
      },
      (err: Error & { detail?: string }) => err,
    );

  it('G3 client authentication required: invalid_client, its description, one event naming the issuer', async () => {
    events.length = 0;
    const err = await caught(await request(await idJag(), {}, null));
    expect(err.message).toBe('client authentication is required');
    expect(typeof err.detail).toBe('string');
    expect(events.filter((e) => e.type === 'assertion.rejected')).toEqual([
      { type: 'assertion.rejected', use: 'authorization_grant', error: 'invalid_client', reason: 'client_auth_required', detail: err.detail, issuer: IDP },
    ]);
  });

  it('G4 a resource not allowed: invalid_target, its description, one event naming the issuer', async () => {
    events.length = 0;
    const err = await caught(await request(await idJag(), { resource: 'https://elsewhere.example.com/' }));
    expect(err.message).toBe('the requested resource is not allowed');
    expect(typeof err.detail).toBe('string');
    expect(events.filter((e) => e.type === 'assertion.rejected')).toEqual([
      { type: 'assertion.rejected', use: 'authorization_grant', error: 'invalid_target', reason: 'resource_not_allowed', detail: err.detail, issuer: IDP },
    ]);
  });
});
