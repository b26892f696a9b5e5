/**
 * Loopback stand-ins for the platforms whose workload tokens the jwt-bearer grant carries: GitHub
 * Actions, GitLab CI/CD and Kubernetes. Each serves OIDC discovery and a JWKS on 127.0.0.1 and mints
 * tokens with the claims and header its platform documents; the GitHub one also has the job's
 * ACTIONS_ID_TOKEN_REQUEST_URL endpoint.
 */
export { PlatformIssuer, REMOTE_HTTP_JWKS_URI, type IssuerKey, type DiscoveryOverrides, type Clock } from './oidc-issuer.js';
export { GitHubActionsIssuer, type GitHubJob, type GitHubMintOptions } from './github-actions.js';
export { GitHubIdTokenEndpoint, type IdTokenRequest, type IdTokenReply } from './github-id-token-endpoint.js';
export { GitLabIssuer, type GitLabJob, type GitLabMintOptions } from './gitlab.js';
export { KubernetesIssuer, KUBERNETES_UIDS, type KubernetesMintOptions } from './kubernetes.js';
