import type { Server } from 'node:http';
import { secondsSetting } from './seconds-setting.js';

/** Default of `SHUTDOWN_TIMEOUT` (docs/demo-interface.md): seconds to finish requests in flight after SIGTERM / SIGINT. */
export const SHUTDOWN_TIMEOUT_DEFAULT = 10;

/**
 * Reads `SHUTDOWN_TIMEOUT` (docs/demo-interface.md): seconds, 0–3600, decimals allowed, default 10; returns
 * milliseconds. Throws a ConfigurationError naming the variable.
 */
export function shutdownTimeout(env: Readonly<Record<string, string | undefined>>): number {
  return secondsSetting(env, 'SHUTDOWN_TIMEOUT', SHUTDOWN_TIMEOUT_DEFAULT);
}

/**
 * Stops `server` gracefully: it stops accepting connections at once (new ones are refused), idle
 * keep-alive connections are closed, and each busy one is closed after its response. Resolves `true`
 * once every connection has ended, or — after `timeout` milliseconds — closes the remaining ones,
 * dropping their requests, and resolves `false`.
 */
export async function drainServer(server: Server, timeout: number): Promise<boolean> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Node ≥ 19 closes idle connections in close(); a connection that turns idle later is closed by
  // Node after its response, because the server no longer listens.
  server.closeIdleConnections();
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeout)));
  const drained = await Promise.race([closed.then(() => true), expired]);
  clearTimeout(timer);
  if (!drained) {
    server.closeAllConnections();
    await closed;
  }
  return drained;
}
