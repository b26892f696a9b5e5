import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { AuthorizationServer } from '@rfc7523/core';
import { authorizationServerFactory } from './authorization-server.factory.js';
import { OAuthErrorFilter } from './filters/oauth-error.filter.js';
import { Rfc7523PlatformSupport } from './platform/platform-support.js';
import { ConfigurableModuleClass } from './rfc7523.module-definition.js';
import { REPLAY_STORE, RFC7523_OPTIONS } from './tokens.js';

/**
 * The RFC 7523 authorization server as a Nest module. `forRoot(options)` / `forRootAsync({ useFactory,
 * inject, imports })` take the engine's options (or `{ server }`), plus `isGlobal` (default false). It
 * provides and exports the engine under the `AuthorizationServer` class (inject it by type), created once at
 * start-up; a `REPLAY_STORE` provider visible to it becomes the engine's replay store (RFC 7523 §3.7),
 * otherwise the engine keeps its in-memory one. It also registers `OAuthErrorFilter` app-wide. It works on the
 * Express and the Fastify platform; on Fastify with `bodyParser: false` it registers a form parser that leaves
 * the form for the engine to read under `maxBodyLength`. Any other platform fails start-up.
 */
@Module({
  providers: [
    {
      provide: AuthorizationServer,
      useFactory: authorizationServerFactory,
      inject: [RFC7523_OPTIONS, { token: REPLAY_STORE, optional: true }],
    },
    { provide: APP_FILTER, useClass: OAuthErrorFilter },
    Rfc7523PlatformSupport,
  ],
  exports: [AuthorizationServer],
})
export class Rfc7523Module extends ConfigurableModuleClass {}
