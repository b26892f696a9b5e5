import { grantScope, parseScope } from '../src/scope.js';
import { scopeSet } from '../src/registry.js';

describe('scope (RFC 6749 §3.3)', () => {
  it('parseScope splits on single spaces and drops repeats', () => {
    expect(parseScope(undefined)).toEqual([]);
    expect(parseScope('a')).toEqual(['a']);
    expect(parseScope('b a b')).toEqual(['b', 'a']);
    expect(parseScope('urn:x:y https://api/read !#$')).toEqual(['urn:x:y', 'https://api/read', '!#$']);
  });

  it('R10 parseScope refuses malformed scope strings with invalid_scope', () => {
    for (const scope of ['', ' ', 'a  b', ' a', 'a ', 'a\tb', 'a"b', 'a\\b', 'é', 'a\nb']) {
      expect(() => parseScope(scope)).toThrow(expect.objectContaining({ error: 'invalid_scope', status: 400, reason: 'scope_not_allowed' }));
    }
  });

  it('R10 grantScope grants everything allowed when nothing is requested', () => {
    expect(grantScope([], new Set(['a', 'b']))).toEqual(['a', 'b']);
    expect(grantScope([], new Set())).toEqual([]);
  });

  it('R10 grantScope grants a request within the allowed set, as requested', () => {
    expect(grantScope(['b'], new Set(['a', 'b']))).toEqual(['b']);
  });

  it('R10 grantScope refuses anything beyond the allowed set, naming it only in the detail', () => {
    try {
      grantScope(['a', 'admin'], new Set(['a']));
      throw new Error('expected a rejection');
    } catch (err) {
      expect(err).toMatchObject({ error: 'invalid_scope', reason: 'scope_not_allowed', detail: 'not allowed: admin' });
      expect((err as Error).message).not.toContain('admin');
    }
  });

  it('scopeSet reads a registration scope string', () => {
    expect([...scopeSet(undefined)]).toEqual([]);
    expect([...scopeSet('a b a')]).toEqual(['a', 'b']);
  });

  it('R10 a malformed scope and a scope beyond the allowed set are told apart in error_description', () => {
    const refusal = (fn: () => unknown): Error => {
      try {
        fn();
      } catch (err) {
        return err as Error;
      }
      throw new Error('expected a refusal');
    };
    expect(refusal(() => parseScope('a  b')).message).toMatch(/malformed/);
    expect(refusal(() => grantScope(['x'], new Set())).message).toMatch(/exceeds/);
  });

  it('R10 names every scope beyond the allowed set in the detail, space-separated', () => {
    expect(() => grantScope(['a', 'admin', 'root'], new Set(['a']))).toThrow(expect.objectContaining({ detail: 'not allowed: admin root' }));
  });
});
