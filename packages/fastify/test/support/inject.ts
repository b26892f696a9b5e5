import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';

/** What a test sends: the subset of `fastify.inject()` options these tests use. */
export interface InjectOptions {
  method: string;
  url: string;
  headers?: Record<string, string>;
  payload?: string | Buffer | Readable;
}

/** The answer, shaped like light-my-request's response. */
export interface InjectResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: string;
  json(): any;
}

/**
 * `fastify.inject()` over a real loopback connection. Why not inject itself: light-my-request requires
 * `cookie` 2, an ES module, with `require()`, and jest's module loader supports `require(esm)` only on
 * Node 24.9 and later — so on Node 22 (a maintained line we test) every inject() fails inside jest
 * ("Must use import to load ES Module"), although it works in plain Node. A real server on port 0 has no
 * such limit and exercises the same plugin. The app listens on first use; `app.close()` stops it.
 */
export async function inject(app: FastifyInstance, options: InjectOptions): Promise<InjectResponse> {
  if (!app.server.listening) await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  const headers: Record<string, string | number> = { ...options.headers };
  const payload = options.payload;
  if (typeof payload === 'string' || Buffer.isBuffer(payload)) headers['content-length'] = Buffer.byteLength(payload);
  return new Promise<InjectResponse>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, method: options.method, path: options.url, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        resolve({ statusCode: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
      });
    });
    // The server may answer (413) and close before a streamed body is complete: the answer still counts.
    req.on('error', reject);
    if (payload instanceof Readable) payload.pipe(req);
    else req.end(payload);
  });
}
