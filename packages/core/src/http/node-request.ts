import type { IncomingMessage } from 'node:http';
import getRawBody from 'raw-body';
import { InvalidRequestError } from '../errors.js';
import type { PlainRequest } from '../request/plain-request.js';
import { forEachFormPair, formText } from '../request/urlencoded.js';

function isForm(request: IncomingMessage): boolean {
  return /^application\/x-www-form-urlencoded\s*(;|$)/i.test(request.headers['content-type'] ?? '');
}

function isBytes(body: unknown): body is string | Uint8Array {
  return typeof body === 'string' || body instanceof Uint8Array;
}

/**
 * Builds the engine's PlainRequest from a Node request, for adapters. Prefers, in order: the body text a
 * framework kept (`parsedBody` given as text or bytes, or `request.rawBody` as Nest's `rawBody: true`,
 * body-parser's `verify` hook and koa-bodyparser's `patchNode` leave it), so that the engine parses the
 * form itself, counts its exact size and refuses a JSON text taken for a form (rule R7, R8); then a body a
 * framework parsed into an object, whose size the engine estimates; otherwise reads the form body itself,
 * refusing more than `limit` bytes with 413 (rule R8). Bodies of other types are not read: the engine
 * refuses them by type.
 */
export async function plainRequestFromNode(request: IncomingMessage, parsedBody: unknown, limit: number): Promise<PlainRequest> {
  const base = { method: request.method ?? 'GET', headers: request.headers };
  if (isBytes(parsedBody)) return { ...base, body: parsedBody };
  if (request.readableEnded) {
    const raw = (request as { rawBody?: unknown }).rawBody;
    if (isBytes(raw)) return { ...base, body: raw };
    if (typeof parsedBody === 'object' && parsedBody !== null) return { ...base, body: parsedBody as PlainRequest['body'] };
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

/**
 * The fields to keep on the request (`req.body`, `ctx.request.body`) once the engine accepted it, so that an
 * introspection (RFC 7662 §2.1) or revocation (RFC 7009 §2.1) handler reads `token` as it would behind a
 * body parser: those of `body` read as text or bytes, as an object with no prototype (`{ token: '…' }`),
 * when `current` — what the request holds now — is absent or an empty object a parser left for a type it
 * does not read. Undefined otherwise: a parser's own result is never replaced. Call it only once the engine
 * accepted the request (a repeated parameter would keep its last value here).
 */
export function formFields(body: PlainRequest['body'], current?: unknown): Record<string, string> | undefined {
  if (!isBytes(body)) return undefined;
  if (current !== undefined && !(typeof current === 'object' && current !== null && !Array.isArray(current) && Object.keys(current).length === 0)) {
    return undefined;
  }
  const fields: Record<string, string> = Object.create(null) as Record<string, string>;
  forEachFormPair(formText(body), (name, value) => {
    fields[name] = value;
  });
  return fields;
}
