/**
 * The single-pass form reader against the independent source it must agree with: the WHATWG
 * application/x-www-form-urlencoded parser as its reference implementation, the `whatwg-url` package
 * (maintained with the URL Standard), implements `URLSearchParams`, over generated texts that
 * mix the characters that matter (`&`, `=`, `+`, `%`, hex digits, escapes of valid and invalid UTF-8,
 * unpaired surrogates, characters outside the BMP). Node's own `URLSearchParams` is not that source: it
 * reads some texts that mix escapes of invalid UTF-8 with non-ASCII characters otherwise (examples below).
 */
import fc from 'fast-check';
import { URLSearchParams as ReferenceSearchParams } from 'whatwg-url';
import { forEachFormPair, formText } from '../../src/request/urlencoded.js';
import { readForm } from '../../src/request/form.js';

/**
 * The reference parser's pairs. Its constructor drops a leading `?` (URL Standard, URLSearchParams
 * constructor), which the form parser (§5.1) does not: a leading `&` starts an empty sequence, which §5.1
 * skips, and keeps the text's own first character from being taken for that `?`.
 */
const referencePairs = (text: string): Array<[string, string]> => [...new ReferenceSearchParams('&' + text)];

const pairsOf = (text: string): Array<[string, string]> => {
  const pairs: Array<[string, string]> = [];
  forEachFormPair(text, (name, value) => pairs.push([name, value]));
  return pairs;
};

const PIECES = [
  '&', '&&', '=', '==', '+', '%', '%2', '%2B', '%26', '%3D', '%3A', '%20', '%41', '%zz', '%%', '%C3%A9', '%c3%a9', '%C3', '%A9',
  '%E2%82%AC', '%F0%9F%98%80', '%F0%9F', '%ED%A0%80', '%C0%AF', '%FF', '%EF%BB%BF', '%00', 'a', 'b', 'Z', '9', 'é', '€',
  '😀', '\uD800', '\uDC00', ' ', '\u0000', '\r\n', 'grant_type', 'client_assertion', 'resource',
];
const formTexts = fc
  .array(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...PIECES) }, { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 3 }) }), {
    maxLength: 40,
  })
  .map((pieces) => pieces.join(''));

describe('forEachFormPair (WHATWG URL §5.1, RFC 6749 Appendix B)', () => {
  it('reads the same pairs, in the same order, as the reference URLSearchParams for any text', () => {
    fc.assert(
      fc.property(formTexts, (text) => {
        expect(pairsOf(text)).toEqual(referencePairs(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('reads the same pairs as the reference URLSearchParams for random strings of any code points', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        expect(pairsOf(text)).toEqual(referencePairs(text));
      }),
      { numRuns: 1000 },
    );
  });

  // Worked by hand from §5.1: UTF-8 encode, split, `+` to 0x20, percent-decode, UTF-8 decode (one U+FFFD per
  // maximal invalid subpart, WHATWG Encoding Standard §6, §8.1). Node's URLSearchParams answered otherwise where noted.
  it.each([
    // Node 22.23.5 read the last character as U+FFFD; its bytes 0xC2 0x80 are valid UTF-8.
    ['%b+client_assertion\u0080', [['%b client_assertion\u0080', '']]],
    // 0xF0 0x9F is a four-byte sequence cut short: one U+FFFD, then 0xC3 0xA9 is é. Node 22, 24 and 26 gave two U+FFFD.
    ['%F0%9F\u00e9=%F0%9F%C3%A9', [['\uFFFD\u00e9', '\uFFFD\u00e9']]],
    // A leading `?` is part of the first name: only the URLSearchParams constructor drops it.
    ['?a=b', [['?a', 'b']]],
    // A stray `%`, one before a single hex digit, and an escape of a lone continuation byte.
    ['a%=%4%80%41', [['a%', '%4\uFFFDA']]],
    // 0xED 0xA0 0x80 would be a surrogate: three U+FFFD. A stray `%` takes the second through the byte-wise
    // path too, where a leading BOM is kept (decoding without BOM).
    ['%ED%A0%80&%EF%BB%BFx%', [['\uFFFD\uFFFD\uFFFD', ''], ['\uFEFFx%', '']]],
    // Hex digits at each end of 0-9, A-F and a-f, decoded beside an escape of invalid UTF-8 (0xFF); `41`
    // without `%` stays as it is.
    ['%FF%30%39%4a%4F%6A%6f-41', [['\uFFFD09JOjo-41', '']]],
    // The bytes next to each range are no hex digits ('/', ':', '@', 'G', '`', 'g'), nor is the end.
    ['v=%FF%/0%0:%@0%0G%`0%0g%F', [['v', '\uFFFD%/0%0:%@0%0G%`0%0g%F']]],
  ])('reads %j as the standard does', (text, expected) => {
    expect(pairsOf(text)).toEqual(expected);
    expect(referencePairs(text)).toEqual(expected);
  });

  it('reads a token request as the reference URLSearchParams does', () => {
    const text =
      'grant_type=client_credentials&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer' +
      '&client_assertion=eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJhIn0.c2ln&scope=read+write';
    expect(pairsOf(text)).toEqual(referencePairs(text));
    expect(pairsOf(text)[1]).toEqual(['client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer']);
    expect(pairsOf(text)[3]).toEqual(['scope', 'read write']);
  });

  it('stops at the first exception its callback throws', () => {
    const seen: string[] = [];
    expect(() =>
      forEachFormPair('a=1&b=2&c=3', (name) => {
        seen.push(name);
        if (name === 'b') throw new Error('stop');
      }),
    ).toThrow('stop');
    expect(seen).toEqual(['a', 'b']);
  });

  it('reads a body of 20,000 sequences without `=` after one with it (each `=` is searched for once)', () => {
    const text = 'x=1&' + 'a&'.repeat(20_000) + 'y=2';
    const pairs = pairsOf(text);
    expect(pairs).toHaveLength(20_002);
    expect(pairs.at(-1)).toEqual(['y', '2']);
    expect(pairs[1]).toEqual(['a', '']);
  });
});

describe('formText (a body of bytes read as UTF-8 before WHATWG URL §5.1)', () => {
  // The Encoding Standard's "UTF-8 decode without BOM" (§6), as the platform's TextDecoder implements it.
  const standard = new TextDecoder('utf-8', { ignoreBOM: true });

  it('gives a string back as it is', () => {
    expect(formText('a=%FF&\uD800')).toBe('a=%FF&\uD800');
  });

  it.each([
    // Worked by hand: a kept BOM, `a`, a four-byte sequence cut short (one U+FFFD), `A`.
    [[0xef, 0xbb, 0xbf, 0x61, 0xf0, 0x9f, 0x41], '\uFEFFa\uFFFDA'],
    // 0xC3 0xA9 is é; a lone continuation byte and 0xFF are one U+FFFD each.
    [[0x3d, 0xc3, 0xa9, 0x80, 0xff], '=\u00e9\uFFFD\uFFFD'],
  ])('reads the bytes %j as %j', (bytes, expected) => {
    expect(formText(new Uint8Array(bytes))).toBe(expected);
  });

  it('reads only the bytes of a view into a larger buffer', () => {
    const whole = new TextEncoder().encode('x=1&y=2&z=3');
    expect(formText(whole.subarray(4, 7))).toBe('y=2');
    expect(formText(Buffer.from(whole.buffer, 8, 3))).toBe('z=3');
  });

  it('reads any bytes, at any offset of a larger buffer, as the standard decoder does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(8), fc.nat(8), (bytes, before, after) => {
        const whole = new Uint8Array(before + bytes.length + after).fill(0x26);
        whole.set(bytes, before);
        const view = whole.subarray(before, before + bytes.length);
        expect(formText(view)).toBe(standard.decode(bytes));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('readForm over generated forms (rule R3)', () => {
  const post = (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body });
  const names = fc.constantFrom('grant_type', 'scope', 'resource', 'a', 'a%20b', 'a+b', 'a b', '%61', '');
  const form = fc
    .array(fc.tuple(names, fc.constantFrom('', 'x', 'a%3Db', '%C3', '+')), { maxLength: 20 })
    .map((pairs) => pairs.map(([n, v]) => `${n}=${v}`).join('&'));

  it('refuses a repeated name exactly when the reference URLSearchParams sees one twice (resource up to 16 times), else keeps every pair', () => {
    fc.assert(
      fc.property(form, (text) => {
        const expected = referencePairs(text);
        const counts = new Map<string, number>();
        for (const [name] of expected) counts.set(name, (counts.get(name) ?? 0) + 1);
        const repeated = [...counts].some(([name, count]) => count > (name === 'resource' ? 16 : 1));
        if (repeated) {
          expect(() => readForm(post(text), 65_536)).toThrow(expect.objectContaining({ reason: 'repeated_parameter' }));
          return;
        }
        const params = readForm(post(text), 65_536);
        expect([...params]).toEqual(expected.filter(([name], i) => expected.findIndex(([other]) => other === name) === i));
      }),
      { numRuns: 1000 },
    );
  });
});
