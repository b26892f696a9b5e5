import type { KeyObject } from 'node:crypto';
import type { CryptoKey, JSONWebKeySet, JWK, JWSHeaderParameters } from 'jose';
import { createKeyResolver, KeyImportError } from './local-key-set.js';
import { discoveredJwksUri } from './discovery-document.js';
import { publicJwkProblem } from './jwk-problem.js';
import { readLimitedText } from './read-limited-body.js';
import type { EventSink } from '../events.js';
import { traceKeyFetch, type KeyFetchReport, type KeyFetchResult } from '../telemetry/key-fetch.js';

/**
 * Resolves the verification key for a JWS header from one registration's keys only (RFC 8725 §3.10):
 * synchronously when the keys are at hand (a local key set), or a promise (a key set that may fetch).
 * A refusal is thrown or rejected.
 */
export type KeyResolver = (header: JWSHeaderParameters) => CryptoKey | KeyObject | Promise<CryptoKey | KeyObject>;

/** Timing of `jwks_uri` fetches (rule J10). All durations in milliseconds. */
export interface RemoteKeySetOptions {
  /** Abort a fetch — connect, headers and the whole body — after this long. Default 5000 ms. */
  timeout?: number;
  /** At most one refetch per this period, whatever the cause. Default 30000 ms. */
  cooldown?: number;
  /** A fetched key set is fresh for this long; after it, it is refreshed in the background. Default 600000 ms. */
  cacheMaxAge?: number;
  /** Refuse a response body larger than this many bytes (the previous keys are kept). Default 524288 bytes (512 KiB). */
  maxBytes?: number;
}

/** Defaults of {@link RemoteKeySetOptions}: jose's own timings (rule J10), and a 512 KiB body cap. */
export const REMOTE_KEY_SET_DEFAULTS = Object.freeze({ timeout: 5000, cooldown: 30_000, cacheMaxAge: 600_000, maxBytes: 512 * 1024 });

type LocalSet = ReturnType<typeof createKeyResolver>;

/** A key-set download that failed for a known cause (telemetry's key-fetch result). */
class KeyFetchProblem extends Error {
  constructor(
    readonly result: KeyFetchResult,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** The key-fetch result of a failure: a deadline, a known problem, a parse error, else the network. */
function failureReport(err: unknown): KeyFetchReport {
  if (err instanceof KeyFetchProblem) return { result: err.result, status: err.status };
  const { name, message } = (err ?? {}) as { name?: unknown; message?: unknown };
  if (name === 'TimeoutError') return { result: 'timeout' };
  if (err instanceof SyntaxError) return { result: 'invalid' };
  if (typeof message === 'string' && message.startsWith('body larger than')) return { result: 'too_large' };
  return { result: 'network_error' };
}

/** Thrown when no key can be found; `unavailable` when the key set could never be fetched. */
export class KeyNotFoundError extends Error {
  constructor(
    readonly unavailable: boolean,
    message: string,
  ) {
    super(message);
  }
}

/**
 * An Ed25519 key serves both of its algorithm names, `EdDSA` and `Ed25519` (rule J9, RFC 9864): jose
 * matches a JWK's `alg` exactly, so a key labelled with one name would refuse tokens sent under the other.
 */
function eitherEd25519Name(jwk: JWK): JWK {
  if (jwk.kty !== 'OKP' || (jwk.alg !== 'EdDSA' && jwk.alg !== 'Ed25519')) return jwk;
  const { alg, ...unlabelled } = jwk;
  void alg;
  return unlabelled;
}

/**
 * Builds a key set from JWKs, dropping keys we never accept; each key is imported once, on its first use,
 * or here with `importNow`, where a key that does not import throws a KeyImportError whose `index` is its
 * place in `keys` (local-key-set.ts).
 */
export function localKeySet(keys: readonly unknown[], importNow = false): LocalSet {
  const kept = keys.flatMap((k, i) => (publicJwkProblem(k) === undefined ? [i] : []));
  try {
    return createKeyResolver(kept.map((i) => eitherEd25519Name(keys[i] as JWK)), importNow);
  } catch (err) {
    // Stryker disable next-line ConditionalExpression: only a key that does not import throws here (JSON keys clone)
    if (!(err instanceof KeyImportError)) throw err;
    // Name its place in `keys`.
    throw new KeyImportError(kept[err.index] as number, { cause: err.cause as Error });
  }
}

/**
 * A `jwks_uri` key set (OIDC Core §10.1): fetched under one deadline (connect, headers and body), cached, refreshed in the
 * background once stale, refetched on an unknown `kid` at most once per cooldown with one fetch in
 * flight, and keeping the previous keys while the endpoint is down.
 */
export class RemoteKeySet {
  readonly #uri: string;
  readonly #options: Required<RemoteKeySetOptions>;
  readonly #now: () => number;
  readonly #emit: EventSink;
  #local: LocalSet | undefined;
  // Stryker disable next-line UnaryOperator: read only once a fetch has set #local (and then it too); before that, the rule W1 drop has nothing to drop
  #fetchedAt = -Infinity;
  #attemptedAt = -Infinity;
  #pending: Promise<void> | undefined;
  readonly #discoveryIssuer: string | undefined;
  /** Why the last fetch failed, for the refusal's detail; undefined after a success. */
  #lastProblem: string | undefined;

  /**
   * With `discoveryIssuer` (rule W1), `uri` is that issuer's discovery document: each fetch reads it,
   * checks its `issuer` and `jwks_uri`, then reads the key set, all under the one deadline; and when a
   * fetch fails once the keys are past `cacheMaxAge`, they are dropped (no key of the issuer is trusted
   * until a good document is read again).
   */
  constructor(uri: string, options: Required<RemoteKeySetOptions>, now: () => number, emit: EventSink, discoveryIssuer?: string) {
    this.#uri = uri;
    this.#options = options;
    this.#now = now;
    this.#emit = emit;
    this.#discoveryIssuer = discoveryIssuer;
  }

  /** The resolver to verify with (a {@link KeyResolver} that always answers a promise: it may fetch). */
  readonly resolve = async (header: JWSHeaderParameters): Promise<CryptoKey | KeyObject> => {
    if (this.#local === undefined) {
      if (this.#pending !== undefined || this.#coolEnough()) await this.#refresh();
      if (this.#local === undefined) throw new KeyNotFoundError(true, `could not fetch ${this.#uri}${this.#lastProblem === undefined ? '' : `: ${this.#lastProblem}`}`);
    } else if (this.#now() - this.#fetchedAt > this.#options.cacheMaxAge && this.#coolEnough()) {
      void this.#refresh();
    }
    try {
      return await this.#local(header);
    } catch {
      if (this.#pending === undefined && !this.#coolEnough()) {
        throw new KeyNotFoundError(false, `no matching key in ${this.#uri}`);
      }
      await this.#refresh();
      try {
        return await this.#local(header);
      } catch {
        throw new KeyNotFoundError(false, `no matching key in ${this.#uri} after refetch`);
      }
    }
  };

  #coolEnough(): boolean {
    return this.#now() - this.#attemptedAt >= this.#options.cooldown;
  }

  /** One fetch in flight; a failure keeps the keys we had. Never rejects. */
  #refresh(): Promise<void> {
    this.#pending ??= this.#fetch().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  #fetch(): Promise<void> {
    this.#attemptedAt = this.#now();
    return traceKeyFetch(this.#uri, () => this.#fetchOnce());
  }

  /** One download under one deadline; never rejects, reports how it ended. */
  async #fetchOnce(): Promise<KeyFetchReport> {
    const { timeout } = this.#options;
    // One deadline over connect, headers and body. Our own timer holds the controller, so neither can be
    // garbage-collected before it fires: a signal handed only to fetch can be (nodejs/node#55428,
    // undici#4068), and then a body trickled a byte at a time would hold the fetch for a minute.
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        // Stryker disable next-line StringLiteral: only the name TimeoutError is read, never this message
        const message = `no complete response within ${timeout} ms`;
        const err = new DOMException(message, 'TimeoutError');
        controller.abort(err);
        // Stryker disable next-line CallExpression: the abort above makes the download reject with this same error (fetch and readLimitedText honour the signal)
        reject(err);
      }, timeout);
    });
    try {
      const { text, status } = await Promise.race([this.#download(controller.signal), deadline]);
      const body = JSON.parse(text) as Partial<JSONWebKeySet> | null;
      // A primitive has no keys member either.
      if (!Array.isArray(body?.keys)) throw new KeyFetchProblem('invalid', 'not a JWK Set');
      this.#local = localKeySet(body.keys);
      this.#fetchedAt = this.#now();
      this.#lastProblem = undefined;
      this.#emit({ type: 'keys.fetched', uri: this.#uri, keys: body.keys.length });
      return { result: 'ok', status, keys: body.keys.length };
    } catch (err) {
      // Duck-typed: fetch's abort errors are DOMExceptions, not always `instanceof Error` across realms.
      const { name, message } = (err ?? {}) as { name?: unknown; message?: unknown };
      const reason = name === 'TimeoutError' ? 'timeout' : typeof message === 'string' ? message : 'failed';
      this.#emit({ type: 'keys.fetch_failed', uri: this.#uri, reason });
      this.#lastProblem = reason;
      // Rule W1: keys found through discovery are trusted only until their freshness runs out.
      if (this.#discoveryIssuer !== undefined && this.#now() - this.#fetchedAt > this.#options.cacheMaxAge) this.#local = undefined;
      return failureReport(err);
    } finally {
      clearTimeout(timer);
      // Ends a download the deadline abandoned; a no-op after a complete one.
      // Stryker disable next-line CallExpression: the deadline has already aborted an abandoned download, and every other path has finished its own
      controller.abort();
    }
  }

  /** GET the key set (through the discovery document, rule W1) and read its body, all under `signal`. */
  async #download(signal: AbortSignal): Promise<{ text: string; status: number }> {
    if (this.#discoveryIssuer === undefined) return this.#get(this.#uri, signal);
    const found = discoveredJwksUri((await this.#get(this.#uri, signal)).text, this.#discoveryIssuer);
    if ('problem' in found) throw new KeyFetchProblem('invalid', found.problem);
    return this.#get(found.jwksUri, signal);
  }

  /** GET one JSON document and read its body under the body cap, both under `signal`. */
  async #get(uri: string, signal: AbortSignal): Promise<{ text: string; status: number }> {
    const response = await fetch(uri, {
      headers: { accept: 'application/json, application/jwk-set+json' },
      redirect: 'error',
      signal,
    });
    if (!response.ok) {
      await response.body?.cancel().catch(() => {});
      throw new KeyFetchProblem('http_error', `HTTP ${response.status}`, response.status);
    }
    return { text: await readLimitedText(response, this.#options.maxBytes, signal), status: response.status };
  }
}
