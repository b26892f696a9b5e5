import { connect, type Socket } from 'node:net';

/** A raw HTTP/1.1 connection the test writes byte by byte, to hold a request in flight. */
export interface RawConnection {
  socket: Socket;
  /** Everything the server sent so far. */
  received(): string;
  /** Resolves with everything the server sent once it closes the connection. */
  closed: Promise<string>;
}

/** Opens a TCP connection to the host and port of `url`; rejects on a connection error (e.g. ECONNREFUSED). */
export function openConnection(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let data = '';
    socket.on('data', (chunk) => (data += String(chunk)));
    const closed = new Promise<string>((resolveClosed) => socket.once('close', () => resolveClosed(data)));
    socket.once('error', reject);
    socket.once('connect', () => {
      socket.off('error', reject);
      socket.on('error', () => {}); // a reset after the test is done with it
      resolve({ socket, received: () => data, closed });
    });
  });
}

/** The status code of the first response in `text`, or undefined. */
export function statusOf(text: string): number | undefined {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
  return match === null ? undefined : Number(match[1]);
}

/** The JSON body of the (single) response in `text`, sent with Content-Length or chunked. */
export function jsonBodyOf(text: string): unknown {
  const split = text.indexOf('\r\n\r\n');
  let body = text.slice(split + 4);
  if (/^transfer-encoding:\s*chunked/im.test(text.slice(0, split))) {
    let decoded = '';
    for (;;) {
      const eol = body.indexOf('\r\n');
      const size = parseInt(body.slice(0, eol), 16);
      if (!(size > 0)) break;
      decoded += body.slice(eol + 2, eol + 2 + size);
      body = body.slice(eol + 2 + size + 2);
    }
    body = decoded;
  }
  return JSON.parse(body);
}
