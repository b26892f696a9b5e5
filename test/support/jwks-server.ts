/**
 * A real JWKS endpoint on 127.0.0.1, port 0, whose behaviour the test controls: serve a key set
 * (rotate it by assigning a new one), answer 500, never answer (to exercise the fetch timeout), pad
 * the set with whitespace to `padding` bytes, stream whitespace without end (to exercise the body cap), or
 * send headers and then trickle one byte a second (to exercise the whole-fetch deadline). In `serve` mode
 * it also answers `/.well-known/openid-configuration` with a discovery document naming its origin as the
 * issuer and `/jwks.json` as `jwks_uri` (rule W1). A `reply` handler, when set, answers instead of every
 * mode; `log` keeps each request's path and Accept header.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';

export type JwksMode = 'serve' | 'fail' | 'hang' | 'not-json' | 'not-a-set' | 'redirect' | 'padded' | 'endless' | 'trickle';

/** What the server saw of one request. */
export interface JwksRequest {
  readonly path: string | undefined;
  readonly accept: string | undefined;
}

export interface JwksServer {
  /** `http://127.0.0.1:<port>` */
  readonly base: string;
  /** `http://127.0.0.1:<port>/jwks.json` */
  readonly uri: string;
  /** `http://127.0.0.1:<port>/.well-known/openid-configuration`: `{ issuer: base, jwks_uri: uri }` in `serve` mode. */
  readonly discoveryUri: string;
  /** The key set served in `serve` mode. */
  keys: JWK[];
  mode: JwksMode;
  /** Bytes of whitespace added after the key set in `padded` mode (declared in content-length). */
  padding: number;
  /** Bytes streamed in `endless` mode before the server gives up (no content-length). */
  readonly streamed: number;
  /** Answers every request instead of `mode` when set. */
  reply: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  /** Requests received so far. */
  readonly requests: number;
  /** Path and Accept header of each request received, in order. */
  readonly log: readonly JwksRequest[];
  /** `trickle` responses whose connection the client has closed. */
  readonly trickleClosed: number;
  /** Responses held open in `hang` mode; released on close. */
  close(): Promise<void>;
}

const DISCOVERY_PATH = '/.well-known/openid-configuration';

export async function startJwksServer(keys: JWK[] = []): Promise<JwksServer> {
  const log: JwksRequest[] = [];
  const hanging = new Set<ServerResponse>();
  const state = { keys, mode: 'serve' as JwksMode, padding: 0, reply: undefined as JwksServer['reply'] };
  let streamed = 0;
  let trickleClosed = 0;
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    log.push({ path: req.url, accept: req.headers.accept });
    req.resume();
    if (state.reply !== undefined) return state.reply(req, res);
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
        if (req.url === DISCOVERY_PATH) {
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ issuer: base, jwks_uri: `${base}/jwks.json` }));
          return;
        }
        res.writeHead(200, { 'content-type': 'application/jwk-set+json' }).end(JSON.stringify({ keys: state.keys }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    uri: `${base}/jwks.json`,
    discoveryUri: `${base}${DISCOVERY_PATH}`,
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
    get reply() {
      return state.reply;
    },
    set reply(value: JwksServer['reply']) {
      state.reply = value;
    },
    get requests() {
      return log.length;
    },
    log,
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
