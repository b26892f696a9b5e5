import type { IncomingMessage } from 'node:http';
import { JWT_BEARER_GRANT_TYPE } from '@rfc7523/core';
import { sendJson, startLoopbackServer, type LoopbackServer } from '../../support/platforms/loopback-server.js';

/**
 * A stand-in authorization server for the client-side ID-JAG and DPoP tests (the engine's own ID-JAG
 * support is tested elsewhere): RFC 8414 metadata at the path-inserted well-known URL of issuer
 * `http://127.0.0.1:PORT/as`, and a token endpoint that records each request and answers a token —
 * `token_type: DPoP` when the request carried a `DPoP` header, else `Bearer`. It checks nothing.
 */
export interface StubAs {
  issuer: string;
  tokenEndpoint: string;
  requests: { form: URLSearchParams; headers: IncomingMessage['headers'] }[];
  close(): Promise<void>;
}

export async function startStubAs(): Promise<StubAs> {
  const requests: StubAs['requests'] = [];
  let issuer = '';
  const server: LoopbackServer = await startLoopbackServer(async (req, res, url) => {
    if (url.pathname === '/.well-known/oauth-authorization-server/as') {
      sendJson(res, 200, { issuer, token_endpoint: `${issuer}/oauth/token`, grant_types_supported: [JWT_BEARER_GRANT_TYPE, 'client_credentials'] });
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const form = new URLSearchParams(Buffer.concat(chunks).toString());
    requests.push({ form, headers: req.headers });
    sendJson(res, 200, {
      access_token: `at-${requests.length}`,
      token_type: typeof req.headers.dpop === 'string' ? 'DPoP' : 'Bearer',
      expires_in: 600,
      ...(form.get('scope') === null ? {} : { scope: form.get('scope') }),
    });
  });
  issuer = `${server.origin}/as`;
  return { issuer, tokenEndpoint: `${issuer}/oauth/token`, requests, close: () => server.close() };
}
