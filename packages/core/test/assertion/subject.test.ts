/** subjectProblem (rule W5): which grant subjects cannot become an access token's `sub`, and why (the log detail). */
import { MAX_SUBJECT_LENGTH, subjectProblem } from '../../src/assertion/subject.js';

const clientIds = new Set(['worker']);

describe('subjectProblem (rule W5)', () => {
  it('accepts an ordinary subject, and one of exactly 255 characters', () => {
    expect(MAX_SUBJECT_LENGTH).toBe(255);
    expect(subjectProblem('repo:acme/app:ref:refs/heads/main', clientIds)).toBeUndefined();
    expect(subjectProblem('a'.repeat(255), clientIds)).toBeUndefined();
  });

  it('refuses 256 characters, counting code points: 255 emoji (510 UTF-16 units) pass, 256 do not', () => {
    expect(subjectProblem('a'.repeat(256), clientIds)).toBe('sub is longer than 255 characters');
    expect(subjectProblem('😀'.repeat(255), clientIds)).toBeUndefined();
    expect(subjectProblem('😀'.repeat(256), clientIds)).toBe('sub is longer than 255 characters');
  });

  it('says why: empty, control characters, a registered client_id', () => {
    expect(subjectProblem('', clientIds)).toBe('sub is empty');
    expect(subjectProblem('a\u0000b', clientIds)).toBe('sub contains control characters');
    expect(subjectProblem('a\u009fb', clientIds)).toBe('sub contains control characters');
    expect(subjectProblem('worker', clientIds)).toBe('sub equals a registered client_id');
  });
});
