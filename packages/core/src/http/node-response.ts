import type { ServerResponse } from 'node:http';
import type { HttpResponse } from '../error-response.js';

/**
 * Writes a status, headers and a text body (with its `content-length`, bytes) to a Node response; a
 * response whose headers are already sent is only ended.
 */
export function writeNodeText(response: ServerResponse, status: number, headers: Readonly<Record<string, string>>, text: string): void {
  if (response.headersSent) {
    response.end();
    return;
  }
  response.statusCode = status;
  for (const [name, value] of Object.entries(headers)) response.setHeader(name, value);
  response.setHeader('content-length', Buffer.byteLength(text));
  response.end(text);
}

/** Writes an engine response (its body as JSON) to a Node response, for adapters on Node's http (Express, Nest). */
export function writeNodeResponse(response: ServerResponse, result: HttpResponse): void {
  writeNodeText(response, result.status, result.headers, JSON.stringify(result.body));
}

/** A JSON document response (metadata, JWKS) that caches may keep for `maxAge` seconds. Default 300. */
export function documentResponse(body: object, maxAge = 300): HttpResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': `public, max-age=${maxAge}` },
    body: body as Record<string, unknown>,
  };
}
