/**
 * Option validation in the client's words (`"lifetime" option must be …`, `"bogus" option is not a known
 * option`), on the one validation kit of @rfc7523/core (its light `/validation` entry: the engine is not
 * loaded). Every failure is a ConfigurationError, a TypeError naming the option. Internal.
 */
import { Checker, isLoopback, isSecureUrl } from '@rfc7523/core/validation';

/** The client's style: the word "option" after each name. */
const check: Checker = new Checker({ keys: 'option', label: 'option' });
/** For an object as a whole: `"TokenClient" options must be an object`. */
const objects: Checker = new Checker({ label: 'options' });

export { isLoopback, isSecureUrl };

/** Throws the TypeError (a ConfigurationError) every bad option gets. */
export function badOption(name: string, problem: string): never {
  return check.fail(name, problem);
}

/**
 * An options object: `what` names it (a function's name, or a quoted option name for a nested object).
 * With `known`, any other key is refused, so that a typo never silently keeps a default.
 */
export function optionsObject(value: unknown, what: string, known?: readonly string[]): Record<string, unknown> {
  const options = objects.object(value, what.replace(/^"(.*)"$/, '$1'));
  if (known !== undefined) check.onlyKnown(options, '', known);
  return options;
}

/** A non-empty string. */
export function requiredString(value: unknown, name: string): string {
  return check.string(value, name);
}

/** A non-empty string, or undefined. */
export function optionalString(value: unknown, name: string): string | undefined {
  return check.string(value, name, undefined);
}

/** A whole number of `unit` within [min, max], or the default. */
export function wholeNumber(value: unknown, name: string, fallback: number, min: number, max: number, unit: string): number {
  return check.wholeNumber(value, name, min, max, unit, fallback);
}

/** A function, or the default. */
export function optionalFunction<T>(value: unknown, name: string, fallback: T): T {
  return check.function(value, name, fallback);
}

/** `typ` header: a non-empty string, `null` for none, or the default when absent (RFC 7515 §4.1.9). */
export function typHeader(value: unknown, fallback: string): string | undefined {
  if (value === null) return undefined;
  if (value !== undefined && (typeof value !== 'string' || value.length === 0)) check.fail('typ', 'must be a non-empty string or null');
  return (value as string | undefined) ?? fallback;
}

/** An absolute `https` URL (`http` only on loopback) with no fragment (RFC 6749 §3.2). */
export function serverUrl(value: unknown, name: string): string {
  return check.httpsUrl(value, name, 'query');
}

/** Space-separated scope tokens (RFC 6749 §3.3) from a string or an array, deduplicated and sorted. */
export function scopeTokens(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? value.split(' ').filter(Boolean) : value;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string' && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))) {
    check.fail(name, 'must be space-separated scope tokens or an array of them (RFC 6749 §3.3)');
  }
  return [...new Set(list as string[])].sort();
}
