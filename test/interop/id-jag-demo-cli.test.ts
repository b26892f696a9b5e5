/**
 * `rfc7523 id-jag exchange` (the built CLI, run as a user runs it) against a real demo AS trusting the test
 * IdP for ID-JAGs with the trust entry of docs/recipes/id-jag.md (rules G1–G6): both legs, with and without
 * DPoP, and a leg-2 refusal.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { calculateJwkThumbprint, createLocalJWKSet, exportJWK, generateKeyPair, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { JWT_BEARER_GRANT_TYPE } from '@rfc7523/core';
import { runDemo, type RunningDemo } from '@rfc7523/demo-kit';
import { expressDemo } from 'express-demo';
import { runBuiltCli as rfc7523 } from '../support/cli.js';
import { startTestIdp, type TestIdp } from '../support/idp/test-idp.js';
import { freePort } from '../support/ports.js';

/** The recipe (docs/recipes/id-jag.md) this test follows: its trust entry, with the loopback IdP and agent keys. */
const RECIPE = fileURLToPath(new URL('../../docs/recipes/id-jag.md', import.meta.url));
const MCP = 'https://mcp.example.com/mcp';

/** The JSON block after `<!-- recipe-trust-config -->` in the recipe. */
async function recipeTrustConfig(): Promise<{ clients: Record<string, unknown>[]; trusted_issuers: Record<string, unknown>[]; resources: string[] }> {
  const text = await readFile(RECIPE, 'utf8');
  const match = /<!-- recipe-trust-config -->\n```json\n([\s\S]*?)\n```/.exec(text);
  if (match === null) throw new Error('the recipe has no trust-config block');
  return JSON.parse(match[1] as string) as never;
}


async function keyPair(kid: string): Promise<{ privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateJwk: { ...(await exportJWK(privateKey)), kid }, publicJwk: { ...(await exportJWK(publicKey)), kid } };
}


let dir: string;
let idp: TestIdp;
let demo: RunningDemo;
let issuer: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rfc7523-idjag-demo-'));
  const [agent, other] = await Promise.all([keyPair('agent-1'), keyPair('other-1')]);
  await writeFile(join(dir, 'agent.key.json'), JSON.stringify(agent.privateJwk), { mode: 0o600 });
  await writeFile(join(dir, 'other.key.json'), JSON.stringify(other.privateJwk), { mode: 0o600 });
  const port = await freePort();
  issuer = `http://127.0.0.1:${port}`;
  idp = await startTestIdp({ clients: [{ clientId: 'agent-at-idp', jwks: [agent.publicJwk], resourceClients: { [issuer]: 'agent' }, scope: 'tools:read tools:write' }] });
  await writeFile(join(dir, 'id_token.jwt'), await idp.mintIdToken({ subject: 'alice', clientId: 'agent-at-idp' }));
  // The recipe's entries as they are, but for the IdP's loopback issuer (found by discovery, rule W1) and the agent's keys.
  const config = await recipeTrustConfig();
  expect(config.resources).toEqual([MCP]);
  const { jwks_uri: _uri, ...client } = config.clients[0]!;
  config.clients = [
    { ...client, client_id: 'agent', jwks: { keys: [agent.publicJwk] } },
    { client_id: 'other-agent', jwks: { keys: [other.publicJwk] }, grant_types: [JWT_BEARER_GRANT_TYPE], scope: 'tools:read' },
  ];
  config.trusted_issuers = [{ ...config.trusted_issuers[0]!, issuer: idp.issuer }];
  await writeFile(join(dir, 'trust.json'), JSON.stringify(config));
  demo = await runDemo({ PORT: String(port), HOST: '127.0.0.1', ISSUER: issuer, AS_CONFIG: join(dir, 'trust.json') }, 0, expressDemo, { logEvents: false });
});
afterAll(async () => {
  await Promise.all([demo?.close(), idp?.close()]);
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

const idpArgs = () => ['--idp', idp.issuer, '--idp-client-id', 'agent-at-idp', '--idp-key', join(dir, 'agent.key.json'), '--subject-token', `@${join(dir, 'id_token.jwt')}`];
const asArgs = (client = 'agent', key = 'agent.key.json') => ['--issuer', issuer, '--client-id', client, '--key', join(dir, key)];

async function accessTokenClaims(token: string): Promise<JWTPayload> {
  const jwks = (await (await fetch(`${issuer}/jwks`)).json()) as { keys: JWK[] };
  return (await jwtVerify(token, createLocalJWKSet(jwks), { issuer, audience: MCP, typ: 'at+jwt' })).payload;
}

describe('rfc7523 id-jag exchange (built CLI) against the express demo', () => {
  it('runs both legs: the demo issues a token for the MCP resource with the intersected scope', async () => {
    const run = await rfc7523(['id-jag', 'exchange', ...idpArgs(), ...asArgs(), '--resource', MCP, '--scope', 'tools:read', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { token_response: Record<string, unknown>; id_jag: { claims: JWTPayload } };
    expect(out.id_jag.claims).toMatchObject({ iss: idp.issuer, aud: issuer, client_id: 'agent', resource: MCP });
    expect(out.token_response).toMatchObject({ token_type: 'Bearer', scope: 'tools:read', resource: MCP });
    expect(await accessTokenClaims(out.token_response.access_token as string)).toMatchObject({ sub: 'alice', client_id: 'agent', aud: MCP, scope: 'tools:read' });
  });

  it('with DPoP: the IdP binds the ID-JAG to the key, the demo checks the proof and binds the token to the same key', async () => {
    const keyOut = join(dir, 'dpop.key.json');
    const run = await rfc7523(['id-jag', 'exchange', ...idpArgs(), ...asArgs(), '--resource', MCP, '--dpop-key-out', keyOut, '--json']);
    expect(run.code).toBe(0);
    const out = JSON.parse(run.stdout) as { token_response: Record<string, unknown>; id_jag: { claims: JWTPayload }; dpop_jkt: string };
    const { d: _d, ...publicPart } = JSON.parse(await readFile(keyOut, 'utf8')) as JWK;
    const jkt = await calculateJwkThumbprint(publicPart);
    expect(out.id_jag.claims.cnf).toEqual({ jkt });
    expect(out.token_response.token_type).toBe('DPoP');
    expect((await accessTokenClaims(out.token_response.access_token as string)).cnf).toEqual({ jkt });
  });

  it('leg 2 presented by a client the ID-JAG was not issued for: exit 1, invalid_grant', async () => {
    const run = await rfc7523(['id-jag', 'exchange', ...idpArgs(), ...asArgs('other-agent', 'other.key.json'), '--resource', MCP]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('invalid_grant');
  });
});
