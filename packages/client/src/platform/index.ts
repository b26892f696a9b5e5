export { githubActionsToken, GITHUB_ACTIONS_ENV, type GithubActionsTokenOptions } from './github-actions-token.js';
export { gitlabToken, type GitlabTokenOptions } from './gitlab-token.js';
export { fileToken, kubernetesToken, type FileTokenOptions, type KubernetesTokenOptions } from './file-token.js';
export type { PlatformTokenSource, PlatformEnvironment } from './platform-token.js';
