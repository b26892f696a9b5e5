/** Longest grant subject accepted, in characters (Unicode code points). rule W5. */
export const MAX_SUBJECT_LENGTH = 255;

// C0 controls, DEL and C1 controls.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Why a grant's `sub` cannot become an access token's subject, or undefined when it can (rule W5
 * decision): empty, longer than {@link MAX_SUBJECT_LENGTH} characters, with control characters, or equal
 * to a registered `client_id` — a user's token must not be mistaken for a client's (RFC 9068 §5).
 */
export function subjectProblem(sub: string, clientIds: { has(id: string): boolean }): string | undefined {
  if (sub.length === 0) return 'sub is empty';
  if (CONTROL_CHARACTERS.test(sub)) return 'sub contains control characters';
  if (sub.length > MAX_SUBJECT_LENGTH && [...sub].length > MAX_SUBJECT_LENGTH) return `sub is longer than ${MAX_SUBJECT_LENGTH} characters`;
  if (clientIds.has(sub)) return 'sub equals a registered client_id';
  return undefined;
}
