import { Checker } from '../config/checks.js';

/**
 * Options of the explain page and its dry-run endpoint (docs/explain.md). Every field is optional; an
 * adapter takes `explain: true` for all the defaults, `false` or nothing for off (the default).
 */
export interface ExplainOptions {
  /** Path of the page (`GET`) and of the dry-run endpoint (`POST`). Default `/explain`. */
  path?: string;
  /** Dry runs one client address may make per minute, on average. Default 30; 1–6000. */
  perClientPerMinute?: number;
  /** Dry runs one client address may make at once (bucket size). Default 10; 1–1000. */
  burst?: number;
  /** Dry runs all clients together may make per minute. Default 600; 1–600000. */
  perMinute?: number;
  /** Most client addresses the limiter remembers (least recently seen forgotten first). Default 10000; 1–1000000. */
  maxClients?: number;
  /** Clock of the rate limiter, milliseconds since the epoch. Default `Date.now`. */
  now?: () => number;
}

/** What an adapter's `explain` option may be: `true` (defaults), an {@link ExplainOptions} object, or `false`/absent (off). */
export type ExplainOption = boolean | ExplainOptions | undefined;

/** {@link ExplainOptions} with every default applied. */
export type ResolvedExplainOptions = Readonly<Required<ExplainOptions>>;

/** The defaults of {@link ExplainOptions}. */
export const EXPLAIN_DEFAULTS = Object.freeze({ path: '/explain', perClientPerMinute: 30, burst: 10, perMinute: 600, maxClients: 10_000 });

const KNOWN = ['path', 'perClientPerMinute', 'burst', 'perMinute', 'maxClients', 'now'] as const;

/**
 * Validates an adapter's `explain` option at start-up: undefined for off (`false` or absent), the options
 * with their defaults otherwise. Throws a ConfigurationError naming the field (`explain.burst`) for an
 * unknown field or a bad value, and naming `explain` for anything but `true`, `false` or a plain object.
 */
export function resolveExplainOptions(value: unknown, field = 'explain'): ResolvedExplainOptions | undefined {
  const c = new Checker({ label: 'option' });
  if (value === undefined || value === false) return undefined;
  const proto: unknown = typeof value === 'object' && value !== null ? Object.getPrototypeOf(value) : undefined;
  if (proto !== undefined && proto !== Object.prototype && proto !== null) c.fail(field, 'must be true, false or a plain object of explain options (not a Date, array or class instance)');
  const given = value === true ? {} : c.object(value, field);
  c.onlyKnown(given, field, KNOWN);
  const path = c.string(given.path, `${field}.path`, EXPLAIN_DEFAULTS.path);
  if (!/^\/[A-Za-z0-9._~\/-]*$/.test(path) || path.includes('//') || path.split('/').some((segment) => segment === '.' || segment === '..')) c.fail(`${field}.path`, 'must be an absolute path such as /explain (letters, digits, . _ ~ - and /; no . or .. segment)');
  return Object.freeze({
    path,
    perClientPerMinute: c.wholeNumber(given.perClientPerMinute, `${field}.perClientPerMinute`, 1, 6000, 'requests', EXPLAIN_DEFAULTS.perClientPerMinute),
    burst: c.wholeNumber(given.burst, `${field}.burst`, 1, 1000, 'requests', EXPLAIN_DEFAULTS.burst),
    perMinute: c.wholeNumber(given.perMinute, `${field}.perMinute`, 1, 600_000, 'requests', EXPLAIN_DEFAULTS.perMinute),
    maxClients: c.wholeNumber(given.maxClients, `${field}.maxClients`, 1, 1_000_000, 'addresses', EXPLAIN_DEFAULTS.maxClients),
    now: c.function(given.now, `${field}.now`, Date.now),
  });
}
