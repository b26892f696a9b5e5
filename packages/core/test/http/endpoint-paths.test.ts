import { createAuthorizationServer, endpointPaths } from '@rfc7523/core';

describe('endpointPaths (RFC 8414 §3.1)', () => {
  it('P4 mounts metadata at /.well-known/oauth-authorization-server for an issuer without a path', async () => {
    const server = await createAuthorizationServer({ issuer: 'https://as.example.com' });
    expect(endpointPaths(server)).toEqual({ token: '/token', metadata: '/.well-known/oauth-authorization-server', jwks: '/jwks' });
  });

  it('P4 inserts the well-known segment before the issuer path', async () => {
    const server = await createAuthorizationServer({ issuer: 'https://as.example.com/tenant/a/' });
    expect(endpointPaths(server)).toEqual({
      token: '/tenant/a/token',
      metadata: '/.well-known/oauth-authorization-server/tenant/a',
      jwks: '/tenant/a/jwks',
    });
  });

  it('follows explicit endpoint URLs', async () => {
    const server = await createAuthorizationServer({ issuer: 'http://127.0.0.1:3000', tokenEndpoint: 'http://127.0.0.1:3000/oauth2/token', jwksUri: 'http://127.0.0.1:3000/.keys' });
    expect(endpointPaths(server)).toEqual({ token: '/oauth2/token', metadata: '/.well-known/oauth-authorization-server', jwks: '/.keys' });
  });
});
