export { createClientAssertion, type ClientAssertionOptions } from './client-assertion.js';
export { createGrantAssertion, type GrantAssertionOptions } from './grant-assertion.js';
export { TokenClient, type TokenClientOptions, type TokenRequest, type GrantName, type GrantAssertionSource, type IdJagRequest } from './token-client.js';
export {
  exchangeIdentityAssertion,
  idJagClients,
  type IdentityAssertionExchangeOptions,
  type IdentityAssertionExchangeResult,
  type IdJagParty,
} from './id-jag.js';
export { readIdJagResponse, type IdJagResponse } from './id-jag-response.js';
export {
  createDpopProof,
  generateDpopKey,
  importDpopKey,
  isDpopKey,
  dpopHtu,
  dpopAth,
  type DpopKey,
  type DpopKeyInput,
  type DpopProofOptions,
  type GenerateDpopKeyOptions,
} from './dpop.js';
export type { AccessToken } from './token-response.js';
export { discoverMetadata, metadataUrls, type ServerMetadata, type DiscoveryOptions } from './discovery.js';
export { importSigningKey, type SigningKeyInput, type SigningKey, type SigningAlgorithm } from './signing-key.js';
export type { FetchFunction } from './lib/http.js';
export {
  githubActionsToken,
  gitlabToken,
  kubernetesToken,
  fileToken,
  GITHUB_ACTIONS_ENV,
  type PlatformTokenSource,
  type PlatformEnvironment,
  type GithubActionsTokenOptions,
  type GitlabTokenOptions,
  type KubernetesTokenOptions,
  type FileTokenOptions,
} from './platform/index.js';
export {
  ClientError,
  TokenRequestError,
  TokenResponseError,
  DiscoveryError,
  HttpRequestError,
  PlatformTokenError,
  type PlatformName,
  type ClientErrors,
  type ClientErrorCode,
  type OAuthErrorBody,
} from './errors.js';
export {
  CLIENT_ASSERTION_TYP,
  DEFAULT_ASSERTION_LIFETIME,
  MAX_ASSERTION_LIFETIME,
  OAUTH_METADATA_PATH,
  OIDC_METADATA_PATH,
  PLATFORM_TOKEN_DEFAULTS,
  TOKEN_CLIENT_DEFAULTS,
  DPOP_PROOF_TYP,
  TOKEN_EXCHANGE_GRANT_TYPE,
  ID_JAG_TOKEN_TYPE,
  ID_TOKEN_TOKEN_TYPE,
  SAML2_TOKEN_TYPE,
  REFRESH_TOKEN_TOKEN_TYPE,
  ID_JAG_TYP,
  ID_JAG_GRANT_PROFILE,
} from './constants.js';
export { JWT_BEARER_GRANT_TYPE, JWT_BEARER_CLIENT_ASSERTION_TYPE, ASSERTION_ALGORITHMS } from '@rfc7523/core/constants';
