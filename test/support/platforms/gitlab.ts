import { randomUUID } from 'node:crypto';
import { calculateJwkThumbprint, type JWTPayload } from 'jose';
import { PlatformIssuer, type Clock, type PlatformProfile } from './oidc-issuer.js';

/** GitLab's OIDC discovery as gitlab.com serves it: keys at /oauth/discovery/keys, `kid` the RFC 7638 thumbprint. */
const GITLAB_PROFILE: PlatformProfile = {
  name: 'gitlab',
  jwksPath: '/oauth/discovery/keys',
  async describeKey(_key, jwk) {
    const kid = await calculateJwkThumbprint(jwk, 'sha256');
    return { kid, jwk: { kty: jwk.kty, kid, e: jwk.e, n: jwk.n, use: 'sig', alg: 'RS256' } };
  },
  discoveryExtras: (issuer) => ({
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    userinfo_endpoint: `${issuer}/oauth/userinfo`,
    scopes_supported: ['api', 'read_api', 'read_user', 'openid', 'profile', 'email'],
    response_types_supported: ['code'],
    response_modes_supported: ['query', 'fragment', 'form_post'],
    grant_types_supported: ['authorization_code', 'password', 'client_credentials', 'device_code', 'refresh_token'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['RS256'],
    claim_types_supported: ['normal'],
    claims_supported: [
      'iss', 'sub', 'aud', 'exp', 'iat', 'sub_legacy', 'name', 'nickname', 'preferred_username', 'email', 'email_verified',
      'website', 'profile', 'picture', 'groups', 'groups_direct', 'https://gitlab.org/claims/groups/owner',
      'https://gitlab.org/claims/groups/maintainer', 'https://gitlab.org/claims/groups/developer',
    ],
  }),
};

/** What a GitLab CI/CD job's ID token describes. Ids are strings, as GitLab sends them. */
export interface GitLabJob {
  /** Default `acme`. */
  namespacePath?: string;
  /** Default `4242`. */
  namespaceId?: string;
  /** Default `acme/api`. */
  projectPath?: string;
  /** Default `1234`. */
  projectId?: string;
  /** Branch or tag name, no `refs/heads/` prefix. Default `main`. */
  ref?: string;
  /** Default `branch`. */
  refType?: 'branch' | 'tag';
  /** Default `true`. */
  refProtected?: boolean;
  /** When set, the job deploys to this environment (claims `environment`, `environment_protected`, `deployment_tier`). */
  environment?: string;
  /** Default `gitlab-hosted`. */
  runnerEnvironment?: 'gitlab-hosted' | 'self-hosted';
}

/** Options of {@link GitLabIssuer.mint}. */
export interface GitLabMintOptions extends GitLabJob {
  /** `aud`, as declared under `id_tokens:`. Required by GitLab; default `https://as.example`. */
  audience?: string | string[];
  /** Seconds from `iat` to `exp`. Default 3600 (GitLab's default job timeout). */
  lifetime?: number;
  claims?: JWTPayload;
  header?: Record<string, unknown>;
}

/**
 * A loopback stand-in for a GitLab instance's OIDC issuer that mints CI/CD ID tokens with the claims
 * GitLab documents (docs.gitlab.com, "OpenID Connect (OIDC) Authentication Using ID Tokens"): header
 * `kid`, `typ: JWT`, `alg: RS256`; `sub` `project_path:GROUP/PROJECT:ref_type:TYPE:ref:REF`; `nbf`
 * 5 s before `iat`.
 */
export class GitLabIssuer extends PlatformIssuer {
  static start(options: { now?: Clock } = {}): Promise<GitLabIssuer> {
    return PlatformIssuer.boot((server) => new GitLabIssuer(GITLAB_PROFILE, server, options.now ?? Date.now));
  }

  /** The claims of a job's ID token (unsigned). */
  claimsFor(options: GitLabMintOptions = {}): JWTPayload {
    const projectPath = options.projectPath ?? 'acme/api';
    const ref = options.ref ?? 'main';
    const refType = options.refType ?? 'branch';
    const environment = options.environment;
    const iat = this.seconds();
    return {
      namespace_id: options.namespaceId ?? '4242',
      namespace_path: options.namespacePath ?? 'acme',
      project_id: options.projectId ?? '1234',
      project_path: projectPath,
      user_id: '77',
      user_login: 'alice',
      user_email: 'alice@example.com',
      user_access_level: 'maintainer',
      pipeline_id: '1102',
      pipeline_source: 'push',
      job_id: '5501',
      ref,
      ref_type: refType,
      ref_path: `refs/${refType === 'tag' ? 'tags' : 'heads'}/${ref}`,
      ref_protected: String(options.refProtected ?? true),
      ...(environment === undefined ? {} : { environment, environment_protected: 'true', deployment_tier: 'production', environment_action: 'start' }),
      runner_id: 12,
      runner_environment: options.runnerEnvironment ?? 'gitlab-hosted',
      sha: '714a629c0b401fdce83e847fc9589983fc6f46bc',
      project_visibility: 'private',
      ci_config_ref_uri: `gitlab.example/${projectPath}//.gitlab-ci.yml@refs/heads/${ref}`,
      ci_config_sha: '714a629c0b401fdce83e847fc9589983fc6f46bc',
      jti: randomUUID(),
      iss: this.issuer,
      iat,
      nbf: iat - 5,
      exp: iat + (options.lifetime ?? 3600),
      sub: `project_path:${projectPath}:ref_type:${refType}:ref:${ref}`,
      aud: options.audience ?? 'https://as.example',
      ...options.claims,
    };
  }

  /** A signed ID token for a job. */
  mint(options: GitLabMintOptions = {}): Promise<string> {
    return this.sign(this.claimsFor(options), { kid: this.currentKey.kid, typ: 'JWT', ...options.header });
  }
}
