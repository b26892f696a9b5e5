import { open } from 'node:fs/promises';

/** Thrown by the readers below when the content is larger than allowed. Internal. */
export class TooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`larger than ${limit} bytes`);
    this.name = 'TooLargeError';
  }
}

/**
 * Reads a whole file as UTF-8, but never more than `limit` bytes: a larger file (or a device that never
 * ends) throws a TooLargeError after `limit + 1` bytes. Opens the path afresh each call, so a file that
 * is replaced (Kubernetes swaps a symlink when it rotates a projected token) is read anew.
 */
export async function readFileLimited(path: string, limit: number): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(limit + 1);
    let total = 0;
    while (total <= limit) {
      const { bytesRead } = await handle.read(buffer, total, limit + 1 - total, null);
      if (bytesRead === 0) break;
      total += bytesRead;
    }
    if (total > limit) throw new TooLargeError(limit);
    return buffer.subarray(0, total).toString('utf8');
  } finally {
    await handle.close();
  }
}

/** Reads a response body as UTF-8, cancelling it once more than `limit` bytes arrived (TooLargeError). */
export async function readBodyLimited(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limit) {
    await response.body?.cancel().catch(() => undefined);
    throw new TooLargeError(limit);
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > limit) {
      await reader.cancel().catch(() => undefined);
      throw new TooLargeError(limit);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
