/** RFC 3986 §2.3 unreserved characters. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * The form in which a DPoP `htu` and a request URL are compared (RFC 9449 §4.3 item 9: the URL ignoring
 * query and fragment, after RFC 3986 §6.2.2 syntax-based and §6.2.3 scheme-based normalisation).
 * Parsed with the WHATWG URL parser, which lower-cases scheme and host, converts an IDN host to
 * punycode, removes the scheme's default port (80, 443), turns an empty path into `/` and resolves
 * `.` and `..` segments; then percent-encodings of unreserved characters are decoded (`%7E` → `~`)
 * and the others upper-cased (`%2f` → `%2F`). Query, fragment and userinfo are dropped. Returns
 * undefined for anything that is not an absolute `http` or `https` URL.
 */
export function normaliseHtu(value: string | URL): string | undefined {
  let url: URL;
  try {
    url = typeof value === 'string' ? new URL(value) : value;
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  const path = url.pathname.replace(/%([0-9A-Fa-f]{2})/g, (encoded: string, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : encoded.toUpperCase();
  });
  return url.origin + path;
}
