/**
 * A real JWKS endpoint on 127.0.0.1, port 0, whose behaviour the test controls: serve a key set
 * (rotate it by assigning a new one), answer 500, never answer (to exercise the fetch timeout), pad
 * the set with whitespace to `padding` bytes, stream whitespace without end (to exercise the body cap), or
 * send headers and then trickle one byte a second (to exercise the whole-fetch deadline).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

export type JwksMode = 'serve' | 'fail' | 'hang' | 'not-json' | 'not-a-set' | 'redirect' | 'padded' | 'endless' | 'trickle';

export interface JwksServer {
  /** `http://127.0.0.1:<port>/jwks.json` */
  readonly uri: string;
  /** The key set served in `serve` mode. */
  keys: JWK[];
  mode: JwksMode;
  /** Bytes of whitespace added after the key set in `padded` mode (declared in content-length). */
  padding: number;
  /** Bytes streamed in `endless` mode before the server gives up (no content-length). */
  readonly streamed: number;
  /** Requests received so far. */
  readonly requests: number;
  /** `trickle` responses whose connection the client has closed. */
  readonly trickleClosed: number;
  /** Responses held open in `hang` mode; released on close. */
  close(): Promise<void>;
}

export async function startJwksServer(keys: JWK[] = []): Promise<JwksServer> {
  let requests = 0;
  const hanging = new Set<ServerResponse>();
  const state = { keys, mode: 'serve' as JwksMode, padding: 0 };
  let streamed = 0;
  let trickleClosed = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests++;
    req.resume();
    switch (state.mode) {
      case 'fail':
        res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
        return;
      case 'hang':
        hanging.add(res);
        res.on('close', () => hanging.delete(res));
        return;
      case 'not-json':
        res.writeHead(200, { 'content-type': 'application/json' }).end('{not json');
        return;
      case 'redirect':
        res.writeHead(302, { location: '/elsewhere.json' }).end();
        return;
      case 'padded': {
        const body = JSON.stringify({ keys: state.keys }) + ' '.repeat(state.padding);
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body);
        return;
      }
      case 'endless': {
        // Whitespace in 64 KiB chunks until the client goes away (or 64 MiB, so a broken cap still ends).
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"keys":[]}');
        const chunk = ' '.repeat(65_536);
        const pump = () => {
          while (!res.destroyed && streamed < 67_108_864) {
            streamed += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          res.end();
        };
        pump();
        return;
      }
      case 'trickle': {
        // Headers at once, then a byte of whitespace a second: each byte resets any idle timer.
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"keys":[]');
        const timer = setInterval(() => res.write(' '), 1000);
        res.on('close', () => {
          clearInterval(timer);
          hanging.delete(res);
          trickleClosed++;
        });
        hanging.add(res);
        return;
      }
      case 'not-a-set':
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: 'nope' }));
        return;
      default:
        res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: state.keys }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    uri: `http://127.0.0.1:${port}/jwks.json`,
    get keys() {
      return state.keys;
    },
    set keys(value: JWK[]) {
      state.keys = value;
    },
    get mode() {
      return state.mode;
    },
    set mode(value: JwksMode) {
      state.mode = value;
    },
    get padding() {
      return state.padding;
    },
    set padding(value: number) {
      state.padding = value;
    },
    get streamed() {
      return streamed;
    },
    get requests() {
      return requests;
    },
    get trickleClosed() {
      return trickleClosed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
