import { createAuthorizationServer, type AuthorizationServer, type ReplayStore } from '@rfc7523/core';
import { Checker } from '@rfc7523/core/validation';
import type { Rfc7523ModuleOptions } from './module-options.js';

/**
 * Beside an existing `server`, any other option name (`explian`, `issuer`) would be silently ignored: a
 * ConfigurationError naming it. (The engine's own options are validated by createAuthorizationServer.)
 * `forRoot` calls it at once, `forRootAsync` when its factory has answered.
 */
export function checkExistingServerOptions(options: object): void {
  if ('server' in options) new Checker({ label: 'option' }).options(options, ['server']);
}

/**
 * The engine `Rfc7523Module` provides, made once at start-up: the `server` option as it is, or
 * `createAuthorizationServer(options)` with a `REPLAY_STORE` provider, when there is one, as its
 * `replayStore` (RFC 7523 §3.7). A replay store given two different ways is a TypeError, never a guess.
 */
export async function authorizationServerFactory(
  options: Rfc7523ModuleOptions,
  replayStore: ReplayStore | undefined,
): Promise<AuthorizationServer> {
  if ('server' in options) {
    checkExistingServerOptions(options);
    if (replayStore !== undefined) {
      throw new TypeError('"server" option cannot be combined with a REPLAY_STORE provider: give the store to createAuthorizationServer');
    }
    return options.server;
  }
  if (replayStore === undefined || options.replayStore === replayStore) return createAuthorizationServer(options);
  if (options.replayStore !== undefined) {
    throw new TypeError('"replayStore" option and a REPLAY_STORE provider name two different stores: keep one');
  }
  return createAuthorizationServer({ ...options, replayStore });
}
