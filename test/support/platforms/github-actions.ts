import { randomUUID } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { PlatformIssuer, type Clock, type PlatformProfile } from './oidc-issuer.js';

/**
 * GitHub's OIDC provider as its discovery document and JWKS look (issuer
 * https://token.actions.githubusercontent.com, keys at /.well-known/jwks, RS256 keys with a UUID `kid`
 * and an `x5t`). Here `x5t` is the SHA-1 thumbprint of the public key itself: the fixture has no X.509
 * certificate, so there is no `x5c`.
 */
const GITHUB_PROFILE: PlatformProfile = {
  name: 'github-actions',
  jwksPath: '/.well-known/jwks',
  async describeKey(key, jwk) {
    const kid = randomUUID();
    return { kid, jwk: { kty: jwk.kty, alg: 'RS256', use: 'sig', kid, n: jwk.n, e: jwk.e, x5t: key.spkiSha1 } };
  },
  discoveryExtras: () => ({
    subject_types_supported: ['public', 'pairwise'],
    response_types_supported: ['id_token'],
    claims_supported: [
      'sub', 'aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'ref', 'sha', 'repository', 'repository_id', 'repository_owner',
      'repository_owner_id', 'enterprise', 'enterprise_id', 'run_id', 'run_number', 'run_attempt', 'actor', 'actor_id',
      'workflow', 'workflow_ref', 'workflow_sha', 'head_ref', 'base_ref', 'event_name', 'ref_type', 'ref_protected',
      'environment', 'environment_node_id', 'job_workflow_ref', 'job_workflow_sha', 'repository_visibility',
      'runner_environment', 'check_run_id',
    ],
    id_token_signing_alg_values_supported: ['RS256'],
    scopes_supported: ['openid'],
  }),
};

/** What a GitHub Actions job's token describes. Ids are strings, as GitHub sends them. */
export interface GitHubJob {
  /** `OWNER/REPO`. Default `octo-org/octo-repo`. */
  repository?: string;
  /** Default `456789`. */
  repositoryId?: string;
  /** Default `123456`. */
  repositoryOwnerId?: string;
  /** Default `refs/heads/main`. */
  ref?: string;
  /** When set, the job references an environment: the claim is present and `sub` names it instead of the ref. */
  environment?: string;
  /** Default `push`. */
  eventName?: string;
  /** Default `github-hosted`. */
  runnerEnvironment?: 'github-hosted' | 'self-hosted';
  /**
   * Use GitHub's immutable subject format, `repo:OWNER@OWNER-ID/REPO@REPO-ID:…` (the default for
   * repositories created after 15 July 2026, opt-in for older ones). Default false: `repo:OWNER/REPO:…`.
   */
  immutableSubject?: boolean;
}

/** Options of {@link GitHubActionsIssuer.mint}. */
export interface GitHubMintOptions extends GitHubJob {
  /** `aud`: what the job asked for. Default: GitHub's own default, `https://github.com/OWNER`. */
  audience?: string;
  /** Claims added or replaced last (e.g. another `iss`). */
  claims?: JWTPayload;
  /** Header members added or replaced. */
  header?: Record<string, unknown>;
}

/**
 * A loopback stand-in for GitHub Actions' OIDC issuer that mints ID tokens with the claims and header
 * GitHub documents for a job (docs.github.com, "OpenID Connect reference"): header `typ: JWT`,
 * `alg: RS256`, `kid` and `x5t`; `nbf` 10 minutes before `iat`, `exp` 5 minutes after it.
 */
export class GitHubActionsIssuer extends PlatformIssuer {
  static start(options: { now?: Clock } = {}): Promise<GitHubActionsIssuer> {
    return PlatformIssuer.boot((server) => new GitHubActionsIssuer(GITHUB_PROFILE, server, options.now ?? Date.now));
  }

  /** The claims of a job's token (unsigned), for assertions in tests. */
  claimsFor(options: GitHubMintOptions = {}): JWTPayload {
    const repository = options.repository ?? 'octo-org/octo-repo';
    const [owner] = repository.split('/');
    const ref = options.ref ?? 'refs/heads/main';
    const environment = options.environment;
    const refType = ref.startsWith('refs/tags/') ? 'tag' : 'branch';
    const sha = 'e4c0b6a1c3f8d2b9a7e5f1d3c6b8a0e2f4d6c8b1';
    const workflowRef = `${repository}/.github/workflows/deploy.yml@${ref}`;
    const ownerId = options.repositoryOwnerId ?? '123456';
    const repositoryId = options.repositoryId ?? '456789';
    const subjectRepo = options.immutableSubject === true ? `${owner}@${ownerId}/${repository.split('/')[1]}@${repositoryId}` : repository;
    const iat = this.seconds();
    return {
      jti: randomUUID(),
      sub: environment === undefined ? `repo:${subjectRepo}:ref:${ref}` : `repo:${subjectRepo}:environment:${environment.replaceAll(':', '%3A')}`,
      ...(environment === undefined ? {} : { environment }),
      aud: options.audience ?? `https://github.com/${owner}`,
      ref,
      sha,
      repository,
      repository_owner: owner,
      repository_owner_id: ownerId,
      run_id: '9876543210',
      run_number: '42',
      run_attempt: '1',
      repository_visibility: 'private',
      repository_id: repositoryId,
      actor_id: '1001',
      actor: 'octocat',
      workflow: 'deploy',
      head_ref: '',
      base_ref: '',
      event_name: options.eventName ?? 'push',
      ref_protected: 'true',
      ref_type: refType,
      workflow_ref: workflowRef,
      workflow_sha: sha,
      job_workflow_ref: workflowRef,
      job_workflow_sha: sha,
      runner_environment: options.runnerEnvironment ?? 'github-hosted',
      iss: this.issuer,
      nbf: iat - 600,
      exp: iat + 300,
      iat,
      ...options.claims,
    };
  }

  /** A signed ID token for a job. */
  mint(options: GitHubMintOptions = {}): Promise<string> {
    const key = this.currentKey;
    return this.sign(this.claimsFor(options), { typ: 'JWT', x5t: key.spkiSha1, kid: key.kid, ...options.header });
  }
}
