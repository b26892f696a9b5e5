import { ConfigurationError } from '@rfc7523/core';
import { secondsSetting } from './seconds-setting.js';

/** Defaults of {@link serverTimeouts}, in seconds. */
export const SERVER_TIMEOUT_DEFAULTS = Object.freeze({
  /** `REQUEST_TIMEOUT`: seconds a client has to send a whole request, headers and body (Node's default is 300). */
  requestTimeout: 10,
  /** `HEADERS_TIMEOUT`: seconds a client has to send the request headers (Node's default is 60). */
  headersTimeout: 5,
  /** Seconds an idle keep-alive connection stays open. */
  keepAliveTimeout: 5,
});

/** HTTP server time limits of a demo, in milliseconds: options of `http.createServer`. */
export interface ServerTimeouts {
  /** Whole request (headers and body), ms; on expiry Node answers 408 and closes the connection. */
  requestTimeout: number;
  /** Request headers, ms; on expiry Node answers 408 and closes the connection. */
  headersTimeout: number;
  /** Idle keep-alive connection, ms. */
  keepAliveTimeout: number;
  /** How often Node checks the two limits above, ms: at most 1000, so a limit is enforced within a second. */
  connectionsCheckingInterval: number;
}

/**
 * Reads `REQUEST_TIMEOUT` (default 10 s) and `HEADERS_TIMEOUT` (default 5 s) so that a client sending
 * slowly (slowloris) cannot hold a connection for Node's default 300 s. `HEADERS_TIMEOUT` must not
 * exceed `REQUEST_TIMEOUT`. Throws a ConfigurationError naming the variable.
 */
export function serverTimeouts(env: Readonly<Record<string, string | undefined>>): ServerTimeouts {
  const requestTimeout = secondsSetting(env, 'REQUEST_TIMEOUT', SERVER_TIMEOUT_DEFAULTS.requestTimeout, { min: 0.01 });
  const headersTimeout = secondsSetting(env, 'HEADERS_TIMEOUT', Math.min(SERVER_TIMEOUT_DEFAULTS.headersTimeout, requestTimeout / 1000), {
    min: 0.01,
  });
  if (headersTimeout > requestTimeout) throw new ConfigurationError('HEADERS_TIMEOUT', 'must not be greater than REQUEST_TIMEOUT');
  return {
    requestTimeout,
    headersTimeout,
    keepAliveTimeout: SERVER_TIMEOUT_DEFAULTS.keepAliveTimeout * 1000,
    connectionsCheckingInterval: Math.max(10, Math.min(1000, Math.floor(headersTimeout / 2))),
  };
}

