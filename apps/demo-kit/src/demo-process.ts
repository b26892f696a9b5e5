import type { AuthorizationServer } from '@rfc7523/core';
import { runDemo, type DemoApp } from './run-demo.js';

/**
 * The `main` of a demo app: starts it from `process.env`, prints one line containing `listening`,
 * stops on SIGINT/SIGTERM, and exits non-zero with a clear message when the configuration is invalid
 * (INTERFACE.md).
 */
export async function startDemoProcess(
  name: string,
  defaultPort: number,
  build: (server: AuthorizationServer) => Promise<DemoApp> | DemoApp,
): Promise<void> {
  try {
    const demo = await runDemo(process.env, defaultPort, build);
    console.log(`${name} listening on ${demo.url} (issuer ${demo.authorizationServer.issuer})`);
    const stop = () => {
      void demo.close().then(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  } catch (err) {
    console.error(`${name} cannot start: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  }
}
