import type { FetchFunction } from '@rfc7523/client';

/** The test kit's clock, at 2026-01-15T12:00:00Z. */
export class FakeClock extends TestClock {
  constructor() {
    super(Date.UTC(2026, 0, 15, 12, 0, 0));
  }
}

import { TestClock } from '../../../../test/support/clock.js';
export { makeKey, type TestKey } from '../../../../test/support/keys.js';

/** The JSON header and claims of a compact JWS, not verified. */
export function decode(jwt: string): { header: Record<string, unknown>; claims: Record<string, unknown> } {
  const [h, c] = jwt.split('.');
  return { header: JSON.parse(Buffer.from(h!, 'base64url').toString()), claims: JSON.parse(Buffer.from(c!, 'base64url').toString()) };
}

/** One request the fake server saw. */
export interface SeenRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  form: URLSearchParams;
}

/** A deferred answer: the test decides when the server replies. */
export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** A JSON response. */
export function jsonResponse(status: number, body: unknown): Response {
  return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

export const ISSUER = 'https://as.example.com';
export const TOKEN_ENDPOINT = `${ISSUER}/oauth2/token`;

/**
 * An authorization server behind a fake `fetch`: RFC 8414 metadata, and a token endpoint that answers
 * with `tokenReply` (by default a fresh Bearer token valid `expiresIn` seconds). Records every request.
 */
export class FakeServer {
  readonly requests: SeenRequest[] = [];
  metadata: Record<string, unknown> | null = { issuer: ISSUER, token_endpoint: TOKEN_ENDPOINT };
  expiresIn = 300;
  issued = 0;
  /** Replace to script the token endpoint. */
  tokenReply: (request: SeenRequest) => Response | Promise<Response> = () => {
    this.issued += 1;
    return jsonResponse(200, { access_token: `token-${this.issued}`, token_type: 'Bearer', expires_in: this.expiresIn });
  };

  #waiters: { count: number; resolve: () => void }[] = [];

  /** Resolves once the token endpoint has seen `count` requests in all. */
  tokenRequestsSeen(count: number): Promise<void> {
    if (this.tokenRequests.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  get tokenRequests(): SeenRequest[] {
    return this.requests.filter((r) => r.url === TOKEN_ENDPOINT);
  }

  get metadataRequests(): SeenRequest[] {
    return this.requests.filter((r) => r.url.includes('/.well-known/'));
  }

  fetch: FetchFunction = async (url, init) => {
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const seen: SeenRequest = { url, method: init.method ?? 'GET', headers, form: new URLSearchParams(String(init.body ?? '')) };
    this.requests.push(seen);
    const seenTokens = this.tokenRequests.length;
    this.#waiters = this.#waiters.filter((w) => (w.count <= seenTokens ? (w.resolve(), false) : true));
    if (url === `${ISSUER}/.well-known/oauth-authorization-server`) {
      return this.metadata === null ? jsonResponse(404, { error: 'not_found' }) : jsonResponse(200, this.metadata);
    }
    if (url === TOKEN_ENDPOINT && seen.method === 'POST') return this.tokenReply(seen);
    return jsonResponse(404, { error: 'not_found' });
  };
}
