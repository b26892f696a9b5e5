import { createExplainHandler, type ExplainReport } from '@rfc7523/core';
import { assertionFix } from '../../src/assertion/fixes.js';
import { clientClaims, frozenClock, jwks, makeKey, makeServer, rawToken } from '../support/fixtures.js';

const clock = frozenClock();

describe('the R8 fix names the configured limit, in characters (what the check counts)', () => {
  it('a server with maxAssertionLength 2000: the fix says 2000 characters, not the default in bytes', async () => {
    const worker = await makeKey('ES256', 'w1');
    const server = await makeServer({ now: clock.now, maxAssertionLength: 2000, clients: [{ client_id: 'worker', jwks: jwks(worker) }] });
    expect(server.maxAssertionLength).toBe(2000);
    const explain = createExplainHandler(server, { now: clock.now })!;
    const assertion = rawToken({ alg: 'ES256' }, clientClaims(clock, 'worker', { pad: 'x'.repeat(2100) }));
    const response = await explain.handle({
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ assertion, use: 'client' }).toString(),
      clientAddress: '192.0.2.1',
    });
    const report = JSON.parse(response.body) as ExplainReport;
    const size = report.steps.find((s) => s.id === 'size')!;
    expect(size.status).toBe('fail');
    expect(size.fix).toContain('within 2000 characters');
    expect(size.fix).not.toMatch(/16384|bytes/);
  });

  it('without a limit in the context, the default 16384 characters', () => {
    const fix = assertionFix('size', 'assertion_too_large', { use: 'client_authentication', issuer: 'https://as', tokenEndpoint: 'https://as/token', header: {}, claims: {}, now: 0 });
    expect(fix).toContain('within 16384 characters');
    expect(fix).not.toContain('bytes');
  });
});
