/** ES2024's well-formed string methods (Node 20 and later), not in the ES2023 library types used here. */
interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

/**
 * A name or value of an `application/x-www-form-urlencoded` text, `text.slice(from, to)` decoded: `+` as a
 * space, then percent-decoding and UTF-8 (WHATWG URL Standard §5.1). Without `%` the slice is the answer;
 * with valid escapes of valid UTF-8, `decodeURIComponent` gives the same string as the standard; any other
 * text (a stray `%`, an escape of invalid UTF-8, which the standard decodes leniently) is decoded by
 * `URLSearchParams` itself, so that the result never differs from it.
 */
function decodeComponent(text: string, from: number, to: number): string {
  let part = text.slice(from, to);
  if (part.includes('+')) part = part.replaceAll('+', ' ');
  // Stryker disable next-line StringLiteral: a shortcut; decodeURIComponent gives a text without % back unchanged
  if (!part.includes('%')) return part;
  try {
    return decodeURIComponent(part);
  } catch {
    // Only a value follows the first `=`, so the whole part comes back as the value of `v`.
    return new URLSearchParams(`v=${part}`).get('v') as string;
  }
}

/**
 * Calls `pair(name, value)` for every name-value pair of an `application/x-www-form-urlencoded` text
 * (RFC 6749 Appendix B), in order, with the names and values the WHATWG URL Standard's parser
 * (§5.1, what `URLSearchParams` gives) reads: sequences split on `&`, empty ones skipped, name and value
 * split at the first `=` (no `=`: the value is ""), `+` as a space, percent-escapes decoded as UTF-8, and
 * unpaired surrogates in `text` read as U+FFFD. One pass over the text, linear in its length, without
 * building a `URLSearchParams`; `pair` may throw to stop reading.
 */
export function forEachFormPair(text: string, pair: (name: string, value: string) => void): void {
  const input = (text as string & WellFormed).isWellFormed() ? text : (text as string & WellFormed).toWellFormed();
  const end = input.length;
  // The next `=` at or after the current sequence's start, found once per `=` so the scan stays linear.
  let equals = -1;
  for (let start = 0; start <= end; ) {
    let amp = input.indexOf('&', start);
    if (amp === -1) amp = end;
    if (amp > start) {
      if (equals < start) {
        equals = input.indexOf('=', start);
        if (equals === -1) equals = end + 1;
      }
      if (equals < amp) pair(decodeComponent(input, start, equals), decodeComponent(input, equals + 1, amp));
      else pair(decodeComponent(input, start, amp), '');
    }
    start = amp + 1;
  }
}
