import { ASSERTION_RULES, assertionRulesFor } from '@rfc7523/core';
import { failureClaim } from '../../src/assertion/rules.js';

// The order of checks as docs/rules.md (R0 and each rule's section) and RFC 7523 §3 describe it, written
// out here by hand so that a change to the table has to be made twice, on purpose.
const CLIENT_ORDER = ['size', 'compact', 'crit', 'typ', 'iss-sub', 'client-id', 'registered', 'iss-is-sub', 'alg', 'explicit-typ', 'aud', 'dates', 'exp', 'nbf', 'iat', 'lifetime', 'jti', 'key', 'signature', 'replay'];
const GRANT_ORDER = ['size', 'compact', 'crit', 'typ', 'iss-sub', 'trusted', 'id-jag-typ', 'subject', 'alg', 'aud', 'dates', 'exp', 'nbf', 'iat', 'lifetime', 'jti', 'id-jag-claims', 'id-jag-client', 'key', 'signature', 'claim-conditions', 'subject-sanity', 'id-jag-binding', 'resource', 'scope', 'replay'];

describe('ASSERTION_RULES, the rule table as data', () => {
  it('is frozen, entries included, and names each step once', () => {
    expect(Object.isFrozen(ASSERTION_RULES)).toBe(true);
    for (const entry of ASSERTION_RULES) {
      expect(Object.isFrozen(entry)).toBe(true);
      expect(Object.isFrozen(entry.reasons)).toBe(true);
    }
    const ids = ASSERTION_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(() => (ASSERTION_RULES as unknown as unknown[]).push({})).toThrow(TypeError);
  });

  it('every entry has a rule id, a check in words, reasons, uses and an RFC source', () => {
    for (const entry of ASSERTION_RULES) {
      expect(entry.rule).toMatch(/^[RJWGAD]\d{1,2}$/);
      expect(entry.check.length).toBeGreaterThan(10);
      expect(entry.reasons.length).toBeGreaterThan(0);
      expect(entry.uses.length).toBeGreaterThan(0);
      expect(entry.source).toMatch(/RFC \d+|rfc7523bis|OpenID Connect|docs\/rules\.md/);
    }
  });

  it('client authentication runs its steps in the documented order', () => {
    expect(assertionRulesFor('client_authentication').map((r) => r.id)).toEqual(CLIENT_ORDER);
  });

  it('the jwt-bearer grant runs its steps in the documented order: W5 and R10 after the signature, replay last', () => {
    expect(assertionRulesFor('authorization_grant').map((r) => r.id)).toEqual(GRANT_ORDER);
  });

  it('each use is the table filtered by its uses, in the table order', () => {
    for (const use of ['client_authentication', 'authorization_grant'] as const) {
      expect(assertionRulesFor(use)).toEqual(ASSERTION_RULES.filter((r) => r.uses.includes(use)));
    }
  });

  it('a reason code shared by several steps is told apart by claim', () => {
    const byReason = new Map<string, string[][]>();
    for (const entry of ASSERTION_RULES) {
      for (const reason of entry.reasons) byReason.set(reason, [...(byReason.get(reason) ?? []), [...(entry.claims ?? [])]]);
    }
    for (const [, claimSets] of [...byReason].filter(([, sets]) => sets.length > 1)) {
      const all = claimSets.flat();
      expect(claimSets.every((c) => c.length > 0)).toBe(true);
      expect(new Set(all).size).toBe(all.length);
    }
  });

  it('every step has a fix for each of its reasons; without the configuration none quotes a registration', () => {
    const context = { use: 'client_authentication', issuer: 'https://as.example', tokenEndpoint: 'https://as.example/token', header: { alg: 'ES256', typ: 'at+jwt', kid: 'k' }, claims: { iss: 'c', sub: 'c', aud: 'x', exp: 1, iat: 0, nbf: 9, client_id: 'c', resource: 'r' }, now: 0 } as const;
    for (const entry of ASSERTION_RULES) {
      for (const reason of entry.reasons) {
        const fix = entry.fix(reason, context);
        expect(fix.length).toBeGreaterThan(10);
        expect(fix).not.toMatch(/undefined|\(none\)/);
      }
    }
    const withFile = ASSERTION_RULES.find((r) => r.id === 'registered')!.fix('unknown_client', { ...context, configuration: { path: 'trust.json', config: { clients: [{ client_id: 'worker' }], trustedIssuers: [] } as never } });
    expect(withFile).toBe('register "c" under "clients" in trust.json, or set iss and sub to a registered client_id; registered: "worker"');
    expect(ASSERTION_RULES.find((r) => r.id === 'registered')!.fix('unknown_client', context)).toBe(
      'register "c" under "clients" in the server\'s trust configuration, or set iss and sub to a registered client_id',
    );
  });
});

describe('failureClaim, the table check of every refusal', () => {
  const rule = (id: string) => ASSERTION_RULES.find((r) => r.id === id)!;

  it("names the step's only claim when the step gave none, the step's claim when it gave one, and none for null", () => {
    expect(rule('exp').claims).toEqual(['exp']);
    expect(failureClaim(rule('exp'), 'missing_claim', undefined)).toBe('exp');
    expect(failureClaim(rule('iss-sub'), 'missing_claim', 'sub')).toBe('sub');
    expect(failureClaim(rule('exp'), 'missing_claim', null)).toBeUndefined();
    expect(rule('iss-sub').claims!.length).toBeGreaterThan(1);
    expect(failureClaim(rule('iss-sub'), 'missing_claim', undefined)).toBeUndefined();
  });

  it('throws (a bug, a 500) for a reason or a claim the entry does not list, naming the step, reason and claim', () => {
    expect(() => failureClaim(rule('exp'), 'jti_replayed', undefined)).toThrow(new Error('step exp failed with jti_replayed/exp, which ASSERTION_RULES does not list'));
    expect(() => failureClaim(rule('exp'), 'missing_claim', 'nbf')).toThrow(new Error('step exp failed with missing_claim/nbf, which ASSERTION_RULES does not list'));
    expect(() => failureClaim(rule('compact'), 'jti_replayed', null)).toThrow(new Error('step compact failed with jti_replayed, which ASSERTION_RULES does not list'));
    expect(rule('compact').claims).toBeUndefined();
    expect(() => failureClaim(rule('compact'), 'malformed_jwt', 'jti')).toThrow(/compact failed with malformed_jwt\/jti/);
    expect(failureClaim(rule('compact'), 'malformed_jwt', undefined)).toBeUndefined();
  });
});
