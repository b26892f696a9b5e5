import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify, type JWTPayload } from 'jose';
import {
  GitHubActionsIssuer,
  GitHubIdTokenEndpoint,
  GitLabIssuer,
  KubernetesIssuer,
  KUBERNETES_UIDS,
  REMOTE_HTTP_JWKS_URI,
  type PlatformIssuer,
} from '../support/platforms/index.js';

/** Verifies a token the way a relying party does: discovery document, then its jwks_uri, with jose. */
async function verifyThroughDiscovery(issuer: PlatformIssuer, token: string, audience: string): Promise<JWTPayload> {
  const discovery = (await (await fetch(`${issuer.issuer}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
  expect(discovery.issuer).toBe(issuer.issuer);
  const { payload } = await jwtVerify(token, createRemoteJWKSet(new URL(discovery.jwks_uri)), { issuer: discovery.issuer, audience, algorithms: ['RS256'] });
  return payload;
}

describe('GitHub Actions fixture', () => {
  let github: GitHubActionsIssuer;
  beforeAll(async () => {
    github = await GitHubActionsIssuer.start();
  });
  afterAll(() => github.close());

  it('serves discovery (issuer = its loopback URL, jwks_uri under /.well-known/jwks) and an RS256 JWKS with kid and x5t', async () => {
    const doc = (await (await fetch(`${github.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(doc).toMatchObject({ issuer: github.issuer, jwks_uri: `${github.issuer}/.well-known/jwks`, id_token_signing_alg_values_supported: ['RS256'] });
    expect(github.issuer).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const jwks = (await (await fetch(github.jwksUri)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: github.currentKey.kid, x5t: expect.stringMatching(/^[\w-]{27}$/) });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('mints a token that verifies against the served JWKS, with the documented header and claims', async () => {
    const token = await github.mint({ audience: 'https://as.example' });
    expect(decodeProtectedHeader(token)).toEqual({ typ: 'JWT', alg: 'RS256', kid: github.currentKey.kid, x5t: github.currentKey.spkiSha1 });
    const claims = await verifyThroughDiscovery(github, token, 'https://as.example');
    expect(claims).toMatchObject({
      iss: github.issuer,
      aud: 'https://as.example',
      sub: 'repo:octo-org/octo-repo:ref:refs/heads/main',
      repository: 'octo-org/octo-repo',
      repository_id: '456789',
      repository_owner: 'octo-org',
      repository_owner_id: '123456',
      ref: 'refs/heads/main',
      ref_type: 'branch',
      job_workflow_ref: 'octo-org/octo-repo/.github/workflows/deploy.yml@refs/heads/main',
      runner_environment: 'github-hosted',
      event_name: 'push',
    });
    for (const name of ['sha', 'workflow', 'run_id', 'actor', 'actor_id', 'jti']) expect(typeof claims[name]).toBe('string');
    expect(claims).not.toHaveProperty('environment');
    expect(claims.exp! - claims.iat!).toBe(300);
    expect(claims.iat! - claims.nbf!).toBe(600);
  });

  it('a job with an environment carries the claim and names it in sub; the default audience is the owner URL', async () => {
    const claims = await verifyThroughDiscovery(github, await github.mint({ environment: 'Production:V1' }), 'https://github.com/octo-org');
    expect(claims).toMatchObject({ environment: 'Production:V1', sub: 'repo:octo-org/octo-repo:environment:Production%3AV1' });
  });

  it('mints the immutable subject format with owner and repository ids when asked', async () => {
    const claims = await verifyThroughDiscovery(github, await github.mint({ audience: 'a', immutableSubject: true }), 'a');
    expect(claims.sub).toBe('repo:octo-org@123456/octo-repo@456789:ref:refs/heads/main');
  });

  it('rotates keys: the next key is published first, then signs, then the old one is dropped', async () => {
    const local = await GitHubActionsIssuer.start();
    try {
      const old = local.currentKey;
      const before = await local.mint({ audience: 'a' });
      const next = await local.publishNextKey();
      expect(local.jwks().keys.map((k) => k.kid)).toEqual([old.kid, next.kid]);
      expect(decodeProtectedHeader(await local.mint({ audience: 'a' })).kid).toBe(old.kid);
      await local.rotate();
      expect(local.jwks().keys.map((k) => k.kid)).toEqual([next.kid]);
      const after = await local.mint({ audience: 'a' });
      expect(decodeProtectedHeader(after).kid).toBe(next.kid);
      await expect(verifyThroughDiscovery(local, after, 'a')).resolves.toMatchObject({ iss: local.issuer });
      await expect(verifyThroughDiscovery(local, before, 'a')).rejects.toThrow(/no applicable key|matching/i);
    } finally {
      await local.close();
    }
  });

  it('serves a discovery document with another issuer or an http jwks_uri on a remote host when told to', async () => {
    const local = await GitHubActionsIssuer.start();
    try {
      local.discoveryOverrides = { issuer: 'https://token.actions.githubusercontent.com' };
      expect(await (await fetch(`${local.issuer}/.well-known/openid-configuration`)).json()).toMatchObject({
        issuer: 'https://token.actions.githubusercontent.com',
        jwks_uri: local.jwksUri,
      });
      local.discoveryOverrides = { jwks_uri: REMOTE_HTTP_JWKS_URI };
      const doc = (await (await fetch(`${local.issuer}/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
      expect(doc.issuer).toBe(local.issuer);
      expect(new URL(doc.jwks_uri)).toMatchObject({ protocol: 'http:', hostname: '203.0.113.10' });
    } finally {
      await local.close();
    }
  });

  describe('the ACTIONS_ID_TOKEN_REQUEST_URL endpoint', () => {
    let endpoint: GitHubIdTokenEndpoint;
    beforeAll(async () => {
      endpoint = await GitHubIdTokenEndpoint.start(github);
    });
    afterAll(() => endpoint.close());

    it('answers { value } with a token for the requested audience when the bearer request token is right', async () => {
      const res = await fetch(`${endpoint.env.ACTIONS_ID_TOKEN_REQUEST_URL}&audience=${encodeURIComponent('https://as.example/x y')}`, {
        headers: { authorization: `bearer ${endpoint.requestToken}` },
      });
      expect(res.status).toBe(200);
      const { value } = (await res.json()) as { value: string };
      await expect(verifyThroughDiscovery(github, value, 'https://as.example/x y')).resolves.toMatchObject({ repository_owner_id: '123456' });
      expect(endpoint.requests.at(-1)).toMatchObject({ method: 'GET', audience: 'https://as.example/x y', apiVersion: '2.0', status: 200 });
    });

    it.each([
      ['no Authorization', (): string | undefined => undefined],
      ['another request token', () => 'Bearer not-the-token'],
      ['the right token under another scheme', () => `Basic ${endpoint.requestToken}`],
    ])('refuses %s with 401', async (_name, header) => {
      const authorization = header();
      const res = await fetch(endpoint.requestUrl, { headers: authorization === undefined ? {} : { authorization } });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ message: 'Bad credentials' });
    });

    it('without an audience, the token gets GitHub’s default audience', async () => {
      const res = await fetch(endpoint.requestUrl, { headers: { authorization: `Bearer ${endpoint.requestToken}` } });
      const { value } = (await res.json()) as { value: string };
      await expect(verifyThroughDiscovery(github, value, 'https://github.com/octo-org')).resolves.toBeDefined();
    });
  });
});

describe('GitLab fixture', () => {
  let gitlab: GitLabIssuer;
  beforeAll(async () => {
    gitlab = await GitLabIssuer.start();
  });
  afterAll(() => gitlab.close());

  it('serves discovery with jwks_uri /oauth/discovery/keys and a JWKS whose kid is the RFC 7638 thumbprint', async () => {
    expect(gitlab.discoveryDocument()).toMatchObject({ issuer: gitlab.issuer, jwks_uri: `${gitlab.issuer}/oauth/discovery/keys` });
    const jwks = (await (await fetch(gitlab.jwksUri)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.stringMatching(/^[\w-]{43}$/) });
  });

  it('mints an ID token with the documented claims that verifies through discovery', async () => {
    const token = await gitlab.mint({ audience: 'https://as.example', environment: 'production' });
    expect(decodeProtectedHeader(token)).toEqual({ kid: gitlab.currentKey.kid, typ: 'JWT', alg: 'RS256' });
    const claims = await verifyThroughDiscovery(gitlab, token, 'https://as.example');
    expect(claims).toMatchObject({
      iss: gitlab.issuer,
      sub: 'project_path:acme/api:ref_type:branch:ref:main',
      namespace_id: '4242',
      namespace_path: 'acme',
      project_id: '1234',
      project_path: 'acme/api',
      ref: 'main',
      ref_type: 'branch',
      ref_protected: 'true',
      environment: 'production',
      user_login: 'alice',
    });
    expect(typeof claims.pipeline_id).toBe('string');
    expect(typeof claims.jti).toBe('string');
    expect(claims.iat! - claims.nbf!).toBe(5);
  });
});

describe('Kubernetes fixture', () => {
  let cluster: KubernetesIssuer;
  beforeAll(async () => {
    cluster = await KubernetesIssuer.start();
  });
  afterAll(() => cluster.close());

  it('serves /openid/v1/jwks with kid = base64url SHA-256 of the public key', async () => {
    expect(cluster.discoveryDocument()).toMatchObject({ issuer: cluster.issuer, jwks_uri: `${cluster.issuer}/openid/v1/jwks`, subject_types_supported: ['public'] });
    const jwks = (await (await fetch(cluster.jwksUri)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys[0]).toMatchObject({ use: 'sig', kty: 'RSA', alg: 'RS256', kid: cluster.currentKey.spkiSha256 });
  });

  it('mints a projected service-account token: aud array, kubernetes.io claim, no jti, no typ, one hour', async () => {
    const token = await cluster.mint({ audience: 'https://as.example' });
    expect(decodeProtectedHeader(token)).toEqual({ kid: cluster.currentKey.kid, alg: 'RS256' });
    const claims = await verifyThroughDiscovery(cluster, token, 'https://as.example');
    expect(claims).toMatchObject({
      iss: cluster.issuer,
      aud: ['https://as.example'],
      sub: 'system:serviceaccount:payments:api',
      'kubernetes.io': {
        namespace: 'payments',
        pod: { name: 'api-7d4b9c6f5-x2k8q', uid: KUBERNETES_UIDS.pod },
        serviceaccount: { name: 'api', uid: KUBERNETES_UIDS.serviceAccount },
        node: { name: 'node-a', uid: KUBERNETES_UIDS.node },
      },
    });
    expect(claims).not.toHaveProperty('jti');
    expect(claims.exp! - claims.iat!).toBe(3600);
    expect(claims.nbf).toBe(claims.iat);
    expect((await cluster.mint({ jti: true }).then((t) => verifyThroughDiscovery(cluster, t, 'https://as.example'))).jti).toEqual(expect.any(String));
  });

  it('answers every request with failWith while it is set (an unreachable provider)', async () => {
    cluster.failWith = 503;
    try {
      expect((await fetch(cluster.jwksUri)).status).toBe(503);
    } finally {
      cluster.failWith = undefined;
    }
    expect((await fetch(cluster.jwksUri)).status).toBe(200);
  });
});
