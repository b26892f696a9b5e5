/** ES2024's well-formed string methods (Node 20 and later), not in the ES2023 library types used here. */
interface WellFormed {
  isWellFormed(): boolean;
  toWellFormed(): string;
}

const utf8 = new TextEncoder();
/** UTF-8 decode without BOM (WHATWG Encoding Standard §6): a leading U+FEFF is kept, invalid bytes read as U+FFFD. */
const utf8WithoutBOM = new TextDecoder('utf-8', { ignoreBOM: true });

/** The value of an ASCII hex digit's byte, or -1 for any other byte, or none (`undefined`, past the end). */
function hexValue(byte: number | undefined): number {
  const b = byte ?? 0;
  if (b >= 0x30 && b <= 0x39) return b - 0x30;
  const lower = b | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

/**
 * WHATWG URL Standard §1.3 "percent-decode" of `part`'s UTF-8 bytes, then UTF-8 decoding without BOM: a `%`
 * not followed by two hex digits stays as it is, and bytes that are not valid UTF-8 read as U+FFFD (one per
 * maximal invalid subpart). Node's own `URLSearchParams` does not do this for every text (on Node 22, 24 and
 * 26 it reads `%F0%9F\u00e9` as two U+FFFD instead of U+FFFD then `é`), so the lenient path is ours.
 */
function percentDecodeLeniently(part: string): string {
  const bytes = utf8.encode(part);
  let length = 0;
  for (let i = 0; i < bytes.length; i++) {
    const high = bytes[i] === 0x25 ? hexValue(bytes[i + 1]) : -1;
    const low = high === -1 ? -1 : hexValue(bytes[i + 2]);
    if (low === -1) {
      bytes[length++] = bytes[i];
    } else {
      bytes[length++] = high * 16 + low;
      i += 2;
    }
  }
  return utf8WithoutBOM.decode(bytes.subarray(0, length));
}

/**
 * A name or value of an `application/x-www-form-urlencoded` text, `text.slice(from, to)` decoded: `+` as a
 * space, then percent-decoding and UTF-8 (WHATWG URL Standard §5.1). Without `%` the slice is the answer;
 * with valid escapes of valid UTF-8, `decodeURIComponent` gives the same string as the standard; any other
 * text (a stray `%`, an escape of invalid UTF-8, which the standard decodes leniently) takes the standard's
 * byte-wise path, `percentDecodeLeniently`.
 */
function decodeComponent(text: string, from: number, to: number): string {
  let part = text.slice(from, to);
  if (part.includes('+')) part = part.replaceAll('+', ' ');
  // Stryker disable next-line StringLiteral: a shortcut; decodeURIComponent gives a text without % back unchanged
  if (!part.includes('%')) return part;
  try {
    return decodeURIComponent(part);
  } catch {
    return percentDecodeLeniently(part);
  }
}

/**
 * Calls `pair(name, value)` for every name-value pair of an `application/x-www-form-urlencoded` text
 * (RFC 6749 Appendix B), in order, with the names and values the WHATWG URL Standard's parser (§5.1,
 * whose reference implementation is the `whatwg-url` package) reads: sequences split on `&`, empty ones
 * skipped, name and value split at the first `=` (no `=`: the value is ""), `+` as a space,
 * percent-escapes decoded as UTF-8, and unpaired surrogates in `text` read as U+FFFD. One pass over the
 * text, linear in its length, without building a `URLSearchParams`; `pair` may throw to stop reading.
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

/**
 * A form body as text: a string as it is; bytes read as UTF-8, invalid sequences as U+FFFD and a leading
 * BOM kept (as the WHATWG Encoding Standard's "UTF-8 decode without BOM", §6, reads them), before the
 * parser of {@link forEachFormPair} (WHATWG URL Standard §5.1) reads it. No copy of the bytes is made.
 */
export function formText(body: string | Uint8Array): string {
  return typeof body === 'string' ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}
