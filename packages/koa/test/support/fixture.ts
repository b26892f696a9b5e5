/**
 * Test fixtures: the engine half (clock, keys, assertions, an engine) from test/support/engine-fixture.ts,
 * and a real Koa app listening on 127.0.0.1 port 0.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Koa from 'koa';

export * from '../../../../test/support/engine-fixture.js';

/** A Koa app listening on 127.0.0.1:0. */
export interface Listening {
  url: string;
  close(): Promise<void>;
}

export async function listen(app: Koa): Promise<Listening> {
  const server: Server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Asserts the RFC 6749 §5.2 / RFC 6750 §3.1 JSON error shape and headers (rule P2). */
export function expectOAuthError(res: { status: number; body: unknown; headers: Record<string, string> }, status: number, error: string): void {
  expect({ status: res.status, error: (res.body as { error?: unknown }).error }).toEqual({ status, error });
  expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
  expect(res.headers['cache-control']).toBe('no-store');
}
