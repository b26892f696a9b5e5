/**
 * Rules W1–W6 on every demo over real HTTP: trusted issuers found through discovery, with CEL claim
 * conditions, a subject mapping, audiences and reuse, as real platforms issue their tokens (the
 * loopback GitHub Actions and Kubernetes issuers of test/support/platforms).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import request from 'supertest';
import { JWT_BEARER_GRANT_TYPE } from '@rfc7523/core';
import { runDemo, type RunningDemo } from '@rfc7523/demo-kit';
import { GitHubActionsIssuer, GitLabIssuer, KubernetesIssuer, REMOTE_HTTP_JWKS_URI } from '../support/platforms/index.js';
import { targets } from './targets.js';
import { Clock, ISSUER } from './support/fixture.js';
import { expectOAuthError, postToken } from './support/http.js';

const OWNER_ID = '123456';
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Starts the built demo process (node apps/NAME/dist/main.js) on a trust file; resolves with its exit code and stderr. */
async function startUp(name: string, config: unknown): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'rfc7523-workload-bad-'));
  const path = join(dir, 'trust-config.json');
  await writeFile(path, JSON.stringify(config));
  const child = spawn(process.execPath, [join(ROOT, 'apps', name, 'dist', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', PORT: '0', HOST: '127.0.0.1', AS_CONFIG: path },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  child.stdout.on('data', (chunk) => (stdout += String(chunk)));
  // A process that started after all is stopped (and the test then fails on its exit code and output).
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  // The demos log JSON lines: the message is the `msg` of each.
  const messages = stderr
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      try {
        return String((JSON.parse(line) as { msg?: unknown }).msg);
      } catch {
        return line;
      }
    })
    .join('\n');
  return { code, stderr: messages, stdout };
}
const CLUSTER_AUDIENCE = 'https://cluster-audience.conformance.test';

describe.each(targets)('workload identity issuers (rules W1–W6) on $name', (target) => {
  const clock = new Clock();
  let github: GitHubActionsIssuer;
  let cluster: KubernetesIssuer;
  /** Discovery documents naming another issuer, and an http jwks_uri on a remote host. */
  let impostor: GitLabIssuer;
  let remoteKeys: GitLabIssuer;
  let demo: RunningDemo;

  beforeAll(async () => {
    [github, cluster, impostor, remoteKeys] = await Promise.all([
      GitHubActionsIssuer.start({ now: clock.now }),
      KubernetesIssuer.start({ now: clock.now }),
      GitLabIssuer.start({ now: clock.now }),
      GitLabIssuer.start({ now: clock.now }),
    ]);
    impostor.discoveryOverrides = { issuer: 'https://elsewhere.conformance.test' };
    remoteKeys.discoveryOverrides = { jwks_uri: REMOTE_HTTP_JWKS_URI };
    const plain = (issuer: string) => ({ issuer, discovery: true, allow_any_subject: true, audiences: [ISSUER], scope: 'read' });
    const config = {
      trusted_issuers: [
        {
          // The github-actions preset with its issuer overridden by the loopback one (rule W6), so discovery is on.
          preset: 'github-actions',
          issuer: github.issuer,
          claim_conditions: [`claims.repository_owner_id == '${OWNER_ID}' && claims.repository_id == '456789'`, "claims.ref == 'refs/heads/main'"],
          subject_mapping: "'gha:' + claims.repository + ':' + claims.ref",
          scope: 'deploy',
        },
        {
          preset: 'kubernetes',
          issuer: cluster.issuer,
          audiences: [CLUSTER_AUDIENCE],
          claim_conditions: ["claims['kubernetes.io'].namespace == 'payments'", "claims['kubernetes.io'].serviceaccount.name == 'api'"],
          scope: 'payments',
        },
        plain(impostor.issuer),
        plain(remoteKeys.issuer),
      ],
    };
    const dir = await mkdtemp(join(tmpdir(), 'rfc7523-workload-'));
    const configPath = join(dir, 'trust-config.json');
    await writeFile(configPath, JSON.stringify(config));
    demo = await runDemo({ PORT: '0', HOST: '127.0.0.1', ISSUER, AS_CONFIG: configPath }, 0, target.build, { logEvents: false, overrides: { now: clock.now } });
  });
  afterAll(async () => {
    await demo?.close();
    await Promise.all([github?.close(), cluster?.close(), impostor?.close(), remoteKeys?.close()]);
  });

  const grant = (assertion: string) => postToken(demo.url, { grant_type: JWT_BEARER_GRANT_TYPE, assertion });
  const whoami = (token: string) => request(demo.url).get('/api/whoami').set('authorization', `Bearer ${token}`);

  it('accepts a GitHub-Actions-shaped token under a condition on repository_owner_id, found through discovery, with the mapped subject', async () => {
    const res = await grant(await github.mint({ audience: ISSUER }));
    expect(res.status).toBe(200);
    expect(github.requests).toEqual(expect.arrayContaining(['GET /.well-known/openid-configuration', 'GET /.well-known/jwks']));
    const me = await whoami(res.body.access_token as string);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ sub: 'gha:octo-org/octo-repo:refs/heads/main', scope: 'deploy' });
  });

  it('refuses the same repository name under another owner id with invalid_grant', async () => {
    const res = await grant(await github.mint({ audience: ISSUER, repositoryOwnerId: '999999' }));
    expectOAuthError(res, 400, 'invalid_grant');
  });

  it('refuses a token a condition cannot be evaluated on (ref absent) with invalid_grant, never a 500', async () => {
    const res = await grant(await github.mint({ audience: ISSUER, claims: { ref: undefined } }));
    expectOAuthError(res, 400, 'invalid_grant');
  });

  it('still refuses a GitHub token presented twice (one_time_use stays true)', async () => {
    const token = await github.mint({ audience: ISSUER });
    expect((await grant(token)).status).toBe(200);
    expectOAuthError(await grant(token), 400, 'invalid_grant');
  });

  it('accepts a Kubernetes projected token twice (preset kubernetes: one_time_use false) with the cluster audience', async () => {
    const token = await cluster.mint({ audience: CLUSTER_AUDIENCE, expirationSeconds: 600 });
    for (let i = 0; i < 2; i++) {
      const res = await grant(token);
      expect(res.status).toBe(200);
      expect((await whoami(res.body.access_token as string)).body).toMatchObject({ sub: 'system:serviceaccount:payments:api', scope: 'payments' });
    }
  });

  it('refuses a Kubernetes token for another audience or another namespace', async () => {
    expectOAuthError(await grant(await cluster.mint({ audience: ISSUER })), 400, 'invalid_grant');
    expectOAuthError(await grant(await cluster.mint({ audience: CLUSTER_AUDIENCE, namespace: 'billing' })), 400, 'invalid_grant');
  });

  it('trusts no key of an issuer whose discovery document names another issuer: 503 temporarily_unavailable', async () => {
    expectOAuthError(await grant(await impostor.mint({ audience: ISSUER })), 503, 'temporarily_unavailable');
    expect(impostor.requests).toEqual(['GET /.well-known/openid-configuration']);
  });

  it('trusts no key behind a jwks_uri over http to a remote host (refused before any fetch, see the engine tests): 503 temporarily_unavailable', async () => {
    expectOAuthError(await grant(await remoteKeys.mint({ audience: ISSUER })), 503, 'temporarily_unavailable');
    expect(remoteKeys.requests).toEqual(['GET /.well-known/openid-configuration']);
  });

  it('stops start-up naming the field for a bad expression and for a github-actions preset without an immutable-id condition', async () => {
    const bad = await startUp(target.name, { trusted_issuers: [{ preset: 'github-actions', claim_conditions: ["claims.repository_id == '456789' &&"] }] });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/trusted_issuers\[0\]\.claim_conditions\[0\]" is not valid CEL at character \d+/);
    expect(bad.stdout).not.toContain('listening');
    const names = await startUp(target.name, { trusted_issuers: [{ preset: 'github-actions', claim_conditions: ["claims.repository == 'octo-org/octo-repo'"] }] });
    expect(names.code).not.toBe(0);
    expect(names.stderr).toContain('trusted_issuers[0].claim_conditions" must compare claims.repository_owner_id or claims.repository_id with a literal');
    expect(names.stderr).toContain('after a rename');
  }, 90_000);
});
