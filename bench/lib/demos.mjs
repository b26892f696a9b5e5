// The demo apps there are to benchmark: every apps/*-demo with a built dist/app.js.
import { existsSync, readdirSync } from 'node:fs';

const APPS = new URL('../../apps/', import.meta.url);

/** Names of the built demo apps, Express first, e.g. ['express-demo', 'fastify-demo', 'koa-demo', 'nest-demo']. */
export function builtDemos() {
  return readdirSync(APPS)
    .filter((name) => name.endsWith('-demo') && existsSync(new URL(`${name}/dist/app.js`, APPS)))
    .sort((a, b) => (a === 'express-demo' ? -1 : b === 'express-demo' ? 1 : a.localeCompare(b)));
}
