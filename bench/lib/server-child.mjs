// Child-process entry of a benchmarked server, so that the load generator never shares its event
// loop. Started by server-process.mjs; told what to run over IPC:
//   { type: 'start', spec }  ->  { type: 'ready', url, startupMs } | { type: 'error', message }
//   { type: 'stats' }        ->  { type: 'stats', heapUsed, rss }
//   { type: 'stop' }         ->  closes the server and exits 0 (so that --cpu-prof writes its file)
// spec: { kind: 'baseline' | 'oidc-provider', issuer, clientId, publicJwk }
//     | { kind: 'demo', demo: 'express-demo', issuer, configPath, replayEntries?: number, ownReplayStore?: boolean }
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { MemoryReplayStore } from '@rfc7523/core';
import { runDemo } from '@rfc7523/demo-kit';
import { baselineApp } from './baseline-server.mjs';
import { oidcProviderHandler } from './oidc-provider-server.mjs';
import { clientIdAt } from './trust-config.mjs';

/** Loads the build function a demo app exports from its dist/app.js (e.g. expressDemo). */
async function demoBuild(demo) {
  const module = await import(new URL(`../../apps/${demo}/dist/app.js`, import.meta.url).href);
  const build = Object.values(module).find((value) => typeof value === 'function');
  if (build === undefined) throw new Error(`apps/${demo}/dist/app.js exports no build function`);
  return build;
}

/** A MemoryReplayStore holding `entries` live entries with realistic keys (jtiReplayKey's format). */
async function filledReplayStore(entries) {
  const store = new MemoryReplayStore();
  const farFuture = Math.floor(Date.now() / 1000) + 365 * 86400;
  for (let i = 0; i < entries; i++) await store.remember('j' + JSON.stringify([clientIdAt(i % 10), randomUUID()]), farFuture);
  return store;
}

/** Serves `handler` (a node:http request listener) on a port of 127.0.0.1 the system chooses. */
async function startHandler(handler) {
  const server = createServer(handler);
  server.keepAliveTimeout = 5000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(resolve));
    },
  };
}

async function startDemo(spec) {
  const overrides = {};
  if (spec.ownReplayStore || spec.replayEntries > 0) overrides.replayStore = await filledReplayStore(spec.replayEntries ?? 0);
  const env = { PORT: '0', HOST: '127.0.0.1', ISSUER: spec.issuer, AS_CONFIG: spec.configPath };
  return runDemo(env, 0, await demoBuild(spec.demo), { logEvents: false, overrides });
}

let running;
process.on('message', async (message) => {
  try {
    if (message.type === 'start') {
      const started = Date.now();
      const { spec } = message;
      if (spec.kind === 'baseline') running = await startHandler(await baselineApp(spec));
      else if (spec.kind === 'oidc-provider') running = await startHandler(oidcProviderHandler(spec));
      else running = await startDemo(spec);
      process.send({ type: 'ready', url: running.url, startupMs: Date.now() - started });
    } else if (message.type === 'stats') {
      const { heapUsed, rss } = process.memoryUsage();
      process.send({ type: 'stats', heapUsed, rss });
    } else if (message.type === 'stop') {
      await running?.close();
      process.exit(0);
    }
  } catch (err) {
    process.send({ type: 'error', message: err?.stack ?? String(err) });
  }
});
// The parent went away (crash, Ctrl-C): do not linger.
process.on('disconnect', () => process.exit(0));
