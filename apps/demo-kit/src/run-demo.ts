import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthorizationServer, type AuthorizationServer } from '@rfc7523/core';
import { demoSettings, type DemoSettingsOptions } from './settings.js';
import { replayStoreFor } from './replay-store.js';

/** What a demo app gives the runner: its request listener and how to shut it down. */
export interface DemoApp {
  handler: RequestListener;
  close?: () => Promise<void>;
}

/** A started demo. */
export interface RunningDemo {
  /** Base URL it listens on, e.g. http://127.0.0.1:3000. */
  url: string;
  /** The engine behind it. */
  authorizationServer: AuthorizationServer;
  /** The HTTP server. */
  server: Server;
  /** Stops accepting connections and releases the replay store. */
  close(): Promise<void>;
}

/**
 * Starts a demo app the way INTERFACE.md describes: settings from `env`, one engine, one HTTP server.
 * Used by every app's main and by the tests (with PORT=0).
 */
export async function runDemo(
  env: Readonly<Record<string, string | undefined>>,
  defaultPort: number,
  build: (server: AuthorizationServer) => Promise<DemoApp> | DemoApp,
  options: DemoSettingsOptions = {},
): Promise<RunningDemo> {
  const settings = await demoSettings(env, defaultPort, options);
  const replay = await replayStoreFor(settings.redisUrl, options.redis);
  let authorizationServer: AuthorizationServer;
  let app: DemoApp | undefined;
  let server: Server;
  try {
    authorizationServer = await createAuthorizationServer({
      ...settings.options,
      ...(replay === undefined ? {} : { replayStore: replay.store }),
    });
    app = await build(authorizationServer);
    server = createServer(app.handler);
    server.keepAliveTimeout = 5000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(settings.port, settings.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    // Start-up failed: release what was already started (the Redis client would keep the process alive).
    await app?.close?.();
    await replay?.close();
    throw err;
  }
  const started = app; // a const, so the close() below sees it as defined
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    url: `http://${host}:${port}`,
    authorizationServer,
    server,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await started.close?.();
      await replay?.close();
    },
  };
}
