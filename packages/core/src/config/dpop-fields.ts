import type { Checker } from './checks.js';

/** The trust-file client fields of DPoP (RFC 9449 §5.2), accepted by validateClient. */
export const DPOP_CLIENT_FIELDS = ['dpop_bound_access_tokens'] as const;

/**
 * Validates a client's DPoP fields (rule D1): `dpop_bound_access_tokens`, `true` or `false` (RFC 9449
 * §5.2; default `false`). Throws a ConfigurationError naming the field.
 */
export function validateDpopClientFields(c: Checker, entry: Record<string, unknown>, field: string): void {
  if (entry['dpop_bound_access_tokens'] !== undefined) c.boolean(entry['dpop_bound_access_tokens'], `${field}.dpop_bound_access_tokens`);
}
