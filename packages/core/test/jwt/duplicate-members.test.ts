import { findDuplicateMember } from '../../src/jwt/duplicate-members.js';

describe('findDuplicateMember (J13)', () => {
  it('finds nothing in objects without repeated names', () => {
    for (const text of ['{}', '{"a":1,"b":2}', '[]', '"x"', '1', 'null', '{"a":{"a":{"a":1}}}', '{"a":[{"a":1},{"a":2}],"b":{"a":3}}']) {
      expect(findDuplicateMember(text)).toBeUndefined();
    }
  });

  it('J13 finds a top-level repeated name', () => {
    expect(findDuplicateMember('{"a":1,"b":2,"a":3}')).toBe('a');
  });

  it('J13 finds a repeated name in a nested object', () => {
    expect(findDuplicateMember('{"a":{"x":1,"x":2}}')).toBe('x');
    expect(findDuplicateMember('{"a":[1,{"y":1,"y":1}]}')).toBe('y');
  });

  it('J13 compares names after unescaping', () => {
    expect(findDuplicateMember('{"sub":"a","\\u0073ub":"b"}')).toBe('sub');
    expect(findDuplicateMember('{"a\\"b":1,"a\\"b":2}')).toBe('a"b');
  });

  it('is not fooled by braces, brackets, commas, quotes or backslashes inside strings', () => {
    expect(findDuplicateMember('{"a":"{\\"a\\":1,","b":"]}[","c":"\\\\"}')).toBeUndefined();
    expect(findDuplicateMember('{"a":"x\\\\","a":1}')).toBe('a');
    expect(findDuplicateMember('{"a":["a","a"],"b":"a"}')).toBeUndefined();
  });

  it('keeps arrays of objects apart from their parent object', () => {
    expect(findDuplicateMember('{"k":[{"k":1}],"z":1}')).toBeUndefined();
    expect(findDuplicateMember('{"k":[{"k":1}],"k":1}')).toBe('k');
  });

  it('treats names that differ only in case as different', () => {
    expect(findDuplicateMember('{"Sub":1,"sub":2}')).toBeUndefined();
  });
});
