import type { DynamicModule } from '@nestjs/common';
import { AuthorizationServer, createExplainHandler, resolveExplainOptions, type ExplainOption } from '@rfc7523/core';
import { EXPLAIN_HANDLER, explainController } from './explain.controller.js';

/**
 * Adds the explain page (docs/explain.md) to the module definition `Rfc7523Module.forRoot` builds when the
 * `explain` extra asks for it: its controller at the option's path and the handler made from the engine.
 * Validates the option now, at start-up (an unknown field fails naming it, `explain.burst`). Off: unchanged.
 */
export function withExplain(definition: DynamicModule, option: ExplainOption): DynamicModule {
  const options = resolveExplainOptions(option);
  if (options === undefined) return definition;
  return {
    ...definition,
    controllers: [...(definition.controllers ?? []), explainController(options.path)],
    providers: [
      ...(definition.providers ?? []),
      { provide: EXPLAIN_HANDLER, useFactory: (server: AuthorizationServer) => createExplainHandler(server, options), inject: [AuthorizationServer] },
    ],
  };
}
