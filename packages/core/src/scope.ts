import { InvalidScopeError } from './errors.js';

/** A scope string: scope tokens of %x21 / %x23-5B / %x5D-7E separated by single spaces (RFC 6749 §3.3). */
export const SCOPE_PATTERN = /^[\x21\x23-\x5b\x5d-\x7e]+( [\x21\x23-\x5b\x5d-\x7e]+)*$/;

/** Parses the `scope` parameter into distinct scope tokens (RFC 6749 §3.3); absent gives []. */
export function parseScope(scope: string | undefined): string[] {
  if (scope === undefined) return [];
  if (!SCOPE_PATTERN.test(scope)) {
    throw new InvalidScopeError('scope_not_allowed', 'the scope parameter is malformed');
  }
  return [...new Set(scope.split(' '))];
}

/** The requested scopes outside `allowed` (rule R10, RFC 6749 §3.3); [] when the request is within it. */
export function scopeBeyond(requested: readonly string[], allowed: ReadonlySet<string>): string[] {
  return requested.filter((s) => !allowed.has(s));
}

/**
 * The scopes to grant (rule R10, RFC 6749 §3.3): the request when it is within `allowed`, all of
 * `allowed` when nothing was requested; `invalid_scope` otherwise.
 */
export function grantScope(requested: readonly string[], allowed: ReadonlySet<string>): string[] {
  if (requested.length === 0) return [...allowed];
  const extra = scopeBeyond(requested, allowed);
  if (extra.length > 0) throw scopeNotAllowed(`not allowed: ${extra.join(' ')}`);
  return [...requested];
}

/** The `invalid_scope` refusal of rule R10 (RFC 6749 §5.2); `detail` names the scopes not allowed, for logs. */
export function scopeNotAllowed(detail: string): InvalidScopeError {
  return new InvalidScopeError('scope_not_allowed', 'the requested scope exceeds what may be granted', { detail });
}
