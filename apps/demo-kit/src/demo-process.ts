import type { AuthorizationServer } from '@rfc7523/core';
import { runDemo, type DemoApp } from './run-demo.js';
import { demoLogger, type Logger } from './logger.js';
import { eventLogger } from './event-log.js';

/**
 * The `main` of a demo app (docs/demo-interface.md): starts it from `process.env` and logs JSON lines with pino
 * (human-readable on a TTY; `LOG_LEVEL`, default info): start-up, the engine's refusals and key
 * fetches, shutdown. Prints one line containing `listening on <url>` once it accepts connections. On
 * SIGTERM or SIGINT it refuses new connections, finishes requests in flight within `SHUTDOWN_TIMEOUT`
 * seconds (default 10), closes Redis and exits 0; a second signal stops at once (exit 1). Exits 1 with a
 * message naming the variable, or the file and field, when the configuration is invalid.
 */
export async function startDemoProcess(
  name: string,
  defaultPort: number,
  build: (server: AuthorizationServer) => Promise<DemoApp> | DemoApp,
): Promise<void> {
  let logger: Logger;
  try {
    logger = demoLogger({ name, level: process.env.LOG_LEVEL });
  } catch (err) {
    console.error(`${name} cannot start: ${(err as Error).message}`);
    process.exit(1);
  }
  try {
    const demo = await runDemo(process.env, defaultPort, build, { logEvents: false, overrides: { onEvent: eventLogger(logger) } });
    logger.info(
      { url: demo.url, issuer: demo.authorizationServer.issuer, replayStore: demo.replayStore },
      `${name} listening on ${demo.url} (issuer ${demo.authorizationServer.issuer})`,
    );
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) {
        logger.warn({ signal }, 'second signal: stopping at once, requests in flight are dropped');
        process.exit(1);
      }
      stopping = true;
      // shutdown() stops listening before it returns: once this line is out, connections are refused.
      const stopped = demo.shutdown();
      logger.info({ signal, timeout: demo.shutdownTimeout / 1000 }, 'shutting down: refusing new connections, finishing requests in flight');
      stopped.then(
        (drained) => {
          if (drained) logger.info('stopped');
          else logger.warn({ timeout: demo.shutdownTimeout / 1000 }, 'stopped: requests still in flight after SHUTDOWN_TIMEOUT were dropped');
          process.exit(0);
        },
        (err: unknown) => {
          logger.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  } catch (err) {
    logger.fatal(`${name} cannot start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
