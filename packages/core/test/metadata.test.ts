import { createAuthorizationServer, JWT_BEARER_GRANT_TYPE, type AuthorizationServer } from '@rfc7523/core';
import { buildMetadata } from '../src/metadata.js';
import { ISSUER, jwks, makeKey } from './support/fixtures.js';

let server: AuthorizationServer;

beforeAll(async () => {
  const key = await makeKey('ES256');
  server = await createAuthorizationServer({
    issuer: ISSUER,
    clients: [{ client_id: 'c', jwks: jwks(key), scope: 'logs:write logs:read' }],
    trustedIssuers: [{ issuer: 'ci', jwks: jwks(key), subjects: ['s'], scope: 'deploy logs:read' }],
  });
});

describe('P4 authorization server metadata (RFC 8414)', () => {
  it('P4 names the issuer, token endpoint and jwks_uri', () => {
    expect(server.metadata).toMatchObject({ issuer: ISSUER, token_endpoint: `${ISSUER}/token`, jwks_uri: `${ISSUER}/jwks` });
  });

  it('P4 lists the jwt-bearer URN and client_credentials in grant_types_supported', () => {
    expect(server.metadata.grant_types_supported).toEqual([JWT_BEARER_GRANT_TYPE, 'client_credentials']);
  });

  it('P4 lists private_key_jwt as the only client authentication method', () => {
    expect(server.metadata.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt']);
  });

  it('P4 lists asymmetric signing algorithms only, with both EdDSA and Ed25519', () => {
    const algs = server.metadata.token_endpoint_auth_signing_alg_values_supported;
    expect(algs).toEqual(expect.arrayContaining(['RS256', 'PS256', 'ES256', 'EdDSA', 'Ed25519']));
    expect(algs.some((a) => a.toLowerCase() === 'none' || a.startsWith('HS'))).toBe(false);
  });

  it('lists the scopes of registered clients, once and sorted', () => {
    expect(server.metadata.scopes_supported).toEqual(['logs:read', 'logs:write']);
  });

  it("does not publish trusted issuers' scope ceilings, which the grant code does not reveal either", async () => {
    const key = await makeKey('ES256');
    const issuerOnly = await createAuthorizationServer({ issuer: ISSUER, trustedIssuers: [{ issuer: 'ci', jwks: jwks(key), subjects: ['s'], scope: 'deploy admin' }] });
    expect(issuerOnly.metadata.scopes_supported).toEqual([]);
    expect(JSON.stringify(issuerOnly.metadata)).not.toMatch(/deploy|admin/);
  });

  it('has no response types: there is no authorization endpoint', () => {
    expect(server.metadata.response_types_supported).toEqual([]);
  });

  it('is frozen', () => {
    expect(Object.isFrozen(server.metadata)).toBe(true);
  });

  it('follows explicit endpoint URLs', async () => {
    const custom = await createAuthorizationServer({ issuer: ISSUER, tokenEndpoint: `${ISSUER}/oauth2/token`, jwksUri: 'https://keys.example.com/as.json' });
    expect(custom.metadata).toMatchObject({ token_endpoint: `${ISSUER}/oauth2/token`, jwks_uri: 'https://keys.example.com/as.json', scopes_supported: [] });
  });

  it('buildMetadata takes any iterables', () => {
    const doc = buildMetadata({ issuer: 'i', tokenEndpoint: 't', jwksUri: 'j', grantTypes: new Set(['g']), scopes: ['b', 'a', 'b'] });
    expect(doc).toMatchObject({ grant_types_supported: ['g'], scopes_supported: ['a', 'b'] });
  });
});
