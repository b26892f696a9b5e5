/**
 * The explain endpoint logs nothing of what it is given (docs/explain.md): each demo, started as its own
 * process from dist with its event log on (what `npm start` runs), dry-runs a signed assertion, an expired
 * one and garbage; neither the tokens, nor their signatures, nor their jti appear in the process's output.
 */
import { randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { exitCode, listeningUrl, startDemoProcess } from '../conformance/support/demo-process.js';
import { targets } from '../conformance/targets.js';
import { postExplain } from './support/cases.js';

const ISSUER = 'https://as.explain-logs.test';

describe.each(targets)('the $name process', ({ name }) => {
  it('writes no token, signature or jti of a dry run to its output', async () => {
    const { privateKey } = await generateKeyPair('ES256');
    const now = Math.floor(Date.now() / 1000);
    const jtis = [randomUUID(), randomUUID()];
    const sign = (jti: string, exp: number) =>
      new SignJWT({ iss: 'log-aggregator', sub: 'log-aggregator', aud: ISSUER, iat: exp - 60, exp, jti }).setProtectedHeader({ alg: 'ES256', kid: 'k' }).sign(privateKey);
    const tokens = [await sign(jtis[0]!, now + 60), await sign(jtis[1]!, now - 300), `garbage-${randomUUID()}`];
    const s = startDemoProcess(name, { PORT: '0', HOST: '127.0.0.1', ISSUER });
    try {
      const url = await listeningUrl(s);
      for (const token of tokens) {
        const answer = await postExplain(url, { assertion: token, use: 'client' });
        expect(answer.status).toBe(200);
        expect(answer.body.verdict).toBe('fail');
      }
    } finally {
      s.child.kill('SIGTERM');
    }
    expect(await exitCode(s)).toBe(0);
    const output = s.stdout + s.stderr;
    expect(output).toContain('listening on');
    for (const secret of [...tokens, ...tokens.map((t) => t.split('.')[2] ?? t), ...jtis]) expect(output).not.toContain(secret);
  }, 90_000);
});
