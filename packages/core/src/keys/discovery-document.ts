import { isSecureUrl } from '../config/checks.js';

/** Where an issuer publishes its OpenID Provider metadata (OIDC Discovery 1.0 §4; rule W1). */
export function discoveryUrl(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
}

/**
 * The `jwks_uri` of a discovery document (OIDC Discovery 1.0 §3, §4.3; rule W1), or the reason the
 * document is unusable: not a JSON object, an `issuer` other than the configured one (compared exactly),
 * or a `jwks_uri` that is not `https` (or `http` on a loopback address). Checked before any key fetch, so
 * a bad `jwks_uri` is never requested.
 */
export function discoveredJwksUri(text: string, issuer: string): { jwksUri: string } | { problem: string } {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { problem: 'the discovery document is not JSON' };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return { problem: 'the discovery document is not a JSON object' };
  const { issuer: named, jwks_uri: jwksUri } = doc as { issuer?: unknown; jwks_uri?: unknown };
  if (named !== issuer) return { problem: `the discovery document names issuer ${JSON.stringify(named)}, not ${JSON.stringify(issuer)}` };
  if (typeof jwksUri !== 'string') return { problem: 'the discovery document has no jwks_uri' };
  let url: URL;
  try {
    url = new URL(jwksUri);
  } catch {
    return { problem: 'the discovery document jwks_uri is not a URL' };
  }
  if (!isSecureUrl(url)) return { problem: `the discovery document jwks_uri ${JSON.stringify(jwksUri)} is not https (http only on a loopback address)` };
  return { jwksUri };
}
