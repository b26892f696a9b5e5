import type { ServerResponse } from 'node:http';
import type { HttpResponse } from '../error-response.js';

/** Writes an engine response to a Node response, for adapters on Node's http (Express, Nest). */
export function writeNodeResponse(response: ServerResponse, result: HttpResponse): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  const payload = JSON.stringify(result.body);
  response.statusCode = result.status;
  for (const [name, value] of Object.entries(result.headers)) response.setHeader(name, value);
  response.setHeader('content-length', Buffer.byteLength(payload));
  response.end(payload);
}

/** A JSON document response (metadata, JWKS) that caches may keep for `maxAge` seconds. Default 300. */
export function documentResponse(body: object, maxAge = 300): HttpResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': `public, max-age=${maxAge}` },
    body: body as Record<string, unknown>,
  };
}
