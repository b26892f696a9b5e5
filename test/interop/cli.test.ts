import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { JWT_BEARER_CLIENT_ASSERTION_TYPE, JWT_BEARER_GRANT_TYPE } from '@rfc7523/core';
import type { RunningDemo } from '@rfc7523/demo-kit';
import { targets } from '../conformance/targets.js';
import { runBuiltCli } from '../support/cli.js';
import { startDemo } from './support/interop.js';

const rfc7523 = (args: string[], input?: string) => runBuiltCli(args, input === undefined ? {} : { input });



const express = targets.find((t) => t.name === 'express-demo')!;
let dir: string;
let demo: RunningDemo & { issuer: string };
let configPath: string;
const keyFile = () => join(dir, 'svc.key.json');
const ciKeyFile = () => join(dir, 'ci.key.json');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rfc7523-cli-'));
  // The README guide: keygen for a client and a local CI issuer, register both, start the Express demo.
  const client = await rfc7523(['keygen', '--alg', 'ES256', '--client-id', 'svc', '--grant-type', 'client_credentials', '--grant-type', 'jwt-bearer', '--scope', 'read deploy', '--out', keyFile()]);
  expect(client.code).toBe(0);
  const ci = await rfc7523(['keygen', '--alg', 'EdDSA', '--kid', 'local-ci-1', '--out', ciKeyFile()]);
  expect(ci.code).toBe(0);
  configPath = join(dir, 'trust-config.json');
  const config = {
    clients: [JSON.parse(client.stdout)],
    trusted_issuers: [{ issuer: 'local-ci', jwks: JSON.parse(ci.stdout), subjects: ['repo:acme/api:ref:refs/heads/main'], scope: 'deploy' }],
  };
  await writeFile(configPath, JSON.stringify(config, null, 2));
  demo = await startDemo(express, configPath);
});
afterAll(async () => {
  await demo?.close();
});

describe('rfc7523 --help', () => {
  it.each([[[]], [['keygen']], [['assert', 'client']], [['assert', 'grant']], [['token']], [['explain']]])('%j --help prints its usage and exits 0', async (command) => {
    const run = await rfc7523([...command, '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: rfc7523 ${command.length === 0 ? '<command>' : command.join(' ')}`));
  });

  it('a usage mistake exits 2 and points at --help', async () => {
    const run = await rfc7523(['token', '--client-id', 'svc']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Run "rfc7523 token --help" for usage.');
  });
});

describe('rfc7523 keygen', () => {
  it('--json prints a private JWK and the public JWKS to paste into a client entry', async () => {
    const run = await rfc7523(['keygen', '--alg', 'RS256', '--kid', 'r1', '--json']);
    expect(run.code).toBe(0);
    const { privateJwk, jwks } = JSON.parse(run.stdout);
    expect(privateJwk).toMatchObject({ kty: 'RSA', kid: 'r1', alg: 'RS256', d: expect.any(String) });
    expect(jwks).toEqual({ keys: [{ kty: 'RSA', n: privateJwk.n, e: 'AQAB', kid: 'r1', alg: 'RS256', use: 'sig' }] });
  });

  it('--out writes the private key with mode 600 and prints the client entry', async () => {
    expect((await stat(keyFile())).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(keyFile(), 'utf8'))).toMatchObject({ kty: 'EC', d: expect.any(String) });
  });
});

describe('rfc7523 assert, token and explain against the Express demo', () => {
  const mintClient = async (issuer = demo.issuer) => {
    const run = await rfc7523(['assert', 'client', '--client-id', 'svc', '--issuer', issuer, '--key', keyFile()]);
    expect(run.code).toBe(0);
    return run.stdout.trim();
  };

  it('assert client prints a client assertion the demo accepts', async () => {
    const assertion = await mintClient();
    expect(decodeJwt(assertion)).toMatchObject({ iss: 'svc', sub: 'svc', aud: demo.issuer });
    const res = await fetch(`${demo.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: assertion }),
    });
    expect(res.status).toBe(200);
  });

  it('token gets a client_credentials token and prints it decoded', async () => {
    const run = await rfc7523(['token', '--issuer', demo.issuer, '--client-id', 'svc', '--key', keyFile(), '--scope', 'read']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('token_type    Bearer');
    expect(run.stdout).toContain('"client_id": "svc"');
  });

  it('token --raw prints only the access token, which the protected API accepts', async () => {
    const run = await rfc7523(['token', '--issuer', demo.issuer, '--client-id', 'svc', '--key', keyFile(), '--raw']);
    const res = await fetch(`${demo.issuer}/api/whoami`, { headers: { authorization: `Bearer ${run.stdout.trim()}` } });
    expect(await res.json()).toMatchObject({ sub: 'svc', client_id: 'svc', scope: 'read deploy' });
  });

  it('assert grant | token --grant jwt-bearer --assertion - gets a token for the subject', async () => {
    const grant = await rfc7523(['assert', 'grant', '--issuer', 'local-ci', '--subject', 'repo:acme/api:ref:refs/heads/main', '--audience', demo.issuer, '--key', ciKeyFile()]);
    expect(grant.code).toBe(0);
    const run = await rfc7523(['token', '--issuer', demo.issuer, '--grant', 'jwt-bearer', '--assertion', '-', '--json'], grant.stdout);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ token_response: { token_type: 'Bearer' }, claims: { sub: 'repo:acme/api:ref:refs/heads/main', scope: 'deploy' } });
  });

  it('token exits 1 with the RFC 6749 error when refused (--json: error, error_description, status)', async () => {
    const run = await rfc7523(['token', '--issuer', demo.issuer, '--client-id', 'svc', '--key', keyFile(), '--scope', 'admin', '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: 'invalid_scope', status: 400 });
    expect(run.stderr).toContain('refused: invalid_scope');
  });

  it('explain on a good assertion says it would pass, exits 0, and leaves it usable', async () => {
    const assertion = await mintClient();
    const run = await rfc7523(['explain', '--config', configPath, '--issuer', demo.issuer, assertion]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('Would pass');
    const res = await fetch(`${demo.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'client_credentials', client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: assertion }),
    });
    expect(res.status).toBe(200);
  });

  it('explain on a refused assertion names the failing rule and reason with a fix, and exits 1', async () => {
    const assertion = await mintClient(`${demo.issuer}/token`);
    const run = await rfc7523(['explain', '--config', configPath, '--issuer', demo.issuer, assertion]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL {2}J3 .*\[aud_mismatch\]/);
    expect(run.stdout).toContain(`fix: set aud to "${demo.issuer}"`);
    expect(run.stdout).toContain('Would be refused: invalid_client (HTTP 401), reason aud_mismatch, rule J3');
  });

  it('explain --json reads the assertion from a file and reports a grant refusal', async () => {
    const grant = await rfc7523(['assert', 'grant', '--issuer', 'local-ci', '--subject', 'repo:acme/other', '--audience', demo.issuer, '--key', ciKeyFile()]);
    await writeFile(join(dir, 'grant.jwt'), grant.stdout);
    const run = await rfc7523(['explain', '--config', configPath, '--issuer', demo.issuer, '--json', `@${join(dir, 'grant.jwt')}`]);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({ use: 'grant', verdict: 'fail', error: 'invalid_grant', reason: 'sub_not_allowed', rule: 'J2' });
  });

  it('the grant type URN is what keygen registers for jwt-bearer', async () => {
    const config = JSON.parse(await readFile(configPath, 'utf8'));
    expect(config.clients[0].grant_types).toEqual(['client_credentials', JWT_BEARER_GRANT_TYPE]);
  });
});
