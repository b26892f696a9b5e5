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
