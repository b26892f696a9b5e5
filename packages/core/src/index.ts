export { createAuthorizationServer, AuthorizationServer } from './server.js';
export type { AuthorizationServerOptions, ImportKeys } from './options.js';
export { DEFAULTS, MAX_CLOCK_TOLERANCE, MAX_ACCESS_TOKEN_LIFETIME } from './options.js';
export {
  JWT_BEARER_GRANT_TYPE,
  JWT_BEARER_CLIENT_ASSERTION_TYPE,
  CLIENT_CREDENTIALS_GRANT_TYPE,
  ASSERTION_ALGORITHMS,
  PRIVATE_KEY_JWT,
  type AssertionAlgorithm,
} from './constants.js';
export * from './errors.js';
export { toErrorResponse, oauthErrorResponse, asOAuthError, OAUTH_ERROR_MARK, NO_STORE_HEADERS, type HttpResponse, type ErrorReporter } from './error-response.js';
export type { PlainRequest } from './request/plain-request.js';
export { plainRequestFromNode, formFields } from './http/node-request.js';
export { writeNodeResponse, documentResponse } from './http/node-response.js';
export { endpointPaths, type EndpointPaths } from './http/endpoint-paths.js';
export type { AuthenticatedClient } from './client-authentication.js';
export type { VerifiedGrant } from './grants/jwt-bearer-grant.js';
export type { VerifiedAssertion, AssertionTrace, AssertionTraceStep } from './assertion/pipeline.js';
export { ASSERTION_RULES, assertionRulesFor, type AssertionRule, type AssertionStepId } from './assertion/rules.js';
export { assertionFix, maxLifetimeFor, type FixContext, type FixConfiguration } from './assertion/fixes.js';
export { createExplainHandler, writeExplainResponse, type ExplainHandler, type ExplainRequest, type ExplainResponse } from './explain/explain-handler.js';
export { resolveExplainOptions, EXPLAIN_DEFAULTS, type ExplainOptions, type ExplainOption, type ResolvedExplainOptions } from './explain/explain-options.js';
export type { ExplainReport, ExplainStep, ExplainTime, ExplainAudience } from './explain/explain-report.js';
export type { Registration, AudiencePolicy } from './assertion/registration.js';
export type { ClientRegistration, IssuerRegistration } from './registry.js';
export { CLIENT_ASSERTION_TYP, typMediaType } from './assertion/typ.js';
export { MAX_SUBJECT_LENGTH } from './assertion/subject.js';
export { SCOPE_PATTERN } from './scope.js';
export type { GrantHandler, GrantContext, AccessTokenRequest, TokenResponseBody } from './grants/grant-handler.js';
export type { AccessTokenClaims } from './access-tokens.js';
export type { AuthorizationServerMetadata } from './metadata.js';
export type { ReplayStore } from './replay/replay-store.js';
export { MemoryReplayStore, type MemoryReplayStoreOptions } from './replay/memory-replay-store.js';
export type { RemoteKeySetOptions } from './keys/remote-key-set.js';
export { REMOTE_KEY_SET_DEFAULTS } from './keys/remote-key-set.js';
export type { Rfc7523Event, EventSink, AssertionUse } from './events.js';
export { ConfigurationError } from './config/configuration-error.js';
export type { ClientMetadata, TrustedIssuerMetadata, PublicJwks } from './config/metadata-types.js';
export { loadTrustConfig, parseTrustConfig, type TrustConfig } from './config/trust-config.js';
export {
  DPOP_SIGNING_ALG_VALUES_SUPPORTED,
  DPOP_DEFAULTS,
  DPOP_NONCE_DEFAULTS,
  DPOP_TOKEN_TYPE,
  DpopVerifier,
  DpopNonces,
  verifyDpopProof,
  normaliseHtu,
  accessTokenHash,
  dpopAccessTokenBinding,
  confirmationJkt,
  dpopChallenge,
  dpopTokenEndpointError,
  dpopResourceError,
  InvalidDpopProofError,
  UseDpopNonceError,
  DpopInvalidTokenError,
  type DpopErrorCode,
  type DpopReasonCode,
  type DpopRefusal,
  type DpopNonceSource,
  type DpopNoncesOptions,
  type DpopVerifierOptions,
  type DpopHeaderValues,
  type DpopProof,
  type DpopRequestContext,
  type DpopVerification,
} from './dpop/index.js';
export type { ResourceRequest } from './access-tokens.js';
export type { DpopServerOptions } from './dpop/dpop-server-options.js';
export { resourceRequestFromNode, checkPublicUrl, type PublicUrl } from './http/resource-request.js';
