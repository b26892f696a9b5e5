import type { Readable } from 'node:stream';
import { InvalidRequestError } from '@rfc7523/core';
import type { FastifyRequest } from 'fastify';

/** The media type of token requests (RFC 6749 §3.2). */
export const FORM = 'application/x-www-form-urlencoded';

/** rule R8: the rest of the body is never read, so the connection is closed rather than reused. */
function tooLarge(): InvalidRequestError {
  return new InvalidRequestError('body_too_large', 'the request body is too large', { status: 413, headers: { connection: 'close' } });
}

/**
 * A Fastify content-type parser for `application/x-www-form-urlencoded` that keeps the raw form text for
 * the engine (which refuses repeated parameters, rule R3) and reads at most `limit` bytes (the engine's
 * `maxBodyLength`, default 65536): a larger declared `content-length` is refused before reading, a larger
 * body as soon as it passes the limit, both with 413 `invalid_request` (rule R8).
 */
export function formBodyParser(limit: number) {
  return function parseOAuthForm(request: FastifyRequest, payload: Readable): Promise<string> {
    if (Number(request.headers['content-length']) > limit) return Promise.reject(tooLarge());
    return new Promise<string>((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const stop = () => {
        payload.off('data', onData);
        payload.off('end', onEnd);
        // The 'error' listener stays: a stream error after a refusal must not go unhandled.
      };
      function onData(chunk: Buffer): void {
        size += chunk.length;
        if (size <= limit) {
          chunks.push(chunk);
          return;
        }
        stop();
        reject(tooLarge());
      }
      function onEnd(): void {
        stop();
        resolve(Buffer.concat(chunks).toString('utf8'));
      }
      function onError(err: Error): void {
        stop();
        reject(new InvalidRequestError('malformed_body', 'the request body could not be read', { cause: err }));
      }
      payload.on('data', onData);
      payload.on('end', onEnd);
      payload.on('error', onError);
    });
  };
}
