import { ASSERTION_ALGORITHMS, CLIENT_CREDENTIALS_GRANT_TYPE } from './constants.js';
import type { ClientMetadata, TrustedIssuerMetadata } from './config/metadata-types.js';
import type { EventSink } from './events.js';
import { localKeySet, RemoteKeySet, type KeyResolver, type RemoteKeySetOptions } from './keys/remote-key-set.js';

/** A registered client, prepared once at start-up. */
export interface ClientEntry {
  readonly clientId: string;
  readonly metadata: Readonly<ClientMetadata>;
  readonly resolveKey: KeyResolver;
  readonly algorithms: ReadonlySet<string>;
  readonly grantTypes: ReadonlySet<string>;
  readonly scope: ReadonlySet<string>;
  /** Seconds. */
  readonly maxLifetime: number;
  readonly legacyAudience: boolean;
  readonly requireExplicitTyp: boolean;
}

/** A trusted issuer of grant assertions, prepared once at start-up. */
export interface IssuerEntry {
  readonly issuer: string;
  readonly metadata: Readonly<TrustedIssuerMetadata>;
  readonly resolveKey: KeyResolver;
  /** null when any subject is allowed. */
  readonly subjects: ReadonlySet<string> | null;
  readonly scope: ReadonlySet<string>;
  /** Seconds. */
  readonly maxLifetime: number;
  readonly requireJti: boolean;
}

const ALL_ALGORITHMS: ReadonlySet<string> = new Set(ASSERTION_ALGORITHMS);
const ED25519_NAMES: ReadonlySet<string> = new Set(['EdDSA', 'Ed25519']);

/**
 * The algorithms a client pinned with `token_endpoint_auth_signing_alg` may use (OIDC Registration §2):
 * that one, except that `EdDSA` and `Ed25519` are two names of one algorithm for an Ed25519 key (RFC 9864
 * §2; rule J9), so pinning either accepts both — openid-client 6 sends `Ed25519`.
 */
export function pinnedAlgorithms(alg: string | undefined): ReadonlySet<string> {
  if (alg === undefined) return ALL_ALGORITHMS;
  return ED25519_NAMES.has(alg) ? ED25519_NAMES : new Set([alg]);
}

/** Splits a space-separated scope string into a set (RFC 6749 §3.3). */
export function scopeSet(scope: string | undefined): Set<string> {
  return new Set(scope === undefined ? [] : scope.split(' ').filter(Boolean));
}

/** Builds the lookup tables; remote key sets are shared per URL. */
export class Registry {
  readonly clients = new Map<string, ClientEntry>();
  readonly issuers = new Map<string, IssuerEntry>();
  readonly #remote = new Map<string, RemoteKeySet>();

  constructor(
    clients: readonly ClientMetadata[],
    issuers: readonly TrustedIssuerMetadata[],
    maxLifetime: number,
    fetchOptions: Required<RemoteKeySetOptions>,
    now: () => number,
    emit: EventSink,
  ) {
    const resolver = (entry: { jwks?: { keys: unknown[] }; jwks_uri?: string }): KeyResolver => {
      if (entry.jwks !== undefined) return localKeySet(entry.jwks.keys);
      const uri = entry.jwks_uri as string;
      let remote = this.#remote.get(uri);
      if (remote === undefined) {
        remote = new RemoteKeySet(uri, fetchOptions, now, emit);
        this.#remote.set(uri, remote);
      }
      return remote.resolve;
    };
    for (const meta of clients) {
      const metadata = Object.freeze(structuredClone(meta));
      this.clients.set(meta.client_id, {
        clientId: meta.client_id,
        metadata,
        resolveKey: resolver(meta),
        algorithms: pinnedAlgorithms(meta.token_endpoint_auth_signing_alg),
        grantTypes: new Set(meta.grant_types ?? [CLIENT_CREDENTIALS_GRANT_TYPE]),
        scope: scopeSet(meta.scope),
        maxLifetime: meta.max_assertion_lifetime ?? maxLifetime,
        legacyAudience: meta.legacy_token_endpoint_audience === true,
        requireExplicitTyp: meta.require_explicit_typ === true,
      });
    }
    for (const meta of issuers) {
      this.issuers.set(meta.issuer, {
        issuer: meta.issuer,
        metadata: Object.freeze(structuredClone(meta)),
        resolveKey: resolver(meta),
        subjects: meta.allow_any_subject === true ? null : new Set(meta.subjects),
        scope: scopeSet(meta.scope),
        maxLifetime: meta.max_assertion_lifetime ?? maxLifetime,
        requireJti: meta.require_jti !== false,
      });
    }
  }
}
