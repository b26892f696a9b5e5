/** The explicit type of client assertions (rfc7523bis §4, RFC 8725 §3.11). */
export const CLIENT_ASSERTION_TYP = 'client-authentication+jwt';

/** Default lifetime of an assertion, seconds: short, since it is used once (RFC 7523 §3 item 4). */
export const DEFAULT_ASSERTION_LIFETIME = 60;

/** Longest lifetime an assertion may be given, seconds (1 day; servers refuse over 1 hour by default, rule J6). */
export const MAX_ASSERTION_LIFETIME = 86_400;

/** Path of RFC 8414 metadata, inserted between the host and the path of the issuer (RFC 8414 §3). */
export const OAUTH_METADATA_PATH = '/.well-known/oauth-authorization-server';

/** Path of OpenID Connect discovery, appended to the issuer (OIDC Discovery §4); tried when RFC 8414 answers 404. */
export const OIDC_METADATA_PATH = '/.well-known/openid-configuration';

/** Defaults of `TokenClient`. */
export const TOKEN_CLIENT_DEFAULTS = Object.freeze({
  /** Seconds before `expires_in` runs out at which a cached token is replaced (RFC 6749 §5.1). */
  refreshSkew: 30,
  /** Milliseconds an HTTP request may take before it is abandoned. */
  timeout: 10_000,
  /** Seconds a client assertion lives (RFC 7523 §3 item 4). */
  assertionLifetime: DEFAULT_ASSERTION_LIFETIME,
});

/** Defaults of the platform token sources (`githubActionsToken`, `gitlabToken`, `kubernetesToken`, `fileToken`). */
export const PLATFORM_TOKEN_DEFAULTS = Object.freeze({
  /** The CI/CD variable a GitLab job declares under `id_tokens:` for this client. */
  gitlabVariable: 'RFC7523_ID_TOKEN',
  /** Where a Kubernetes projected service-account token is mounted (`mountPath` + `path` of the volume). */
  kubernetesPath: '/var/run/secrets/tokens/rfc7523',
  /** Largest token file or ID-token response read, bytes. Platform tokens are 1–3 KB. */
  maxBytes: 65_536,
  /** Milliseconds the GitHub Actions ID-token request may take before it is abandoned. */
  timeout: 10_000,
});

/** `typ` of a DPoP proof (RFC 9449 §4.2). */
export const DPOP_PROOF_TYP = 'dpop+jwt';

/** `grant_type` of OAuth 2.0 Token Exchange (RFC 8693 §2.1), leg 1 of ID-JAG. */
export const TOKEN_EXCHANGE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:token-exchange';

/** Token type URI of an Identity Assertion JWT Authorization Grant (draft-ietf-oauth-identity-assertion-authz-grant §4.3, §10). */
export const ID_JAG_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id-jag';

/** Token type URI of an OpenID Connect ID Token (RFC 8693 §3): the usual `subject_token_type` of leg 1. */
export const ID_TOKEN_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:id_token';

/** Token type URI of a SAML 2.0 assertion (RFC 8693 §3), the other subject token an IdP must accept. */
export const SAML2_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:saml2';

/** Token type URI of a refresh token (RFC 8693 §3), which an IdP MAY accept as the subject token. */
export const REFRESH_TOKEN_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:refresh_token';

/** `typ` of an ID-JAG (draft-ietf-oauth-identity-assertion-authz-grant §3.1). */
export const ID_JAG_TYP = 'oauth-id-jag+jwt';

/** RAS metadata value naming the ID-JAG profile in `authorization_grant_profiles_supported` (draft §7.2). */
export const ID_JAG_GRANT_PROFILE = 'urn:ietf:params:oauth:grant-profile:id-jag';
