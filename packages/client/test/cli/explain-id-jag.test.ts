import { randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { parseTrustConfig, JWT_BEARER_GRANT_TYPE, type TrustConfig } from '@rfc7523/core';
import { explainAssertion } from '../../src/cli/explain/explain-assertion.js';
import { makeKey, type TestKey } from '../support/fixtures.js';

// rfc7523 explain on an ID-JAG (rules G1–G4): --client-id names the client that would present it.
const AS = 'https://as.example.com';
const IDP = 'https://idp.example.com';
let idp: TestKey;
let agent: TestKey;
let config: TrustConfig;
const seconds = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  [idp, agent] = await Promise.all([makeKey('ES256', 'idp-1'), makeKey('ES256', 'agent-1')]);
  config = parseTrustConfig({
    clients: [{ client_id: 'agent-42', jwks: { keys: [agent.publicJwk] }, grant_types: [JWT_BEARER_GRANT_TYPE], scope: 'tools:read' }],
    trusted_issuers: [{ issuer: IDP, jwks: { keys: [idp.publicJwk] }, id_jag: true, allow_any_subject: true, scope: 'tools:read' }],
    resources: ['https://mcp.example.com/mcp'],
  });
});

function idJag(claims: Record<string, unknown> = {}, typ = 'oauth-id-jag+jwt'): Promise<string> {
  const all = { iss: IDP, sub: 'alice', aud: AS, client_id: 'agent-42', jti: randomUUID(), iat: seconds(), exp: seconds() + 300, resource: 'https://mcp.example.com/mcp', scope: 'tools:read', ...claims };
  return new SignJWT(all).setProtectedHeader({ alg: 'ES256', kid: 'idp-1', typ }).sign(idp.privateKey);
}
const explain = (assertion: string, clientId?: string) =>
  explainAssertion({ assertion, config, configPath: 'trust.json', issuer: AS, use: 'grant', ...(clientId === undefined ? {} : { clientId }) });

describe('explain: an ID-JAG', () => {
  it('passes every check when presented by the client it names, the ID-JAG steps included', async () => {
    const e = await explain(await idJag(), 'agent-42');
    expect(e.verdict).toBe('pass');
    expect(e.checks.map((c) => c.rule)).toEqual(expect.arrayContaining(['G1', 'G2', 'G3', 'G4']));
  });

  it('without --client-id: G3, client authentication required (401 invalid_client), with a fix', async () => {
    const e = await explain(await idJag());
    expect(e).toMatchObject({ verdict: 'fail', error: 'invalid_client', status: 401, reason: 'client_auth_required', rule: 'G3' });
    expect(e.checks.find((c) => c.result === 'fail')?.fix).toMatch(/authenticate the client/);
  });

  it('typ JWT from the id_jag issuer: G1 with a fix naming oauth-id-jag+jwt', async () => {
    const e = await explain(await idJag({}, 'JWT'), 'agent-42');
    expect(e).toMatchObject({ verdict: 'fail', error: 'invalid_grant', reason: 'id_jag_typ_required', rule: 'G1' });
    expect(e.checks.find((c) => c.result === 'fail')?.fix).toMatch(/oauth-id-jag\+jwt/);
  });

  it('a resource this server does not serve: G4 invalid_grant', async () => {
    const e = await explain(await idJag({ resource: 'https://elsewhere.example.com/' }), 'agent-42');
    expect(e).toMatchObject({ verdict: 'fail', error: 'invalid_grant', reason: 'resource_not_governed', rule: 'G4' });
  });
});
