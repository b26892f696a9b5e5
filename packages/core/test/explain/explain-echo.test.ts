import { createExplainHandler, type ExplainHandler, type ExplainReport } from '@rfc7523/core';
import { ECHO_ELIDED, ECHO_MAX_DEPTH, echoed } from '../../src/explain/explain-report.js';
import { b64u, frozenClock, ISSUER, jwks, makeKey, makeServer } from '../support/fixtures.js';

const clock = frozenClock();
let explain: ExplainHandler;

beforeAll(async () => {
  const worker = await makeKey('ES256', 'w1');
  const server = await makeServer({ now: clock.now, clients: [{ client_id: 'worker', jwks: jwks(worker) }], trustedIssuers: [{ issuer: 'ci', jwks: jwks(worker), subjects: ['repo:a'] }] });
  explain = createExplainHandler(server, { now: clock.now, burst: 1000, perMinute: 100_000 })!;
});

async function dryRun(claimsJson: string, use = 'client') {
  const assertion = `${b64u({ alg: 'ES256', kid: 'w1' })}.${b64u(claimsJson)}.${b64u('sig')}`;
  const response = await explain.handle({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ assertion, use }).toString(),
    clientAddress: '192.0.2.1',
  });
  return response;
}

/** The depth of nesting of a parsed JSON value, counted independently of the code under test. */
function depthOf(value: unknown): number {
  let depth = 0;
  let node: unknown = value;
  while (node !== null && typeof node === 'object') {
    depth++;
    node = Array.isArray(node) ? node[0] : Object.values(node)[0];
  }
  return depth;
}

describe('the echoed header and claims are bounded: deep nesting is a report, never a 500', () => {
  it('5000 nested arrays in a claim: 200, the claim echoed down to the bound and then a marker', async () => {
    const depth = 5000;
    const response = await dryRun(`{"iss":"worker","sub":"worker","x":${'['.repeat(depth)}${']'.repeat(depth)}}`);
    expect(response.status).toBe(200);
    const report = JSON.parse(response.body) as ExplainReport;
    expect(report.claims!.iss).toBe('worker');
    const x = report.claims!.x;
    expect(depthOf(x)).toBeLessThanOrEqual(ECHO_MAX_DEPTH);
    expect(JSON.stringify(x)).toContain(JSON.stringify(ECHO_ELIDED));
  });

  it('5000 nested arrays as aud (quoted by the aud fix): 200', async () => {
    const response = await dryRun(`{"iss":"ci","sub":"repo:a","exp":${clock.seconds() + 60},"aud":${'['.repeat(5000)}${']'.repeat(5000)}}`, 'grant');
    expect(response.status).toBe(200);
    const report = JSON.parse(response.body) as ExplainReport;
    expect(report.steps.find((s) => s.id === 'size')!.status).toBe('pass');
    expect(report.verdict).toBe('fail');
  });

  it('a shallow value is echoed unchanged, __proto__ kept as a plain member', () => {
    const claims = JSON.parse('{"iss":"a","aud":["' + ISSUER + '"],"n":{"m":[1,{"k":null}]},"__proto__":{"x":1}}') as Record<string, unknown>;
    const copy = echoed(claims);
    expect(JSON.stringify(copy)).toBe(JSON.stringify(claims));
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  });

  it('at most the value budget: a claim with 20000 members is cut, the rest marked', () => {
    const many = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`k${i}`, i]));
    const copy = echoed(many) as Record<string, unknown>;
    expect(Object.values(copy).filter((v) => v === ECHO_ELIDED).length).toBeGreaterThan(10_000);
  });
});
