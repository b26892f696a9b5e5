/** A real Nest app on the Express platform, listening on port 0. */
import 'reflect-metadata';
import type { Server } from 'node:http';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import request from 'supertest';

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

export async function startApp(
  module: Type | DynamicModule,
  bodyParser = false,
  configure: (app: INestApplication) => void = () => {},
): Promise<TestApp> {
  const app = await NestFactory.create(module, { bodyParser, logger: false, abortOnError: false });
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
