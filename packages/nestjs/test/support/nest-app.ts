/** A real Nest app on the Express or the Fastify platform, listening on port 0. */
import 'reflect-metadata';
import type { Server } from 'node:http';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory, type AbstractHttpAdapter } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import request from 'supertest';

/** A Nest HTTP platform the module, guards, decorators and filters must work on. */
export interface Platform {
  name: 'Express' | 'Fastify';
  adapter(): AbstractHttpAdapter;
}

/** Every spec runs on both platforms, as @nestjs/throttler's do. */
export const PLATFORMS: Platform[] = [
  { name: 'Express', adapter: () => new ExpressAdapter() },
  { name: 'Fastify', adapter: () => new FastifyAdapter() },
];

export interface TestApp {
  app: INestApplication;
  http: () => ReturnType<typeof request>;
  close(): Promise<void>;
}

/** How the app reads bodies: the raw form (what the README recommends) or Nest's own parser. */
export interface BodyMode {
  name: string;
  bodyParser: boolean;
}

/** Every guard and the token endpoint must work in both modes. */
export const BODY_MODES: BodyMode[] = [
  { name: 'bodyParser: false', bodyParser: false },
  { name: "Nest's body parser", bodyParser: true },
];

/** Each platform with each body mode, for `describe.each`. */
export const PLATFORM_BODY_MODES = PLATFORMS.flatMap((platform) =>
  BODY_MODES.map((mode) => ({ platform, mode, name: `${platform.name}, ${mode.name}` })),
);

export async function startApp(
  module: Type | DynamicModule,
  platform: Platform = PLATFORMS[0]!,
  bodyParser = false,
  configure: (app: INestApplication) => void = () => {},
): Promise<TestApp> {
  const app = await NestFactory.create(module, platform.adapter(), { bodyParser, logger: false, abortOnError: false });
  configure(app);
  await app.listen(0, '127.0.0.1');
  const server = app.getHttpServer() as Server;
  return {
    app,
    http: () => request(server),
    close: () => app.close(),
  };
}

/** The form parameter `name` of a body a guard or Nest's parser left on the request. */
export function formParam(body: unknown, name: string): string | undefined {
  if (typeof body === 'string') return new URLSearchParams(body).get(name) ?? undefined;
  const value = (body as Record<string, unknown> | undefined)?.[name];
  return typeof value === 'string' ? value : undefined;
}
