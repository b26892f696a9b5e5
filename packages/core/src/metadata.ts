import { ID_JAG_GRANT_PROFILE } from './id-jag/constants.js';
import { ASSERTION_ALGORITHMS, PRIVATE_KEY_JWT } from './constants.js';
import { DPOP_SIGNING_ALG_VALUES_SUPPORTED } from './dpop/dpop-algorithms.js';

/** RFC 8414 §2 authorization server metadata, as served at `/.well-known/oauth-authorization-server`. */
export interface AuthorizationServerMetadata {
  issuer: string;
  token_endpoint: string;
  jwks_uri: string;
  grant_types_supported: string[];
  token_endpoint_auth_methods_supported: string[];
  token_endpoint_auth_signing_alg_values_supported: string[];
  /** The registered clients' scopes, sorted; trusted issuers' ceilings are left out (RFC 8414 §2 allows it). */
  scopes_supported: string[];
  response_types_supported: string[];
  /** Algorithms accepted in DPoP proofs (RFC 9449 §5.1, rule D3). */
  dpop_signing_alg_values_supported: string[];
  [extension: string]: unknown;
}

/**
 * Builds the metadata document once from the server's configuration (RFC 8414 §2). `scopes` are the
 * registered clients' scopes only: RFC 8414 §2 lets a server leave scope values out, and the trusted
 * issuers' `scope` ceilings are not published (the grant code does not reveal them either).
 */
export function buildMetadata(input: {
  issuer: string;
  tokenEndpoint: string;
  jwksUri: string;
  grantTypes: Iterable<string>;
  scopes: Iterable<string>;
  /** DPoP proof algorithms accepted (RFC 9449 §5.1). Default DPOP_SIGNING_ALG_VALUES_SUPPORTED. */
  dpopAlgorithms?: readonly string[];
  /** Whether an ID-JAG issuer is configured: then `authorization_grant_profiles_supported` lists the ID-JAG profile (rule G6). Default false. */
  idJag?: boolean;
}): Readonly<AuthorizationServerMetadata> {
  return Object.freeze({
    issuer: input.issuer,
    token_endpoint: input.tokenEndpoint,
    jwks_uri: input.jwksUri,
    grant_types_supported: [...input.grantTypes],
    token_endpoint_auth_methods_supported: [PRIVATE_KEY_JWT],
    token_endpoint_auth_signing_alg_values_supported: [...ASSERTION_ALGORITHMS],
    scopes_supported: [...new Set(input.scopes)].sort(),
    // No authorization endpoint: this server issues tokens to machines only.
    response_types_supported: [],
    dpop_signing_alg_values_supported: [...(input.dpopAlgorithms ?? DPOP_SIGNING_ALG_VALUES_SUPPORTED)],
    // Draft-ietf-oauth-identity-assertion-authz-grant §7.2: the profile, never which issuers are trusted (§9.4).
    ...(input.idJag === true ? { authorization_grant_profiles_supported: [ID_JAG_GRANT_PROFILE] } : {}),
  });
}
