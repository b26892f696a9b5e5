import { Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { endpointPaths, PUBLIC_URL, Rfc7523Module, type AuthorizationServer } from '@rfc7523/nestjs';
import { authorizationServerController } from './authorization-server.controller.js';
import { NotFoundFilter } from './not-found.filter.js';
import { WhoAmIController } from './whoami.controller.js';

/** The demo's root module. */
@Module({})
export class AppModule {
  /**
   * The demo around an engine the demo runner already made from the environment (docs/demo-interface.md), so that
   * configuration errors and `REDIS_URL` are handled once for every demo. An app that makes its own engine
   * registers `Rfc7523Module.forRootAsync({ useFactory: (config) => engineOptions, inject: [...] })` instead.
   */
  static forServer(server: AuthorizationServer): DynamicModule {
    return {
      module: AppModule,
      // The explain page and its dry-run endpoint (docs/explain.md): off by default in the package, on in the demo.
      imports: [Rfc7523Module.forRoot({ server, explain: true })],
      controllers: [authorizationServerController(endpointPaths(server)), WhoAmIController],
      providers: [
        { provide: APP_FILTER, useClass: NotFoundFilter },
        // Rule D2: DPoP proofs name the URL as clients see it, ISSUER's origin plus the request path.
        { provide: PUBLIC_URL, useValue: new URL(server.issuer).origin },
      ],
    };
  }
}
