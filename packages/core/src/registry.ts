import { ASSERTION_ALGORITHMS, CLIENT_CREDENTIALS_GRANT_TYPE } from './constants.js';
import type { ClientMetadata, TrustedIssuerMetadata } from './config/metadata-types.js';
import type { EventSink } from './events.js';
import type { AudiencePolicy, Registration } from './assertion/registration.js';
import { audiencePolicyOf, type AudiencePolicyName } from './config/id-jag-fields.js';
import { ConfigurationError } from './config/configuration-error.js';
import { KeyImportError } from './keys/local-key-set.js';
import { localKeySet, RemoteKeySet, type KeyResolver, type RemoteKeySetOptions } from './keys/remote-key-set.js';
import { workloadPolicy } from './workload/policy.js';
import { discoveryUrl } from './keys/discovery-document.js';
import type { ImportKeys } from './options.js';

/** A registered client, prepared once at start-up (RFC 7591 metadata; RFC 7523 §2.2). */
export interface ClientRegistration extends Registration {
  readonly kind: 'client';
  readonly clientId: string;
  readonly metadata: Readonly<ClientMetadata>;
  /** Grant types it may use (RFC 7591 §2 `grant_types`, rule R9). Default `client_credentials`. */
  readonly grantTypes: ReadonlySet<string>;
}

/** A trusted issuer of grant assertions, prepared once at start-up (RFC 7523 §2.1, §3). */
export interface IssuerRegistration extends Registration {
  readonly kind: 'issuer';
  readonly metadata: Readonly<TrustedIssuerMetadata>;
}

const READ_ONLY = "a registration's sets are read-only";

/**
 * A set that refuses `add`, `delete` and `clear` (a TypeError), so that registrations may share one: a
 * registration's `algorithms`, `grantTypes` and `scope` are read-only, and a write through one
 * registration would otherwise change every registration with the same values.
 */
class ReadOnlySet<T> extends Set<T> {
  constructor(values: Iterable<T>) {
    super();
    for (const value of values) super.add(value);
  }

  override add(): this {
    throw new TypeError(READ_ONLY);
  }

  override delete(): boolean {
    throw new TypeError(READ_ONLY);
  }

  override clear(): void {
    throw new TypeError(READ_ONLY);
  }
}

const ALL_ALGORITHMS: ReadonlySet<string> = new ReadOnlySet(ASSERTION_ALGORITHMS);
/** J3 for grants: the issuer identifier or the token endpoint URL, among other values. */
const GRANT_AUDIENCE = Object.freeze({ sole: false, tokenEndpoint: true });
/** G2: an ID-JAG's `aud` is the issuer identifier as sole value (draft-ietf-oauth-identity-assertion-authz-grant §4.4.1). */
const ID_JAG_AUDIENCE = Object.freeze({ sole: true, tokenEndpoint: false });
const ED25519_NAMES: ReadonlySet<string> = new Set(['EdDSA', 'Ed25519']);

/** J3 and A1 for clients: the issuer identifier as sole `aud`; `warn` and `legacy` also accept the token endpoint URL. */
function clientAudience(policy: AudiencePolicyName): AudiencePolicy {
  return Object.freeze({ sole: true, tokenEndpoint: policy !== 'strict', warn: policy === 'warn' });
}

/** One frozen audience policy per `audience_policy` value, shared by the clients that have it. */
const CLIENT_AUDIENCES: Readonly<Record<AudiencePolicyName, AudiencePolicy>> = Object.freeze({
  strict: clientAudience('strict'),
  warn: clientAudience('warn'),
  legacy: clientAudience('legacy'),
});

/**
 * Read-only sets by their values, so that registrations with the same algorithms, grant types or scope
 * share one set: a set each took about 290 bytes of heap per client and per field (870 of 3,060 bytes a client).
 * One table per registry; it holds at most as many sets as the configuration has distinct values.
 */
class SharedSets {
  readonly #sets = new Map<string, ReadonlySet<string>>();

  /** The shared set of `values` (their order kept as given; duplicates counted once). */
  of(values: readonly string[]): ReadonlySet<string> {
    const key = JSON.stringify(values);
    let set = this.#sets.get(key);
    if (set === undefined) this.#sets.set(key, (set = new ReadOnlySet(values)));
    return set;
  }
}

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

function optional<K extends string, V>(key: K, value: V | undefined): { [k in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [k in K]?: V };
}

/** The key set of a configuration entry's `jwks`; a key that does not import is a ConfigurationError naming it. */
function configuredKeySet(keys: readonly unknown[], importKeys: ImportKeys, field: string, owner: string): KeyResolver {
  try {
    return localKeySet(keys, importKeys === 'at-start-up');
  } catch (err) {
    if (!(err instanceof KeyImportError)) throw err;
    throw new ConfigurationError(`${field}.jwks.keys[${err.index}]`, `of ${owner}: ${err.message}`);
  }
}

/** Builds the lookup tables; remote key sets are shared per URL. */
export class Registry {
  readonly clients = new Map<string, ClientRegistration>();
  readonly issuers = new Map<string, IssuerRegistration>();
  readonly #remote = new Map<string, RemoteKeySet>();
  /** The client a client assertion claims to be: the one its `sub` names (RFC 7523 §3 item 2). */
  readonly clientFor = (_iss: string, sub: string): ClientRegistration | undefined => this.clients.get(sub);
  /** The trusted issuer a grant claims to come from: the one its `iss` names (RFC 7523 §3 item 1). */
  readonly issuerFor = (iss: string): IssuerRegistration | undefined => this.issuers.get(iss);

  constructor(
    clients: readonly ClientMetadata[],
    issuers: readonly TrustedIssuerMetadata[],
    maxLifetime: number,
    fetchOptions: Required<RemoteKeySetOptions>,
    now: () => number,
    emit: EventSink,
    importKeys: ImportKeys,
  ) {
    const resolver = (
      entry: { jwks?: { keys: unknown[] }; jwks_uri?: string; discovery?: boolean; issuer?: string },
      field: string,
      owner: string,
    ): KeyResolver => {
      if (entry.jwks !== undefined) return configuredKeySet(entry.jwks.keys, importKeys, field, owner);
      // Rule W1: through the issuer's discovery document; a set per issuer, since the document names it.
      const discovery = entry.discovery === true ? entry.issuer : undefined;
      const uri = discovery === undefined ? (entry.jwks_uri as string) : discoveryUrl(discovery);
      const cacheKey = discovery === undefined ? uri : `discovery ${discovery}`;
      let remote = this.#remote.get(cacheKey);
      if (remote === undefined) {
        remote = new RemoteKeySet(uri, fetchOptions, now, emit, discovery);
        this.#remote.set(cacheKey, remote);
      }
      return remote.resolve;
    };
    const shared = new SharedSets();
    clients.forEach((meta, i) => {
      this.clients.set(
        meta.client_id,
        Object.freeze({
          kind: 'client',
          issuer: meta.client_id,
          clientId: meta.client_id,
          metadata: Object.freeze(structuredClone(meta)),
          resolveKey: resolver(meta, `clients[${i}]`, `client "${meta.client_id}"`),
          algorithms: shared.of([...pinnedAlgorithms(meta.token_endpoint_auth_signing_alg)]),
          grantTypes: shared.of(meta.grant_types ?? [CLIENT_CREDENTIALS_GRANT_TYPE]),
          scope: shared.of([...scopeSet(meta.scope)]),
          maxLifetime: meta.max_assertion_lifetime ?? maxLifetime,
          requireJti: true,
          audience: CLIENT_AUDIENCES[audiencePolicyOf(meta)], // rules J3, A1
          requireExplicitTyp: meta.require_explicit_typ === true,
          subjects: new Set([meta.client_id]),
        }),
      );
    });
    issuers.forEach((meta, i) => {
      this.issuers.set(
        meta.issuer,
        Object.freeze({
          kind: 'issuer',
          issuer: meta.issuer,
          metadata: Object.freeze(structuredClone(meta)),
          resolveKey: resolver(meta, `trustedIssuers[${i}]`, `issuer "${meta.issuer}"`),
          algorithms: ALL_ALGORITHMS,
          scope: scopeSet(meta.scope),
          maxLifetime: meta.max_assertion_lifetime ?? maxLifetime,
          requireJti: meta.require_jti !== false,
          audience: meta.id_jag === true ? ID_JAG_AUDIENCE : GRANT_AUDIENCE,
          idJag: meta.id_jag === true,
          requireExplicitTyp: false,
          // Conditions alone (rule W2) leave the subject open: they decide.
          subjects: meta.subjects === undefined ? null : new Set(meta.subjects),
          ...optional('workload', workloadPolicy(meta)),
        }),
      );
    });
  }
}
