/** The explicit type of client assertions (rfc7523bis §4; rule J12). */
export const CLIENT_ASSERTION_TYP = 'client-authentication+jwt';

/**
 * The media type a JOSE `typ` header names, lower-case and without the `application/` prefix
 * (RFC 7515 §4.1.9), so `JWT`, `jwt` and `application/jwt` compare equal; `''` when `typ` is not a string.
 */
export function typMediaType(typ: unknown): string {
  if (typeof typ !== 'string') return '';
  const lower = typ.toLowerCase();
  return lower.startsWith('application/') ? lower.slice('application/'.length) : lower;
}
