import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createAuthorizationServer, type AuthorizationServer } from '@rfc7523/core';
import { demoSettings, type DemoSettingsOptions } from './settings.js';
import { replayStoreFor } from './replay-store.js';
import { replayStoreReadiness, withHealth, type Readiness, type ReadinessCheck } from './health.js';
import { serverTimeouts, type ServerTimeouts } from './server-timeouts.js';
import { drainServer, shutdownTimeout } from './shutdown.js';
import { startTelemetry, type DemoTelemetry } from './telemetry.js';

/** What a demo app gives the runner: its request listener and how to shut it down. */
export interface DemoApp {
  /**
   * The app's request listener. `GET /healthz` and `GET /readyz` never reach it: the runner answers
   * them (see `withHealth`), so an app gets them without code of its own.
   */
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
  /** Which replay store it uses: `redis` (REDIS_URL, REDIS_CLUSTER_NODES or REDIS_SENTINELS) or `memory`. */
  replayStore: 'redis' | 'memory';
  /** Its time limits (`REQUEST_TIMEOUT`, `HEADERS_TIMEOUT`), milliseconds. */
  timeouts: ServerTimeouts;
  /** The Prometheus scrape URL when `OTEL_METRICS_EXPORTER` includes `prometheus` (docs/operations.md). */
  metricsUrl?: string;
  /** `SHUTDOWN_TIMEOUT` in milliseconds (default 10000): how long {@link shutdown} waits for requests in flight. */
  shutdownTimeout: number;
  /** What `GET /readyz` answers, without HTTP: whether the replay store answers now. */
  readiness(): Promise<Readiness>;
  /**
   * Graceful stop: refuses new connections at once, `/readyz` answers 503, requests in flight finish
   * within `timeout` milliseconds (default {@link shutdownTimeout}) and are dropped after it; then the
   * app and the replay store (Redis) are closed. Resolves `true` when no request was dropped.
   * The server stops listening before this returns. Idempotent; a later call, or {@link close}, cannot
   * shorten a stop already under way.
   */
  shutdown(timeout?: number): Promise<boolean>;
  /** Stops at once: refuses new connections, ends open ones, releases the app and the replay store. */
  close(): Promise<void>;
}

/** Options of {@link runDemo}: the settings' options. */
export type RunDemoOptions = DemoSettingsOptions;

/**
 * Starts a demo app the way docs/demo-interface.md describes: settings from `env`, one engine, one HTTP server
 * with `/healthz` and `/readyz`, request time limits (`REQUEST_TIMEOUT`, default 10 s;
 * `HEADERS_TIMEOUT`, default 5 s) and a graceful {@link RunningDemo.shutdown} (`SHUTDOWN_TIMEOUT`,
 * default 10 s). Used by every app's main and by the tests (with PORT=0).
 */
export async function runDemo(
  env: Readonly<Record<string, string | undefined>>,
  defaultPort: number,
  build: (server: AuthorizationServer) => Promise<DemoApp> | DemoApp,
  options: RunDemoOptions = {},
): Promise<RunningDemo> {
  const timeouts = serverTimeouts(env);
  const drainTimeout = shutdownTimeout(env);
  // Only what the closures below need is kept past start-up: the trust configuration (its clients, about
  // 1.2 kB each) is read into the engine's registry and then let go.
  const { port: listenPort, host: listenHost, redis, options: serverOptions } = await demoSettings(env, defaultPort, options);
  const replay = await replayStoreFor(redis, options.redis);
  const readiness: ReadinessCheck = replay === undefined ? async () => ({ ready: true }) : replayStoreReadiness(replay.store);
  let draining = false;
  let authorizationServer: AuthorizationServer;
  let app: DemoApp | undefined;
  let server: Server;
  let telemetry: DemoTelemetry | undefined;
  try {
    // OpenTelemetry SDK only when an OTEL_* variable asks for it (docs/operations.md).
    telemetry = await startTelemetry(env);
    authorizationServer = await createAuthorizationServer({
      ...serverOptions,
      ...(replay === undefined ? {} : { replayStore: replay.store }),
    });
    app = await build(authorizationServer);
    const handler = app.handler;
    const listener: RequestListener = (req, res) => {
      // A request that arrives on a kept-alive connection while draining is served, then the connection ends.
      if (draining) res.setHeader('connection', 'close');
      handler(req, res);
    };
    server = createServer(timeouts, withHealth(telemetry?.traceRequests(listener) ?? listener, { readiness, draining: () => draining }));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(listenPort, listenHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (err) {
    // Start-up failed: release what was already started (the Redis client would keep the process alive).
    await app?.close?.();
    await replay?.close();
    await telemetry?.shutdown();
    throw err;
  }
  const started = app; // a const, so the closures below see it as defined
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  let stopping: Promise<boolean> | undefined;
  const stop = (timeout: number): Promise<boolean> =>
    (stopping ??= (async () => {
      draining = true;
      const drained = await drainServer(server, timeout);
      await started.close?.();
      await replay?.close();
      await telemetry?.shutdown();
      return drained;
    })());
  return {
    url: `http://${host}:${port}`,
    authorizationServer,
    server,
    replayStore: replay === undefined ? 'memory' : 'redis',
    ...(telemetry?.metricsUrl === undefined ? {} : { metricsUrl: telemetry.metricsUrl }),
    timeouts,
    shutdownTimeout: drainTimeout,
    readiness: () => (draining ? Promise.resolve({ ready: false, reason: 'shutting down' }) : readiness()),
    shutdown: (timeout = drainTimeout) => stop(timeout),
    async close() {
      if (stopping === undefined) server.closeAllConnections();
      await stop(0);
    },
  };
}
