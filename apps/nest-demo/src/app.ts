import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { DemoApp } from '@rfc7523/demo-kit';
import type { AuthorizationServer } from '@rfc7523/nestjs';
import { AppModule } from './app.module.js';

/**
 * The NestJS demo (docs/demo-interface.md) around an engine already made: token endpoint, metadata, JWKS and one
 * protected route. Nest's body parser is off so that the engine reads the raw form under its own limit.
 */
export async function nestDemo(server: AuthorizationServer): Promise<DemoApp> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forServer(server), {
    bodyParser: false,
    logger: ['error'],
    abortOnError: false,
  });
  app.disable('x-powered-by');
  await app.init();
  return { handler: app.getHttpAdapter().getInstance(), close: () => app.close() };
}
