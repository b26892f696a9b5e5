import { createServer, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { documentResponse, toErrorResponse, TemporarilyUnavailableError, writeNodeResponse, type HttpResponse } from '@rfc7523/core';

/** Serves one engine response through writeNodeResponse and returns what a client sees. */
async function roundTrip(result: HttpResponse, before?: (res: import('node:http').ServerResponse) => void) {
  const server = createServer((req, res) => {
    req.resume();
    before?.(res);
    writeNodeResponse(res, result);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method: 'GET', agent: false }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

describe('writeNodeResponse (adapters on Node http)', () => {
  it('P2 writes status, headers and the JSON body with its length', async () => {
    const res = await roundTrip(toErrorResponse(new TemporarilyUnavailableError('jwks_unavailable', 'later')));
    expect(res.status).toBe(503);
    expect(res.headers).toMatchObject({ 'cache-control': 'no-store', pragma: 'no-cache', 'retry-after': '5', 'content-type': 'application/json; charset=utf-8' });
    expect(JSON.parse(res.body)).toEqual({ error: 'temporarily_unavailable', error_description: 'later' });
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
  });

  it('counts the length in bytes', async () => {
    const res = await roundTrip({ status: 200, headers: {}, body: { name: 'ünïcödé' } });
    expect(JSON.parse(res.body)).toEqual({ name: 'ünïcödé' });
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
  });

  it('only ends a response whose headers were already sent', async () => {
    const res = await roundTrip({ status: 400, headers: { 'x-late': '1' }, body: { error: 'x' } }, (r) => {
      r.writeHead(202, { 'content-type': 'text/plain' });
      r.write('partial');
    });
    expect(res.status).toBe(202);
    expect(res.headers['x-late']).toBeUndefined();
    expect(res.body).toBe('partial');
  });
});

describe('documentResponse (metadata, JWKS)', () => {
  it('P4 serves JSON that caches may keep, five minutes by default', () => {
    expect(documentResponse({ issuer: 'x' })).toEqual({
      status: 200,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'public, max-age=300' },
      body: { issuer: 'x' },
    });
    expect(documentResponse({}, 60).headers['cache-control']).toBe('public, max-age=60');
  });
});
