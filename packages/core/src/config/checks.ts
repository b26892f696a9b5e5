import { ConfigurationError } from './configuration-error.js';

/** Validation helpers that name the field they reject. Internal. */
export class Checker {
  constructor(readonly source?: string) {}

  fail(field: string, problem: string): never {
    throw new ConfigurationError(field, problem, this.source);
  }

  object(value: unknown, field: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(field, 'must be an object');
    return value as Record<string, unknown>;
  }

  onlyKnown(value: Record<string, unknown>, field: string, known: readonly string[]): void {
    for (const key of Object.keys(value)) {
      if (!known.includes(key)) this.fail(field === '' ? key : `${field}.${key}`, 'is not a known field');
    }
  }

  string(value: unknown, field: string): string {
    if (typeof value !== 'string' || value.length === 0) this.fail(field, 'must be a non-empty string');
    return value;
  }

  boolean(value: unknown, field: string): boolean {
    if (typeof value !== 'boolean') this.fail(field, 'must be true or false');
    return value;
  }

  /** A whole number of `unit` (seconds, milliseconds, bytes) within [min, max]. */
  wholeNumber(value: unknown, field: string, min: number, max: number, unit: string): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      this.fail(field, `must be a whole number of ${unit} from ${min} to ${max}`);
    }
    return value;
  }

  /** A whole number of seconds within [min, max]. */
  seconds(value: unknown, field: string, min: number, max: number): number {
    return this.wholeNumber(value, field, min, max, 'seconds');
  }

  stringArray(value: unknown, field: string): string[] {
    if (!Array.isArray(value)) this.fail(field, 'must be an array of strings');
    value.forEach((item, i) => this.string(item, `${field}[${i}]`));
    return value as string[];
  }

  /** `https`, or `http` to a loopback address (docs/configuration.md). */
  keyUrl(value: unknown, field: string): string {
    const text = this.string(value, field);
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      this.fail(field, 'must be an absolute URL');
    }
    if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url.hostname))) return text;
    return this.fail(field, 'must be an https URL (http only for 127.0.0.1, ::1 or localhost)');
  }
}

/** Whether a URL host name is a loopback address. */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}
