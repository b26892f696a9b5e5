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

/**
 * Writes a request's head with `Expect: 100-continue` and resolves once the server answers
 * `100 Continue`: Node's HTTP server sends it after parsing the head, when the request is handed to the
 * app. From then on the request is in flight for the server, with no race against what the test does next
 * (a stop that begins before the server has read the head would see an idle connection).
 */
export async function writeHeadInFlight(conn: RawConnection, head: string): Promise<void> {
  const [headers] = head.split('\r\n\r\n') as [string];
  const continued = new Promise<void>((resolve, reject) => {
    const check = () => {
      if (/^HTTP\/1\.1 100 /.test(conn.received())) {
        conn.socket.off('data', check);
        resolve();
      }
    };
    conn.socket.on('data', check);
    conn.socket.once('close', () => reject(new Error(`closed before 100 Continue: ${JSON.stringify(conn.received())}`)));
  });
  conn.socket.write(`${headers}\r\nExpect: 100-continue\r\n\r\n`);
  await continued;
  conn.socket.write(head.slice(headers.length + 4));
}

/** `text` without interim (1xx) responses such as `100 Continue`. */
export function finalResponses(text: string): string {
  return text.replace(/^(HTTP\/1\.1 1\d\d [^\r]*\r\n(?:[^\r]+\r\n)*\r\n)+/, '');
}

/** The status code of the first final (non-1xx) response in `text`, or undefined. */
export function statusOf(text: string): number | undefined {
  const match = /^HTTP\/1\.1 (\d{3})/.exec(finalResponses(text));
  return match === null ? undefined : Number(match[1]);
}

/** The JSON body of the (single) response in `text`, sent with Content-Length or chunked. */
export function jsonBodyOf(text: string): unknown {
  text = finalResponses(text);
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
