import type { AuthorizationServer } from '@rfc7523/core';
import type { DemoApp } from '@rfc7523/demo-kit';
import { expressDemo } from 'express-demo';
import { fastifyDemo } from 'fastify-demo';
import { koaDemo } from 'koa-demo';
import { nestDemo } from 'nest-demo';

/** A demo app the conformance suite drives over real HTTP. */
export interface ConformanceTarget {
  name: string;
  build: (server: AuthorizationServer) => Promise<DemoApp> | DemoApp;
}

/** Every demo app; each conformance file runs over all of them with describe.each. */
export const targets: ConformanceTarget[] = [
  { name: 'express-demo', build: expressDemo },
  { name: 'koa-demo', build: koaDemo },
  { name: 'nest-demo', build: nestDemo },
  { name: 'fastify-demo', build: fastifyDemo },
];
