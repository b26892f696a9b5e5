import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { InvalidRequestError } from '../errors.js';
import type { PlainRequest } from '../request/plain-request.js';

function isForm(request: IncomingMessage): boolean {
  return /^application\/x-www-form-urlencoded\s*(;|$)/i.test(request.headers['content-type'] ?? '');
}

/**
 * Builds the engine's PlainRequest from a Node request, for adapters. Uses a body a framework already
 * parsed when there is one; otherwise reads the form body itself, refusing more than `limit` bytes
 * with 413 (rule R8). Bodies of other types are not read: the engine refuses them by type.
 */
export async function plainRequestFromNode(request: IncomingMessage, parsedBody: unknown, limit: number): Promise<PlainRequest> {
  const base = { method: request.method ?? 'GET', headers: request.headers };
  const alreadyRead = typeof parsedBody === 'string' || parsedBody instanceof Uint8Array;
  if (alreadyRead || (typeof parsedBody === 'object' && parsedBody !== null && request.readableEnded)) {
    return { ...base, body: parsedBody as PlainRequest['body'] };
  }
  if (request.method !== 'POST' || !isForm(request) || request.readableEnded) return base;
  try {
    return { ...base, body: await getRawBody(request, { limit, encoding: 'utf8' }) };
  } catch (err) {
    const type = (err as { type?: string }).type;
    if (type === 'entity.too.large') {
      // The rest of the body is never read: close the connection rather than reuse a desynchronised one.
      throw new InvalidRequestError('body_too_large', 'the request body is too large', {
        status: 413,
        cause: err,
        headers: { connection: 'close' },
      });
    }
    throw new InvalidRequestError('malformed_body', 'the request body could not be read', { cause: err });
  }
}
