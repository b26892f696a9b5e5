import type { JWK } from 'jose';
import type { ClientMetadata, TrustedIssuerMetadata } from './config/metadata-types.js';
import type { DpopServerOptions } from './dpop/dpop-server-options.js';
import type { EventSink } from './events.js';
import type { GrantHandler } from './grants/grant-handler.js';
import type { RemoteKeySetOptions } from './keys/remote-key-set.js';
import type { ReplayStore } from './replay/replay-store.js';

/** Largest clock tolerance anyone may configure, seconds ("at most a few minutes", rule J4). */
export const MAX_CLOCK_TOLERANCE = 300;

/** Longest access-token lifetime anyone may configure, seconds (1 day). */
export const MAX_ACCESS_TOKEN_LIFETIME = 86_400;

/**
 * Every value of {@link AuthorizationServerOptions.importKeys}, the default first: when the keys of the
 * configuration's `jwks` are imported into node:crypto (RFC 7517 keys, rule J9).
 */
export const IMPORT_KEYS = Object.freeze(['at-start-up', 'on-first-use'] as const);

/** A value of {@link AuthorizationServerOptions.importKeys}; see there for what each does. */
export type ImportKeys = (typeof IMPORT_KEYS)[number];

/** Defaults of {@link AuthorizationServerOptions}. */
export const DEFAULTS = Object.freeze({
  /** Seconds (docs/configuration.md). */
  accessTokenLifetime: 300,
  /** Seconds (rule J4). */
  clockTolerance: 30,
  /** Seconds (rule J6). */
  maxAssertionLifetime: 3600,
  /** Bytes (rule R8). */
  maxAssertionLength: 16_384,
  /** Bytes (rule R8). */
  maxBodyLength: 65_536,
});

/** Options of `createAuthorizationServer`. Validated once at start-up, then frozen. */
export interface AuthorizationServerOptions {
  /** The authorization server's issuer identifier (RFC 8414 §2): `https`, or `http` on loopback. Required. */
  issuer: string;
  /** Token endpoint URL (RFC 8414 §2). Default `issuer + "/token"`. */
  tokenEndpoint?: string;
  /** URL where the access-token verification keys are published (RFC 8414 §2). Default `issuer + "/jwks"`. */
  jwksUri?: string;
  /** Registered clients, RFC 7591 metadata. Default none. */
  clients?: readonly ClientMetadata[];
  /** Trusted issuers of jwt-bearer grants (RFC 7523 §3). Default none. */
  trustedIssuers?: readonly TrustedIssuerMetadata[];
  /**
   * Private JWK that signs access tokens (RFC 9068 §2): EC P-256/384/521, Ed25519 or RSA ≥ 2048 bits.
   * Default: a P-256 key (ES256) generated at start-up, so tokens do not survive a restart.
   */
  signingKey?: JWK;
  /** `aud` of issued access tokens (RFC 9068 §2.2). Default the issuer. */
  accessTokenAudience?: string;
  /**
   * Resource indicators (RFC 8707 §2: absolute URIs) this server issues tokens for (rule G4): a requested
   * `resource` outside the list is `invalid_target`. Default none (any well-formed resource is accepted).
   */
  resources?: readonly string[];
  /** Access-token lifetime, seconds (RFC 6749 §5.1 `expires_in`). Default 300. */
  accessTokenLifetime?: number;
  /** Leeway for `exp`, `nbf` and `iat`, seconds, at most 300 (RFC 7519 §4.1.4). Default 30. */
  clockTolerance?: number;
  /** Longest assertion lifetime accepted, seconds (rule J6). Default 3600. */
  maxAssertionLifetime?: number;
  /** Longest assertion accepted, bytes, checked before any crypto (rule R8). Default 16384. */
  maxAssertionLength?: number;
  /** Longest request body accepted, bytes (rule R8). Default 65536. */
  maxBodyLength?: number;
  /** Where used assertions are remembered (rule J7). Default an in-memory store (one instance only). */
  replayStore?: ReplayStore;
  /**
   * DPoP (RFC 9449, rules D1–D2): server nonces (`nonces`, default off), proof `maxAge` (seconds, default
   * 60), accepted `algorithms` (default DPOP_SIGNING_ALG_VALUES_SUPPORTED), `maxJtiLength` (default 256).
   * Proofs are one-time through `replayStore`. Default `{}`.
   */
  dpop?: DpopServerOptions;
  /**
   * When the keys of `clients[].jwks` and `trustedIssuers[].jwks` are imported into node:crypto (RFC 7517
   * keys, rule J9): `'at-start-up'` (default) while the server is created, so that a key node:crypto
   * cannot import stops start-up with a ConfigurationError naming it and a client's first request pays no
   * import; `'on-first-use'` when an assertion first needs the key, for registries so large that start-up
   * time and memory matter more (15–30 µs and 1.5–2.5 kB a key; docs/configuration.md). Keys fetched from a
   * `jwks_uri` are imported on first use either way.
   */
  importKeys?: ImportKeys;
  /** Timing of `jwks_uri` fetches, milliseconds (rule J10). Defaults 5000 / 30000 / 600000. */
  jwksFetch?: RemoteKeySetOptions;
  /** Further grant types (e.g. `authorization_code`) reusing the same client authentication. */
  grants?: Readonly<Record<string, GrantHandler>>;
  /** Receives audit and metrics events. Default none. */
  onEvent?: EventSink;
  /** Clock, milliseconds since the epoch. Default `Date.now`. For tests. */
  now?: () => number;
}
