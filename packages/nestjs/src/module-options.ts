import type { AuthorizationServer, AuthorizationServerOptions } from '@rfc7523/core';

/** Adopts an engine made elsewhere with `createAuthorizationServer` (e.g. shared with another adapter). */
export interface ExistingAuthorizationServerOptions {
  /** The engine, provided as it is. Its replay store is already fixed, so a `REPLAY_STORE` provider is refused. */
  server: AuthorizationServer;
}

/**
 * Options of `Rfc7523Module.forRoot` / `forRootAsync`: the engine's own options (validated once at
 * start-up; see `AuthorizationServerOptions` for each default and unit), or an existing engine.
 */
export type Rfc7523ModuleOptions = AuthorizationServerOptions | ExistingAuthorizationServerOptions;
