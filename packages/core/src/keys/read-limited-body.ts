/**
 * Reads a fetch response's body as UTF-8 text, refusing (and cancelling the download) once it passes
 * `maxBytes` — so a `jwks_uri` that answers with an endless or huge body cannot exhaust memory
 * (RFC 8725 §3.10 spirit: a key source is input, never trusted to be small). When `signal` aborts, the
 * download is cancelled (its connection destroyed) and the read rejects with the abort reason. Internal.
 */
export async function readLimitedText(response: Response, maxBytes: number, signal?: AbortSignal): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => {});
    throw new Error(`body larger than ${maxBytes} bytes`);
  }
  if (response.body === null) return '';
  signal?.throwIfAborted();
  const reader = response.body.getReader();
  // Cancelling rejects the pending read, so the loop below ends on abort whatever fetch does with the signal.
  // Stryker disable next-line OptionalChaining: onAbort only runs as a listener of signal, so signal is defined there
  const onAbort = () => void reader.cancel(signal?.reason).catch(() => {});
  signal?.addEventListener('abort', onAbort, { once: true });
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      signal?.throwIfAborted();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new Error(`body larger than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
  return Buffer.concat(chunks, size).toString('utf8');
}
