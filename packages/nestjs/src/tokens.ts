/**
 * Injection token of the replay store (RFC 7523 §3.7, OIDC Core §9; interface `ReplayStore`). Register a
 * provider for it — in a global module, or in a module listed in `forRootAsync({ imports })` — and
 * `Rfc7523Module` hands it to the engine as `replayStore`. Default: no provider, the engine's in-memory
 * store (one instance only).
 */
export const REPLAY_STORE = Symbol('REPLAY_STORE');

/** Injection token of the options given to `Rfc7523Module.forRoot` / `forRootAsync` (`Rfc7523ModuleOptions`). */
export const RFC7523_OPTIONS = Symbol('RFC7523_OPTIONS');

/**
 * Injection token of the public URL DPoP proofs are checked against by `AccessTokenGuard` (RFC 9449 §4.3
 * item 9; `PublicUrl` of @rfc7523/core): the base URL clients use (`https://api.example.com`, the request
 * path is appended) or a function returning a request's whole URL, for apps behind a proxy. Default: no
 * provider, the connection's scheme and the `Host` header.
 */
export const PUBLIC_URL = Symbol('PUBLIC_URL');

/** Metadata key under which `@RequireScopes()` stores the scopes a route needs (RFC 6750 §3.1). */
export const REQUIRED_SCOPES = Symbol('REQUIRED_SCOPES');
