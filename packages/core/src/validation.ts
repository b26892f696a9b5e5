/**
 * `@rfc7523/core/validation`: the one option and configuration validation kit of every @rfc7523 package
 * (the engine's options and trust file, the Redis store's options, the client's options). Loads nothing
 * of the engine: a `Checker` and the `ConfigurationError` (a `TypeError` naming the field) it throws.
 */
export { Checker, isLoopback, isSecureUrl, type CheckerStyle, type UrlParts } from './config/checks.js';
export { ConfigurationError } from './config/configuration-error.js';
