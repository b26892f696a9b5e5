import { readFile, writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunningDemo } from '@rfc7523/demo-kit';
import { parseTrustConfig } from '@rfc7523/core';
import { runCli } from '../../packages/client/src/cli/run.js';
import { fakeIo } from '../../packages/client/test/cli/support.js';
import { targets } from '../conformance/targets.js';
import { GitHubActionsIssuer, GitHubIdTokenEndpoint, GitLabIssuer, KubernetesIssuer } from '../support/platforms/index.js';
import { startDemo, whoamiAt, writeTrustConfig } from './support/interop.js';

/**
 * The recipes of docs/recipes, followed end to end: the trust entry each page shows (a preset with
 * discovery and claim conditions, rules W1–W6; its `issuer` overridden with the loopback fixture's, as
 * the pages say to do for GitHub Enterprise Server or a self-managed GitLab) is loaded by the Express
 * demo, and the `rfc7523 token` command each page shows (with the demo as --issuer) gets an access token
 * from a token shaped like the one the page's YAML makes the platform issue. The static alternative each
 * page shows is a valid trust file too.
 */
const RECIPES = fileURLToPath(new URL('../../docs/recipes/', import.meta.url));
const AS_ISSUER = 'https://auth.example.com';

interface Recipe {
  text: string;
  /** The JSON block after the marker. */
  block(marker: 'recipe-trust-config' | 'recipe-static-config'): Record<string, unknown>;
  /** The first `rfc7523 token …` command of the page, as arguments, with the demo as issuer. */
  tokenCommand(issuer: string): string[];
}

async function recipe(name: string): Promise<Recipe> {
  const text = await readFile(join(RECIPES, name), 'utf8');
  return {
    text,
    block(marker) {
      const match = new RegExp(`<!-- ${marker} -->\\n\`\`\`json\\n([\\s\\S]*?)\\n\`\`\``).exec(text);
      expect(match).not.toBeNull();
      return JSON.parse(match![1]!) as Record<string, unknown>;
    },
    tokenCommand(issuer) {
      const line = /rfc7523 token ([^)\n]*)/.exec(text)![1]!;
      return ['token', ...line.trim().split(/\s+/).map((word) => (word === AS_ISSUER ? issuer : word))];
    },
  };
}

const express = targets.find((t) => t.name === 'express-demo')!;
let github: GitHubActionsIssuer;
let endpoint: GitHubIdTokenEndpoint;
let gitlab: GitLabIssuer;
let cluster: KubernetesIssuer;
let recipes: Record<'github' | 'gitlab' | 'kubernetes', Recipe>;
let dir: string;
let demo: RunningDemo & { issuer: string };

beforeAll(async () => {
  [github, gitlab, cluster] = await Promise.all([GitHubActionsIssuer.start(), GitLabIssuer.start(), KubernetesIssuer.start()]);
  endpoint = await GitHubIdTokenEndpoint.start(github);
  recipes = { github: await recipe('github-actions.md'), gitlab: await recipe('gitlab.md'), kubernetes: await recipe('kubernetes.md') };
  // The preset's issuer, overridden with the fixture's (every preset field is overridable, rule W6).
  const atFixture = (config: Record<string, unknown>, issuer: string): Record<string, unknown> => ({
    ...config,
    trusted_issuers: (config.trusted_issuers as Record<string, unknown>[]).map((entry) => ({ ...entry, issuer })),
  });
  const parts = [
    atFixture(recipes.github.block('recipe-trust-config'), github.issuer),
    atFixture(recipes.gitlab.block('recipe-trust-config'), gitlab.issuer),
    atFixture(recipes.kubernetes.block('recipe-trust-config'), cluster.issuer),
  ];
  for (const part of parts) expect((part.trusted_issuers as Record<string, unknown>[])[0]).toMatchObject({ preset: expect.any(String), claim_conditions: expect.any(Array) });
  const config = Object.assign({}, ...parts, { trusted_issuers: parts.flatMap((p) => p.trusted_issuers as unknown[]) });
  dir = await mkdtemp(join(tmpdir(), 'rfc7523-recipes-'));
  demo = await startDemo(express, await writeTrustConfig(config));
});
afterAll(async () => {
  await demo?.close();
  await Promise.all([endpoint?.close(), github?.close(), gitlab?.close(), cluster?.close()]);
});

const whoami = (accessToken: string) => whoamiAt(demo, accessToken);

describe('docs/recipes, followed against the Express demo', () => {
  it('github-actions.md: the workflow step gets a deploy token for the repository pinned by ids', async () => {
    endpoint.job = { immutableSubject: true };
    const argv = recipes.github.tokenCommand(demo.issuer);
    expect(argv).toEqual(['token', '--issuer', demo.issuer, '--from', 'github-actions', '--scope', 'deploy', '--raw']);
    const io = fakeIo({}, '', endpoint.env);
    expect(await runCli(argv, io)).toBe(0);
    // The page's subject_mapping names the access token's subject.
    expect(await whoami(io.output)).toMatchObject({ sub: 'gha:octo-org/octo-repo:refs/heads/main', scope: 'deploy' });
    expect(endpoint.requests.at(-1)!.audience).toBe(demo.issuer);
    // The keys were found through discovery (rule W1).
    expect(github.requests).toContain('GET /.well-known/openid-configuration');
  });

  it('github-actions.md: the same repository name under another owner id is refused', async () => {
    endpoint.job = { repositoryOwnerId: '999999' };
    const io = fakeIo({}, '', endpoint.env);
    expect(await runCli(recipes.github.tokenCommand(demo.issuer), io)).toBe(1);
    expect(io.errors).toContain('refused: invalid_grant');
    expect(io.errors).not.toContain('hint:'); // the audience was right: the subject was not trusted
  });

  it('gitlab.md: the job with id_tokens RFC7523_ID_TOKEN gets a deploy token', async () => {
    const io = fakeIo({}, '', { RFC7523_ID_TOKEN: await gitlab.mint({ audience: demo.issuer }) });
    expect(await runCli(recipes.gitlab.tokenCommand(demo.issuer), io)).toBe(0);
    expect(await whoami(io.output)).toMatchObject({ sub: 'project_path:acme/api:ref_type:branch:ref:main', scope: 'deploy' });
  });

  it('kubernetes.md: the pod with the projected token gets a payments token, twice with the same token (token file given, as the page says)', async () => {
    const path = join(dir, 'rfc7523');
    await writeFile(path, await cluster.mint({ audience: demo.issuer, namespace: 'payments', serviceAccount: 'api', expirationSeconds: 600 }));
    for (let i = 0; i < 2; i++) {
      const io = fakeIo();
      expect(await runCli([...recipes.kubernetes.tokenCommand(demo.issuer), '--token-file', path], io)).toBe(0);
      expect(await whoami(io.output)).toMatchObject({ sub: 'system:serviceaccount:payments:api', scope: 'payments' });
    }
    expect(recipes.kubernetes.text).toContain('--token-file');
  });

  it('kubernetes.md: a service account of another namespace is refused', async () => {
    const path = join(dir, 'rfc7523-other');
    await writeFile(path, await cluster.mint({ audience: demo.issuer, namespace: 'billing', serviceAccount: 'api' }));
    const io = fakeIo();
    expect(await runCli([...recipes.kubernetes.tokenCommand(demo.issuer), '--token-file', path], io)).toBe(1);
    expect(io.errors).toContain('refused: invalid_grant');
  });

  it.each(['github-actions.md', 'gitlab.md', 'kubernetes.md'])('%s: the static alternative is a valid trust file', async (name) => {
    const config = parseTrustConfig((await recipe(name)).block('recipe-static-config'), name);
    expect(config.trustedIssuers[0]).toMatchObject({ jwks_uri: expect.stringMatching(/^https:\/\//), subjects: expect.any(Array) });
  });

  it.each(['github-actions.md', 'gitlab.md'])('%s: the preset entry as shown, on the platform issuer, passes start-up (its conditions pin ids)', async (name) => {
    const block = (await recipe(name)).block('recipe-trust-config');
    expect(() => parseTrustConfig(block, name)).not.toThrow();
  });
});
