/**
 * The duplicate-member fast path (rule J13) against what is known by construction: JSON objects are built
 * from member lists whose names are spelled plainly or with \u escapes, so whether a name repeats is
 * decided on the unescaped names before any text exists. decodeJwt must refuse exactly those.
 */
import fc from 'fast-check';
import { flatMemberCount } from '../../src/jwt/duplicate-members.js';
import { decodeJwt, JwtDecodeError } from '../../src/jwt/decode.js';

const escapeAll = (name: string) => `"${[...name].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`;
const NAMES = ['a', 'b', 'sub', 'aud', '__proto__', 'x"y', 'é', 'a\\b', '{', ','];
const TRICKY_STRINGS = ['{', '}', '[', ']', ',', '"', '\\', '{"a":1,', 'a', ''];

type Value = { text: string; repeats: boolean };

const scalar: fc.Arbitrary<Value> = fc.oneof(
  fc.integer().map((n) => ({ text: String(n), repeats: false })),
  fc.constantFrom(...TRICKY_STRINGS).map((s) => ({ text: JSON.stringify(s), repeats: false })),
  fc.constantFrom('true', 'false', 'null').map((text) => ({ text, repeats: false })),
);
const array: fc.Arbitrary<Value> = fc.array(scalar, { maxLength: 4 }).map((items) => ({ text: `[${items.map((i) => i.text).join(',')}]`, repeats: false }));

/** An object text from members, and whether it (or an object inside it) repeats a name. */
const objectOf = (value: fc.Arbitrary<Value>): fc.Arbitrary<Value> =>
  fc
    .array(fc.tuple(fc.constantFrom(...NAMES), fc.boolean(), fc.constantFrom(' ', ''), value), { maxLength: 6 })
    .map((members) => {
      const names = members.map(([name]) => name);
      const text = `{${members.map(([name, escaped, space, v]) => `${escaped ? escapeAll(name) : JSON.stringify(name)}${space}:${space}${v.text}`).join(',')}}`;
      return {
        text,
        repeats: new Set(names).size < names.length || members.some(([, , , v]) => v.repeats),
      };
    });
const flatObject = objectOf(fc.oneof(scalar, array));
const anyObject = objectOf(fc.oneof(scalar, array, objectOf(fc.oneof(scalar, array))));

const segment = (text: string) => Buffer.from(text).toString('base64url');

describe('flatMemberCount (J13)', () => {
  it('counts the names of a flat object, so that fewer keys than names means a repeated name', () => {
    fc.assert(
      fc.property(flatObject, (object) => {
        const count = flatMemberCount(object.text);
        expect(count).toBeGreaterThanOrEqual(0);
        expect(count !== Object.keys(JSON.parse(object.text) as object).length).toBe(object.repeats);
      }),
      { numRuns: 2000 },
    );
  });

  it('gives -1 for an object holding an object, and for texts that are not one object', () => {
    expect(flatMemberCount('{"a":{"b":1}}')).toBe(-1);
    expect(flatMemberCount('{"a":[1,{"b":1}]}')).toBe(-1);
    expect(flatMemberCount('[{"a":1}]')).toBe(-1);
    expect(flatMemberCount('"{"')).toBe(-1);
    expect(flatMemberCount('1')).toBe(-1);
    expect(flatMemberCount(' {"a":[1,"]"],"b":"{"} ')).toBe(2);
  });

  it('decodeJwt refuses a header or claims set exactly when a name repeats, in any object', () => {
    fc.assert(
      fc.property(anyObject, fc.boolean(), (object, inHeader) => {
        const header = inHeader ? object.text : '{"alg":"ES256"}';
        const claims = inHeader ? '{"sub":"a"}' : object.text;
        const token = `${segment(header)}.${segment(claims)}.c2ln`;
        let reason: string | undefined;
        try {
          decodeJwt(token);
        } catch (err) {
          reason = (err as JwtDecodeError).reason;
        }
        expect(reason === 'duplicate_member').toBe(object.repeats);
        expect(reason === undefined || reason === 'duplicate_member').toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
