import type { JWK } from 'jose';
import type { AssertionAlgorithm } from '../constants.js';

/** A JWK Set holding public keys (RFC 7517 §5). */
export interface PublicJwks {
  keys: JWK[];
}

/**
 * A registered client, in RFC 7591 client metadata names, plus three extensions of ours.
 * Exactly one of `jwks` / `jwks_uri`.
 */
export interface ClientMetadata {
  /** The client identifier; an assertion's `iss` and `sub` must equal it (OIDC Core §9). */
  client_id: string;
  /** The client's public keys (RFC 7591 §2). */
  jwks?: PublicJwks;
  /** Where the client's public keys are published: `https`, or `http` on a loopback address (RFC 7591 §2). */
  jwks_uri?: string;
  /** Only `private_key_jwt` is supported. Default `private_key_jwt`. */
  token_endpoint_auth_method?: 'private_key_jwt';
  /**
   * When set, the only algorithm accepted from this client (OIDC Registration §2); `EdDSA` and `Ed25519`
   * count as one. With `jwks`, start-up refuses a pin that no listed key can verify; with `jwks_uri` the keys
   * are unknown until fetched, so a mismatch shows per request (`key_not_found`). Default: any of ASSERTION_ALGORITHMS.
   */
  token_endpoint_auth_signing_alg?: AssertionAlgorithm;
  /** Grant types the client may use (RFC 7591 §2); each must be one the server serves. Default `["client_credentials"]`. */
  grant_types?: string[];
  /** Space-separated scopes the client may be granted (RFC 7591 §2). Default: none. */
  scope?: string;
  /**
   * Compatibility switch (rfc7523bis §4): also accept the token endpoint URL as the sole `aud` of this
   * client's assertions, for clients that cannot be changed yet. Default `false`.
   */
  legacy_token_endpoint_audience?: boolean;
  /**
   * RFC 10070 rollout (rule A1): `strict` (rule J3), `warn` (the token endpoint URL accepted as sole `aud`,
   * with a `client_assertion.audience_deprecated` event each time) or `legacy` (accepted silently; what
   * `legacy_token_endpoint_audience: true` means). Default `strict`.
   */
  audience_policy?: 'strict' | 'warn' | 'legacy';
  /** Require `typ: client-authentication+jwt` on this client's assertions (rfc7523bis §4). Default `false`. */
  require_explicit_typ?: boolean;
  /** Longest assertion lifetime accepted from this client, seconds. Default: the server's `maxAssertionLifetime`. */
  max_assertion_lifetime?: number;
  /** Refuse this client's token requests without a DPoP proof (RFC 9449 §5.2, rule D1). Default `false`. */
  dpop_bound_access_tokens?: boolean;
}

/**
 * A trusted issuer of jwt-bearer grant assertions (RFC 7523 §3 item 1). Exactly one of `jwks` /
 * `jwks_uri` / `discovery: true`, and at least one of `subjects` / `claim_conditions` /
 * `allow_any_subject: true` (`subjects` and `allow_any_subject` exclude each other; rule W2).
 */
export interface TrustedIssuerMetadata {
  /** The `iss` value, compared by Simple String Comparison (RFC 7523 §3 item 1). */
  issuer: string;
  /** The issuer's public keys. */
  jwks?: PublicJwks;
  /** Where the issuer's public keys are published: `https`, or `http` on a loopback address. */
  jwks_uri?: string;
  /** The exact `sub` values this issuer may assert (RFC 7523 §3 item 2). */
  subjects?: string[];
  /** Accept any `sub` from this issuer. Must be `true` when present. */
  allow_any_subject?: boolean;
  /** Space-separated ceiling of the scopes a grant from this issuer may receive. Default: none. */
  scope?: string;
  /** Longest assertion lifetime accepted from this issuer, seconds. Default: the server's `maxAssertionLifetime`. */
  max_assertion_lifetime?: number;
  /** Require `jti` (rule J7). When `false`, replay is keyed on the signature. Default `true`. */
  require_jti?: boolean;
  /**
   * An enterprise IdP issuing Identity Assertion JWT Authorization Grants (rules G1–G5): its grants must
   * have `typ` `oauth-id-jag+jwt`, `aud` this server's issuer identifier as sole value, `client_id` the
   * authenticated client, `iat` and a one-time `jti`. Default `false`.
   */
  id_jag?: boolean;
  /**
   * Find the keys through OpenID Connect Discovery 1.0 §4 (rule W1): `issuer` + `/.well-known/openid-configuration`,
   * whose `issuer` must equal ours and whose `jwks_uri` must be `https` (or loopback `http`). Replaces `jwks` / `jwks_uri`.
   */
  discovery?: boolean;
  /** CEL expressions over `claims` and `header` that must all return `true` (rule W2). Default: none. */
  claim_conditions?: string[];
  /** When set, the grant's `aud` must contain one of these instead of naming this server (rule W3). */
  audiences?: string[];
  /** `false` lets one assertion be exchanged more than once until its `exp` (rule W4). Default `true`. */
  one_time_use?: boolean;
  /** CEL expression returning the access token's `sub` (rule W5). Default: the assertion's `sub`. */
  subject_mapping?: string;
  /** Defaults for a platform (rule W6): `github-actions`, `gitlab` or `kubernetes`; every field overrides them. */
  preset?: 'github-actions' | 'gitlab' | 'kubernetes';
}
