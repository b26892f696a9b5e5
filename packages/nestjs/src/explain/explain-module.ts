import type { DynamicModule, ValueProvider } from '@nestjs/common';
import { checkExistingServerOptions } from '../authorization-server.factory.js';
import { RFC7523_OPTIONS } from '../tokens.js';
import { AuthorizationServer, createExplainHandler, resolveExplainOptions, type ExplainOption } from '@rfc7523/core';
import { EXPLAIN_HANDLER, explainController } from './explain.controller.js';

/**
 * Adds the explain page (docs/explain.md) to the module definition `Rfc7523Module.forRoot` builds when the
 * `explain` extra asks for it: its controller at the option's path and the handler made from the engine.
 * Validates the option now, at start-up (an unknown field fails naming it, `explain.burst`; with `server`
 * given, a path the server already answers, `explain.path`, and an unknown option beside `server`). Off: unchanged.
 */
export function withExplain(definition: DynamicModule, option: ExplainOption): DynamicModule {
  // forRoot({ server }): the options are here already, checked now rather than when the app is created.
  const given = definition.providers?.find((p): p is ValueProvider => typeof p === 'object' && 'provide' in p && p.provide === RFC7523_OPTIONS && 'useValue' in p);
  const value: unknown = given?.useValue;
  if (typeof value === 'object' && value !== null) checkExistingServerOptions(value);
  const options = resolveExplainOptions(option);
  if (options === undefined) return definition;
  const server = (value as { server?: unknown } | undefined)?.server;
  if (server instanceof AuthorizationServer) createExplainHandler(server, options); // the path: explain.path
  return {
    ...definition,
    controllers: [...(definition.controllers ?? []), explainController(options.path)],
    providers: [
      ...(definition.providers ?? []),
      { provide: EXPLAIN_HANDLER, useFactory: (server: AuthorizationServer) => createExplainHandler(server, options), inject: [AuthorizationServer] },
    ],
  };
}
