import { discoverMetadata, DiscoveryError, HttpRequestError, metadataUrls } from '@rfc7523/client';
import { FakeServer, ISSUER, jsonResponse, TOKEN_ENDPOINT } from './support/fixtures.js';

describe('metadataUrls (RFC 8414 §3.1, OpenID Connect Discovery §4)', () => {
  it('appends the well-known paths to an issuer without a path', () => {
    expect(metadataUrls('https://as.example.com')).toEqual([
      'https://as.example.com/.well-known/oauth-authorization-server',
      'https://as.example.com/.well-known/openid-configuration',
    ]);
  });

  it('inserts the RFC 8414 path before the issuer path, and appends the OpenID one after it', () => {
    expect(metadataUrls('https://as.example.com/tenants/a/')).toEqual([
      'https://as.example.com/.well-known/oauth-authorization-server/tenants/a',
      'https://as.example.com/tenants/a/.well-known/openid-configuration',
    ]);
  });
});

describe('discoverMetadata', () => {
  it('returns the metadata when its issuer is exactly the one asked for', async () => {
    const server = new FakeServer();
    server.metadata = { issuer: ISSUER, token_endpoint: TOKEN_ENDPOINT, grant_types_supported: ['client_credentials'] };
    await expect(discoverMetadata(ISSUER, { fetch: server.fetch })).resolves.toEqual(server.metadata);
  });

  it('refuses an answer that is not a JSON object', async () => {
    const fetch = async () => new Response('<html>', { status: 200 });
    await expect(discoverMetadata(ISSUER, { fetch })).rejects.toThrow(`${ISSUER}/.well-known/oauth-authorization-server did not answer a JSON object`);
  });

  it('refuses metadata without a token_endpoint', async () => {
    const fetch = async () => jsonResponse(200, { issuer: ISSUER });
    await expect(discoverMetadata(ISSUER, { fetch })).rejects.toBeInstanceOf(DiscoveryError);
  });

  it('says which URL failed when both documents are missing', async () => {
    const fetch = async () => jsonResponse(404, {});
    await expect(discoverMetadata(ISSUER, { fetch })).rejects.toThrow(`${ISSUER}/.well-known/openid-configuration answered HTTP 404`);
  });

  it('does not follow redirects', async () => {
    let redirect: RequestInit['redirect'];
    const fetch = async (_url: string, init: RequestInit) => ((redirect = init.redirect), new Response(null, { status: 302, headers: { location: 'https://evil.example' } }));
    await expect(discoverMetadata(ISSUER, { fetch })).rejects.toThrow('answered HTTP 302');
    expect(redirect).toBe('manual');
  });

  it('a network failure is an HttpRequestError', async () => {
    const fetch = () => Promise.reject(new TypeError('fetch failed'));
    await expect(discoverMetadata(ISSUER, { fetch })).rejects.toBeInstanceOf(HttpRequestError);
  });

  it('refuses an http issuer on a remote host before any request', async () => {
    await expect(discoverMetadata('http://as.example.com', { fetch: () => Promise.reject(new Error('no')) })).rejects.toThrow('"issuer" option must be an https URL');
  });
});
