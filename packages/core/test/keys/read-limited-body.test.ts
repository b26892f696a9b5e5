/**
 * Reading a `jwks_uri` (or discovery) response body under a size cap (rule J10; RFC 8725 §3.10 spirit: a key
 * source is input, never trusted to be small). Real `Response` objects over `ReadableStream`s whose `cancel`
 * is observed, and a real local HTTP server where the connection matters.
 */
import { getEventListeners } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readLimitedText } from '../../src/keys/read-limited-body.js';
import { startJwksServer, type JwksServer } from '../../../../test/support/jwks-server.js';

const bytes = (text: string) => new TextEncoder().encode(text);
/** Lets pending reads, cancellations and stream callbacks run. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A body whose chunks are pushed by the test (`push`, `end`), recording every `cancel` and its reason.
 * `chunks` are queued at once.
 */
function body(chunks: Uint8Array[] = [], { close = true } = {}) {
  const cancels: unknown[] = [];
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      for (const chunk of chunks) c.enqueue(chunk);
      if (close) c.close();
    },
    cancel(reason) {
      cancels.push(reason);
    },
  });
  return { stream, cancels, push: (chunk: Uint8Array) => controller.enqueue(chunk), end: () => controller.close() };
}

const tooLarge = (max: number) => new Error(`body larger than ${max} bytes`);

describe('J10 a key source body is read under a size cap', () => {
  it('J10 reads the body as text', async () => {
    const { stream } = body([bytes('{"keys":'), bytes('[]}')]);
    await expect(readLimitedText(new Response(stream), 100)).resolves.toBe('{"keys":[]}');
  });

  it('J10 reads an empty body, and a response without a body, as the empty string', async () => {
    await expect(readLimitedText(new Response(''), 100)).resolves.toBe('');
    const noBody = new Response(null, { status: 204 });
    expect(noBody.body).toBeNull();
    await expect(readLimitedText(noBody, 100)).resolves.toBe('');
    await expect(readLimitedText(noBody, 100, new AbortController().signal)).resolves.toBe('');
  });

  it('J10 decodes UTF-8 whose characters are split across chunks', async () => {
    const euro = bytes('€'); // e2 82 ac
    const smile = bytes('😀'); // f0 9f 98 80
    const { stream } = body([euro.subarray(0, 1), euro.subarray(1), bytes('x'), smile.subarray(0, 3), smile.subarray(3)]);
    await expect(readLimitedText(new Response(stream), 100)).resolves.toBe('€x😀');
  });

  it('J10 refuses a declared content-length over the cap without reading, and cancels the download', async () => {
    const { stream, cancels } = body([bytes('small')]);
    const response = new Response(stream, { headers: { 'content-length': '11' } });
    await expect(readLimitedText(response, 10)).rejects.toEqual(tooLarge(10));
    expect(cancels).toEqual([undefined]);
  });

  it('J10 refuses a declared content-length over the cap when the response has no body', async () => {
    const response = new Response(null, { headers: { 'content-length': '11' } });
    expect(response.body).toBeNull();
    await expect(readLimitedText(response, 10)).rejects.toEqual(tooLarge(10));
  });

  it('J10 accepts a declared content-length exactly at the cap, and ignores one that is not a number', async () => {
    await expect(readLimitedText(new Response(body([bytes('0123456789')]).stream, { headers: { 'content-length': '10' } }), 10)).resolves.toBe('0123456789');
    await expect(readLimitedText(new Response(body([bytes('abc')]).stream, { headers: { 'content-length': 'lots' } }), 10)).resolves.toBe('abc');
  });

  it('J10 accepts a streamed body (no content-length) of exactly the cap', async () => {
    const { stream, cancels } = body([bytes('01234'), bytes('56789')]);
    const response = new Response(stream);
    expect(response.headers.get('content-length')).toBeNull();
    await expect(readLimitedText(response, 10)).resolves.toBe('0123456789');
    expect(cancels).toEqual([]);
  });

  it('J10 refuses a streamed body one byte over the cap, and cancels the download', async () => {
    const { stream, cancels } = body([bytes('01234'), bytes('56789'), bytes('X'), bytes('never read')], { close: false });
    await expect(readLimitedText(new Response(stream), 10)).rejects.toEqual(tooLarge(10));
    expect(cancels).toEqual([undefined]);
  });

  it('J10 leaves no abort listener on the signal once the read is over, read or refused', async () => {
    const signal = new AbortController().signal;
    await expect(readLimitedText(new Response(body([bytes('abc')]).stream), 10, signal)).resolves.toBe('abc');
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    await expect(readLimitedText(new Response(body([bytes('01234567890')]).stream), 10, signal)).rejects.toEqual(tooLarge(10));
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});

describe('J10 a body read is abandoned when its signal aborts', () => {
  it('J10 rejects with the reason of a signal already aborted, before reading anything', async () => {
    const reason = new Error('deadline passed');
    const { stream, cancels } = body([bytes('abc')]);
    const response = new Response(stream);
    await expect(readLimitedText(response, 10, AbortSignal.abort(reason))).rejects.toBe(reason);
    expect(response.body?.locked).toBe(false);
    expect(response.bodyUsed).toBe(false);
    expect(cancels).toEqual([]);
  });

  it('J10 rejects with the reason of a signal aborting mid-read, and cancels the download with that reason', async () => {
    const reason = new Error('deadline passed');
    const controller = new AbortController();
    const { stream, cancels, push } = body([], { close: false });
    const read = readLimitedText(new Response(stream), 100, controller.signal);
    read.catch(() => {}); // handled below, after the cancellation is checked
    push(bytes('{"keys":['));
    await settle();
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(1);
    controller.abort(reason);
    // The listener is a one-shot: gone as soon as the abort fired, before the read has even settled.
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    await settle();
    // Checked before awaiting the read: without the cancellation, the pending read would never end.
    expect(cancels).toEqual([reason]);
    await expect(read).rejects.toBe(reason);
  });

  it('J10 keeps nothing listening after a completed read: a later abort neither cancels nor throws', async () => {
    const controller = new AbortController();
    const { stream, cancels } = body([bytes('abc')]);
    await expect(readLimitedText(new Response(stream), 10, controller.signal)).resolves.toBe('abc');
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    expect(() => controller.abort(new Error('late'))).not.toThrow();
    await settle();
    expect(cancels).toEqual([]);
  });
});

describe('J10 over a real HTTP connection', () => {
  let server: JwksServer;
  let url: string;
  let handler: (req: IncomingMessage, res: ServerResponse) => void;
  /** Resolves when the client side has dropped the connection of the latest request. */
  let closed: Promise<void>;

  beforeEach(async () => {
    server = await startJwksServer();
    server.reply = (req, res) => {
      closed = new Promise<void>((resolve) => req.socket.once('close', () => resolve()));
      handler(req, res);
    };
    url = server.uri;
  });

  afterEach(() => server.close());

  it('J10 reads a body served by a server', async () => {
    handler = (_req, res) => res.end('{"keys":[]}');
    await expect(readLimitedText(await fetch(url), 100)).resolves.toBe('{"keys":[]}');
  });

  it('J10 refuses a declared huge body and drops the connection', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-length': String(10 * 1024 * 1024) });
      res.write('{"keys":['); // and never more
    };
    await expect(readLimitedText(await fetch(url), 1024)).rejects.toEqual(tooLarge(1024));
    await closed;
  });

  it('J10 refuses an endless body once past the cap and drops the connection', async () => {
    handler = (_req, res) => {
      const chunk = Buffer.alloc(4096, 'a');
      const pump = () => {
        while (!res.destroyed && res.write(chunk));
      };
      res.on('drain', pump);
      pump();
    };
    await expect(readLimitedText(await fetch(url), 64 * 1024)).rejects.toEqual(tooLarge(64 * 1024));
    await closed;
  });

  it('J10 rejects with the abort reason when the signal aborts while the server stalls', async () => {
    handler = (_req, res) => {
      res.writeHead(200);
      res.write('{"keys":['); // and never more
    };
    const reason = new Error('deadline passed');
    const controller = new AbortController();
    const read = readLimitedText(await fetch(url, { signal: controller.signal }), 1024, controller.signal);
    await settle();
    controller.abort(reason);
    await expect(read).rejects.toBe(reason);
    await closed;
  });
});
