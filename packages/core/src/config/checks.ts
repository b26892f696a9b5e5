import { ConfigurationError } from './configuration-error.js';

/**
 * How a {@link Checker} words its messages; each package keeps the style its users know.
 * Engine options and the trust file: `"clokTolerance" is not a known field`, with the file first
 * (`trust.json: "clients[0].jwks_uri" must be …`). Redis store: `"keyprefix" is not a known option`.
 * Client: `"lifetime" option must be …`.
 */
export interface CheckerStyle {
  /** The file the values come from, named before each message. Default: none. */
  readonly source?: string;
  /** What a key is called in `is not a known …`. Default `field`. */
  readonly keys?: 'field' | 'option';
  /** A word written after each quoted name (`"lifetime" option must be …`). Default: none. */
  readonly label?: string;
}

/**
 * What an absolute URL may carry besides scheme, host and path: anything (a `jwks_uri`), a query but no
 * fragment (an endpoint, RFC 6749 §3.1.2, §3.2), or neither (an issuer identifier, RFC 8414 §2).
 */
export type UrlParts = 'query and fragment' | 'query' | 'nothing';

/**
 * Validation of options and configuration that names the field it rejects: every failure is a
 * {@link ConfigurationError} (a `TypeError`, as jose throws for bad options) thrown at start-up. Each
 * check returns the value it accepted; those with a `fallback` return it for `undefined`.
 */
export class Checker {
  readonly #source: string | undefined;
  readonly #unknown: string;
  readonly #label: string;

  constructor(style: CheckerStyle = {}) {
    this.#source = style.source;
    this.#unknown = `is not a known ${style.keys ?? 'field'}`;
    this.#label = style.label === undefined ? '' : `${style.label} `;
  }

  /** Throws the ConfigurationError naming `field` (a path such as `clients[0].jwks_uri`). */
  fail(field: string, problem: string): never {
    throw new ConfigurationError(field, `${this.#label}${problem}`, this.#source);
  }

  /** A plain object (not null, not an array). */
  object(value: unknown, field: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(field, 'must be an object');
    return value as Record<string, unknown>;
  }

  /** Refuses any key not in `known`, so that a typo never silently keeps a default. Keys are named under `field`. */
  onlyKnown(value: Record<string, unknown>, field: string, known: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.fail(field === '' ? key : `${field}.${key}`, this.#unknown);
    }
  }

  /** The options object of a factory: an object (named `options`) holding only `known` keys. */
  options(value: unknown, known: readonly string[]): Record<string, unknown> {
    const options = this.object(value, 'options');
    this.onlyKnown(options, '', known);
    return options;
  }

  /** A non-empty string. */
  string(value: unknown, field: string): string;
  string<T>(value: unknown, field: string, fallback: T): string | T;
  string(value: unknown, field: string, ...fallback: unknown[]): unknown {
    if (value === undefined && fallback.length > 0) return fallback[0];
    if (typeof value !== 'string' || value.length === 0) this.fail(field, 'must be a non-empty string');
    return value;
  }

  /** `true` or `false`. */
  boolean(value: unknown, field: string): boolean {
    if (typeof value !== 'boolean') this.fail(field, 'must be true or false');
    return value;
  }

  /** A function, or `fallback` when absent. */
  function<T>(value: unknown, field: string, fallback: T, problem = 'must be a function'): T {
    if (value === undefined) return fallback;
    if (typeof value !== 'function') this.fail(field, problem);
    return value as T;
  }

  /** A whole number of `unit` (seconds, milliseconds, bytes) within [min, max]; `fallback` when absent, if given. */
  wholeNumber(value: unknown, field: string, min: number, max: number, unit: string, fallback?: number): number {
    if (value === undefined && fallback !== undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(field, `must be a whole number of ${unit} from ${min} to ${max}`);
    }
    return value;
  }

  /** A whole number of seconds within [min, max]; `fallback` when absent, if given. */
  seconds(value: unknown, field: string, min: number, max: number, fallback?: number): number {
    return this.wholeNumber(value, field, min, max, 'seconds', fallback);
  }

  /** A whole number of milliseconds within [min, max]; `fallback` when absent, if given. */
  milliseconds(value: unknown, field: string, min: number, max: number, fallback?: number): number {
    return this.wholeNumber(value, field, min, max, 'milliseconds', fallback);
  }

  /** An array; with `nonEmpty`, one with at least one element. */
  array(value: unknown, field: string, nonEmpty = false): unknown[] {
    if (!Array.isArray(value) || (nonEmpty && value.length === 0)) this.fail(field, nonEmpty ? 'must be a non-empty array' : 'must be an array');
    return value;
  }

  /** An array of non-empty strings; each bad element is named by its index. */
  stringArray(value: unknown, field: string): string[] {
    if (!Array.isArray(value)) this.fail(field, 'must be an array of strings');
    value.forEach((item, i) => this.string(item, `${field}[${i}]`));
    return value as string[];
  }

  /** An absolute URL of any scheme; anything else fails with `problem`. */
  url(value: unknown, field: string, problem = 'must be an absolute URL'): URL {
    if (typeof value === 'string') {
      try {
        return new URL(value);
      } catch {
        // Falls through to the failure below.
      }
    }
    return this.fail(field, problem);
  }

  /** An absolute `https` URL, or `http` to a loopback address, carrying only the `allowed` parts. */
  httpsUrl(value: unknown, field: string, allowed: UrlParts = 'query and fragment'): string {
    const text = this.string(value, field);
    const url = this.url(text, field);
    if (allowed === 'nothing' && (url.search !== '' || url.hash !== '')) this.fail(field, 'must have no query or fragment (RFC 8414 §2)');
    if (allowed === 'query' && url.hash !== '') this.fail(field, 'must have no fragment (RFC 6749 §3.2)');
    if (!isSecureUrl(url)) this.fail(field, 'must be an https URL (http only for 127.0.0.1, ::1 or localhost)');
    return text;
  }
}

/** Whether a URL host name is a loopback address: 127.0.0.0/8, `[::1]` or `localhost` (RFC 8252 §8.3). */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Whether a URL is `https`, or `http` to a loopback address (RFC 8252 §8.3): the only URLs keys and tokens travel over. */
export function isSecureUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
}
