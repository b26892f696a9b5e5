import type { AuthorizationServer } from '../server.js';

/** Paths at which an adapter mounts the server's endpoints, derived from its URLs. */
export interface EndpointPaths {
  /** Path of the token endpoint, e.g. `/token`. */
  token: string;
  /** RFC 8414 §3 metadata path: `/.well-known/oauth-authorization-server` + the issuer's path. */
  metadata: string;
  /** Path of the JWKS document (`jwks_uri`), e.g. `/jwks`. */
  jwks: string;
}

/** Computes {@link EndpointPaths} from the issuer, token endpoint and jwks_uri (RFC 8414 §3.1). */
export function endpointPaths(server: AuthorizationServer): EndpointPaths {
  const issuerPath = new URL(server.issuer).pathname.replace(/\/+$/, '');
  return {
    token: new URL(server.tokenEndpoint).pathname,
    metadata: `/.well-known/oauth-authorization-server${issuerPath}`,
    jwks: new URL(server.metadata.jwks_uri).pathname,
  };
}
