import { mkdtemp, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { JWT_BEARER_GRANT_TYPE } from '@rfc7523/core';
import { githubActionsToken, gitlabToken, kubernetesToken, PlatformTokenError, TokenClient, TokenRequestError } from '@rfc7523/client';
import type { RunningDemo } from '@rfc7523/demo-kit';
import { runCli } from '../../packages/client/src/cli/run.js';
import { fakeIo } from '../../packages/client/test/cli/support.js';
import { targets } from '../conformance/targets.js';
import { runBuiltCli } from '../support/cli.js';
import { GitHubActionsIssuer, GitHubIdTokenEndpoint, GitLabIssuer, KubernetesIssuer } from '../support/platforms/index.js';
import { makeKey, startDemo, whoamiAt, writeTrustConfig, type InteropKey } from './support/interop.js';

/**
 * The client side of workload identity end to end: real-shaped platform tokens from the loopback
 * fixtures, picked up by @rfc7523/client and the CLI, exchanged at the Express demo, which trusts each
 * fixture issuer through its jwks_uri (loopback http is allowed) with today's fields: subjects or
 * allow_any_subject, require_jti.
 */
const GITHUB_SUBJECT = 'repo:octo-org/octo-repo:ref:refs/heads/main';
const GITLAB_SUBJECT = 'project_path:acme/api:ref_type:branch:ref:main';

const express = targets.find((t) => t.name === 'express-demo')!;
let github: GitHubActionsIssuer;
let endpoint: GitHubIdTokenEndpoint;
let gitlab: GitLabIssuer;
let cluster: KubernetesIssuer;
let client: InteropKey;
let dir: string;
let demo: RunningDemo & { issuer: string };

beforeAll(async () => {
  [github, gitlab, cluster, client] = await Promise.all([GitHubActionsIssuer.start(), GitLabIssuer.start(), KubernetesIssuer.start(), makeKey('ES256', 'deployer-1')]);
  // Published ahead, as providers do: the demo's first fetch of the JWKS already holds the next key.
  await github.publishNextKey();
  endpoint = await GitHubIdTokenEndpoint.start(github);
  const config = {
    clients: [{ client_id: 'deployer', jwks: { keys: [client.publicJwk] }, grant_types: [JWT_BEARER_GRANT_TYPE], scope: 'deploy' }],
    trusted_issuers: [
      { issuer: github.issuer, jwks_uri: github.jwksUri, subjects: [GITHUB_SUBJECT], scope: 'deploy' },
      { issuer: gitlab.issuer, jwks_uri: gitlab.jwksUri, subjects: [GITLAB_SUBJECT], scope: 'deploy' },
      // Projected tokens carry no jti: replay is then tracked by signature (one exchange per token today).
      { issuer: cluster.issuer, jwks_uri: cluster.jwksUri, allow_any_subject: true, require_jti: false, scope: 'payments' },
    ],
  };
  dir = await mkdtemp(join(tmpdir(), 'rfc7523-platforms-'));
  demo = await startDemo(express, await writeTrustConfig(config));
});
afterAll(async () => {
  await demo?.close();
  await Promise.all([endpoint?.close(), github?.close(), gitlab?.close(), cluster?.close()]);
});

const whoami = (accessToken: string) => whoamiAt(demo, accessToken);

async function refusal(promise: Promise<unknown>): Promise<TokenRequestError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TokenRequestError);
  return error as TokenRequestError;
}

describe('GitHub Actions: githubActionsToken asks the job endpoint for the audience, the demo accepts the token', () => {
  afterEach(() => {
    endpoint.job = {};
    endpoint.reply = undefined;
  });

  it('exchanges the ID token of a main-branch job, asking GitHub for the demo issuer as audience', async () => {
    const tokens = new TokenClient({ issuer: demo.issuer, grantAssertion: githubActionsToken({ audience: demo.issuer, env: endpoint.env }) });
    const { accessToken } = await tokens.getToken({ scope: 'deploy' });
    expect(await whoami(accessToken)).toMatchObject({ sub: GITHUB_SUBJECT, scope: 'deploy' });
    expect(endpoint.requests.at(-1)).toMatchObject({ audience: demo.issuer, apiVersion: '2.0', status: 200 });
  });

  it('authenticates the client too when it has a key (private_key_jwt with the jwt-bearer grant)', async () => {
    const tokens = new TokenClient({
      issuer: demo.issuer,
      clientId: 'deployer',
      key: client.privateJwk,
      grantAssertion: githubActionsToken({ audience: demo.issuer, env: endpoint.env }),
    });
    const { accessToken } = await tokens.getToken({ grant: 'jwt-bearer', scope: 'deploy' });
    expect(decodeJwt(accessToken)).toMatchObject({ sub: GITHUB_SUBJECT, client_id: 'deployer' });
  });

  it('keeps working after the provider rotates to the key it published ahead', async () => {
    const next = github.keys.at(-1)!;
    await github.rotate();
    expect(github.jwks().keys.map((k) => k.kid)).toEqual([next.kid]);
    const token = await github.mint({ audience: demo.issuer });
    expect(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())).toMatchObject({ kid: next.kid, x5t: next.spkiSha1 });
    const tokens = new TokenClient({ issuer: demo.issuer });
    await expect(tokens.requestToken({ grant: 'jwt-bearer', assertion: token })).resolves.toMatchObject({ tokenType: 'Bearer' });
  });

  it('a job on another branch is refused (its sub is not a trusted subject)', async () => {
    endpoint.job = { ref: 'refs/heads/feature' };
    const tokens = new TokenClient({ issuer: demo.issuer, grantAssertion: githubActionsToken({ audience: demo.issuer, env: endpoint.env }) });
    expect(await refusal(tokens.getToken())).toMatchObject({ error: 'invalid_grant', status: 400 });
  });

  it('a token asked with GitHub’s default audience is refused: the audience must be the issuer of the AS', async () => {
    const token = await github.mint({}); // aud https://github.com/octo-org
    const tokens = new TokenClient({ issuer: demo.issuer });
    expect(await refusal(tokens.requestToken({ grant: 'jwt-bearer', assertion: token }))).toMatchObject({ error: 'invalid_grant' });
  });

  it('rfc7523 token --from github-actions (in-process, env injected) prints the token; --audience defaults to --issuer', async () => {
    const io = fakeIo({}, '', endpoint.env);
    expect(await runCli(['token', '--issuer', demo.issuer, '--from', 'github-actions', '--scope', 'deploy', '--json'], io)).toBe(0);
    expect(JSON.parse(io.output)).toMatchObject({ token_response: { token_type: 'Bearer', scope: 'deploy' }, claims: { sub: GITHUB_SUBJECT } });
    expect(endpoint.requests.at(-1)!.audience).toBe(demo.issuer);
  });

  it('the built rfc7523 reads ACTIONS_ID_TOKEN_REQUEST_URL and _TOKEN from its real environment', async () => {
    const result = await runBuiltCli(['token', '--issuer', demo.issuer, '--from', 'github-actions', '--raw'], { env: { PATH: process.env.PATH ?? '', ...endpoint.env } });
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(await whoami(result.stdout.trim())).toMatchObject({ sub: GITHUB_SUBJECT });
  });

  it.each([
    [{ kind: 'huge', bytes: 4_000_000 } as const, 'answered more than 65536 bytes'],
    [{ kind: 'hang' } as const, 'got no answer within 300 ms'],
    [{ kind: 'status', status: 503, body: { message: 'Service Unavailable' } } as const, 'was refused: HTTP 503: Service Unavailable'],
    [{ kind: 'body', text: '{"value":' } as const, 'answered no token'],
  ])('over real HTTP, a GitHub endpoint answering %j fails with a PlatformTokenError', async (reply, message) => {
    endpoint.reply = reply;
    const source = githubActionsToken({ audience: demo.issuer, env: endpoint.env, timeout: 300 });
    const error = await source().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlatformTokenError);
    expect((error as Error).message).toContain(message);
  });

  it('a request token GitHub does not know exits 1 with GitHub’s refusal', async () => {
    const io = fakeIo({}, '', { ...endpoint.env, ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'stale' });
    expect(await runCli(['token', '--issuer', demo.issuer, '--from', 'github-actions'], io)).toBe(1);
    expect(io.errors).toContain('was refused: HTTP 401: Bad credentials');
  });
});

describe('GitLab CI: gitlabToken reads the id_tokens variable', () => {
  it('exchanges the job’s ID token declared with aud = the demo issuer', async () => {
    const env = { RFC7523_ID_TOKEN: await gitlab.mint({ audience: demo.issuer }) };
    const tokens = new TokenClient({ issuer: demo.issuer, grantAssertion: gitlabToken({ env }) });
    const { accessToken } = await tokens.getToken({ scope: 'deploy' });
    expect(await whoami(accessToken)).toMatchObject({ sub: GITLAB_SUBJECT, scope: 'deploy' });
  });

  it('rfc7523 token --from gitlab --token-variable NAME', async () => {
    const io = fakeIo({}, '', { VAULT_ID_TOKEN: await gitlab.mint({ audience: demo.issuer }) });
    expect(await runCli(['token', '--issuer', demo.issuer, '--from', 'gitlab', '--token-variable', 'VAULT_ID_TOKEN', '--raw'], io)).toBe(0);
    expect(decodeJwt(io.output)).toMatchObject({ sub: GITLAB_SUBJECT });
  });

  it('a token declared for another audience is refused with invalid_grant', async () => {
    const io = fakeIo({}, '', { RFC7523_ID_TOKEN: await gitlab.mint({ audience: 'https://vault.example.com' }) });
    expect(await runCli(['token', '--issuer', demo.issuer, '--from', 'gitlab'], io)).toBe(1);
    expect(io.errors).toContain('refused: invalid_grant');
    expect(io.errors).toContain(`hint: the platform token's aud is "https://vault.example.com", not the issuer ${demo.issuer}`);
  });
});

describe('Kubernetes: kubernetesToken re-reads the projected token for every exchange', () => {
  it('exchanges the mounted token, and the kubelet’s replacement once it rotates', async () => {
    const path = join(dir, 'rfc7523');
    // Mounted 48 minutes ago: the kubelet replaces it at 80 % of its hour.
    await writeFile(path, await cluster.mint({ audience: demo.issuer, podName: 'api-1', issuedAt: Math.floor(Date.now() / 1000) - 2880 }));
    const tokens = new TokenClient({ issuer: demo.issuer, grantAssertion: kubernetesToken({ path }) });
    const first = await tokens.getToken();
    expect(await whoami(first.accessToken)).toMatchObject({ sub: 'system:serviceaccount:payments:api', scope: 'payments' });

    // Today every assertion is one-time (rule J7): the same projected token a second time is refused.
    tokens.invalidate();
    expect(await refusal(tokens.getToken())).toMatchObject({ error: 'invalid_grant' });

    // The kubelet writes a fresh token and swaps it in; the next exchange reads it.
    await writeFile(join(dir, 'rfc7523.next'), await cluster.mint({ audience: demo.issuer, podName: 'api-1' }));
    await rename(join(dir, 'rfc7523.next'), path);
    const second = await tokens.getToken();
    expect(second.accessToken).not.toBe(first.accessToken);
  });

  it('rfc7523 token --from kubernetes --token-file, and --from file', async () => {
    const path = join(dir, 'projected');
    await writeFile(path, await cluster.mint({ audience: [demo.issuer], namespace: 'payments', serviceAccount: 'batch' }));
    const io = fakeIo();
    expect(await runCli(['token', '--issuer', demo.issuer, '--from', 'kubernetes', '--token-file', path, '--raw'], io)).toBe(0);
    expect(decodeJwt(io.output)).toMatchObject({ sub: 'system:serviceaccount:payments:batch' });

    await writeFile(path, await cluster.mint({ audience: demo.issuer, serviceAccount: 'cron' }));
    const io2 = fakeIo();
    expect(await runCli(['token', '--issuer', demo.issuer, '--from', 'file', '--token-file', path, '--raw'], io2)).toBe(0);
    expect(decodeJwt(io2.output)).toMatchObject({ sub: 'system:serviceaccount:payments:cron' });
  });
});
