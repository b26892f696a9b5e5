import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkPublicUrl, ConfigurationError, resourceRequestFromNode, type PublicUrl, type ResourceRequest } from '@rfc7523/core';

/** Sends one real HTTP request to a loopback server and returns what resourceRequestFromNode made of it. */
async function seen(path: string, headers: Record<string, string | string[]>, publicUrl?: PublicUrl): Promise<ResourceRequest> {
  let result: ResourceRequest | undefined;
  const server = createServer((req: IncomingMessage, res) => {
    result = resourceRequestFromNode(req, req.url ?? '/', publicUrl);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => res.resume().on('end', resolve));
    req.on('error', reject);
    req.end();
  });
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return result!;
}

describe('resourceRequestFromNode (rule D2: the URL a DPoP proof names)', () => {
  it('takes Authorization, every DPoP value (joined by Node), the method and, by default, http + Host + path', async () => {
    const r = await seen('/api/x?y=1', { authorization: 'DPoP abc', dpop: 'p1', host: 'api.example.com:8080' });
    expect(r).toEqual({ authorization: 'DPoP abc', dpop: 'p1', method: 'GET', url: 'http://api.example.com:8080/api/x?y=1' });
    // Two DPoP header lines reach the engine as one comma-joined value, which it refuses as dpop_multiple.
    expect((await seen('/', { dpop: ['p1', 'p2'] })).dpop).toBe('p1, p2');
  });

  it('leaves the URL unknown when Host is not host[:port] (a / or ? in it would let the client pick the htu path)', async () => {
    for (const host of ['a.example/api/whoami?', 'a.example?x', 'a.example#f', 'user@a.example']) {
      expect((await seen('/admin/delete', { host })).url).toBeUndefined();
    }
    expect((await seen('/x', { host: '[::1]:8443' })).url).toBe('http://[::1]:8443/x');
    expect((await seen('/x', { host: '127.0.0.1' })).url).toBe('http://127.0.0.1/x');
  });

  it('appends the path to a publicUrl base (trailing slash or not), or uses a function of the request', async () => {
    expect((await seen('/api/x', {}, 'https://public.example.com/prefix/')).url).toBe('https://public.example.com/prefix/api/x');
    expect((await seen('/api/x', { 'x-forwarded-host': 'fw.example.com' }, (req) => `https://${String(req.headers['x-forwarded-host'])}${req.url}`)).url).toBe(
      'https://fw.example.com/api/x',
    );
  });

  it('checkPublicUrl refuses anything but an absolute http(s) URL without query or fragment, or a function', () => {
    expect(checkPublicUrl('https://api.example.com')).toBe('https://api.example.com');
    expect(checkPublicUrl(undefined)).toBeUndefined();
    for (const bad of ['api.example.com', 'ftp://x.example', 'https://x.example/?a=1', 'https://x.example/#f', 42]) {
      expect(() => checkPublicUrl(bad)).toThrow(ConfigurationError);
    }
    expect(() => checkPublicUrl('nope', 'PUBLIC_URL')).toThrow(/"PUBLIC_URL"/);
  });
});
