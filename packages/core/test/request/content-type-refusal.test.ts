/**
 * The description of an unsupported body type (rule R7) names the one type the token endpoint reads,
 * so a client's developer sees what to send (RFC 6749 §3.2: parameters are form-encoded).
 */
import { readForm } from '../../src/request/form.js';

describe('R7 the unsupported body type refusal', () => {
  it('says the body must be application/x-www-form-urlencoded', () => {
    const request = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' };
    expect(() => readForm(request, 1024)).toThrow(expect.objectContaining({ reason: 'unsupported_content_type', description: 'the body must be application/x-www-form-urlencoded' }));
  });
});
