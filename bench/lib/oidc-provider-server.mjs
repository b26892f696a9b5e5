// The peer every demo is compared with besides the thin baseline: node-oidc-provider 9 configured for
// the same work. One ES256 private_key_jwt client, the client_credentials grant, resource indicators
// (RFC 8707) with a default resource whose access tokens are ES256-signed JWTs, and the provider's own
// replay check of client assertion jti values (its in-memory adapter).
import { generateKeyPairSync } from 'node:crypto';
import Provider from 'oidc-provider';

/** The resource (RFC 8707) every access token is issued for. */
export const BENCH_RESOURCE = 'https://api.bench.test';

/** A request handler (node:http) serving POST /token for one client (`clientId`, `publicJwk`), issuer `issuer`. */
export function oidcProviderHandler({ issuer, clientId, publicJwk }) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        token_endpoint_auth_method: 'private_key_jwt',
        token_endpoint_auth_signing_alg: 'ES256',
        id_token_signed_response_alg: 'ES256',
        jwks: { keys: [publicJwk] },
        grant_types: ['client_credentials'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    jwks: { keys: [{ ...privateKey.export({ format: 'jwk' }), kid: 'as-1', alg: 'ES256', use: 'sig' }] },
    clientAuthMethods: ['private_key_jwt'],
    enabledJWA: { clientAuthSigningAlgValues: ['ES256'] },
    scopes: ['read', 'write'],
    cookies: { keys: ['rfc7523-bench-cookie-key'] },
    ttl: { ClientCredentials: 300 },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => BENCH_RESOURCE,
        useGrantedResource: () => true,
        getResourceServerInfo: () => ({ scope: 'read write', audience: BENCH_RESOURCE, accessTokenTTL: 300, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'ES256' } } }),
      },
    },
  });
  provider.on('server_error', (_ctx, err) => process.stderr.write(`oidc-provider server_error ${err.stack}\n`));
  return provider.callback();
}
