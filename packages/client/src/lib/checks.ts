/** Option validation that names the option it rejects (`"lifetime" option must be …`). Internal. */

/** Throws the TypeError every bad option gets. */
export function badOption(name: string, problem: string): never {
  throw new TypeError(`"${name}" option ${problem}`);
}

/** The options object itself. */
export function optionsObject(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new TypeError(`${what} options must be an object`);
  return value as Record<string, unknown>;
}

/** A non-empty string. */
export function requiredString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) badOption(name, 'must be a non-empty string');
  return value;
}

/** A non-empty string, or undefined. */
export function optionalString(value: unknown, name: string): string | undefined {
  return value === undefined ? undefined : requiredString(value, name);
}

/** A whole number within [min, max], or the default. */
export function wholeNumber(value: unknown, name: string, fallback: number, min: number, max: number, unit: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    badOption(name, `must be a whole number of ${unit} from ${min} to ${max}`);
  }
  return value;
}

/** A function, or the default. */
export function optionalFunction<T>(value: unknown, name: string, fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'function') badOption(name, 'must be a function');
  return value as T;
}

/** Whether a URL host name is a loopback address (127.0.0.0/8, ::1, localhost). */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** Whether a URL is `https`, or `http` to a loopback address. */
export function isSecureUrl(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname));
}

/** An absolute `https` URL (`http` only on loopback) with no fragment. */
export function serverUrl(value: unknown, name: string): string {
  const text = requiredString(value, name);
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return badOption(name, 'must be an absolute URL');
  }
  if (url.hash !== '') badOption(name, 'must have no fragment');
  if (!isSecureUrl(url)) badOption(name, 'must be an https URL (http only on 127.0.0.1, ::1 or localhost)');
  return text;
}

/** Space-separated scope tokens (RFC 6749 §3.3) from a string or an array, deduplicated and sorted. */
export function scopeTokens(value: unknown, name: string): string[] {
  if (value === undefined) return [];
  const list = typeof value === 'string' ? value.split(' ').filter(Boolean) : value;
  if (!Array.isArray(list) || !list.every((s) => typeof s === 'string' && /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))) {
    badOption(name, 'must be space-separated scope tokens or an array of them (RFC 6749 §3.3)');
  }
  return [...new Set(list as string[])].sort();
}
