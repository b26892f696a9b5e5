/**
 * `rfc7523 explain` (the CLI, run in-process through its entry runCli) and the explain endpoint of every
 * demo agree on every rule for the same token: the same rules in the same order, the same status (the
 * CLI's not_checked is the page's not_reached or not_checked), the same failing reason, and the same fix
 * text — both come from the rule table's `fix`; the CLI may add what only its trust file can say (the
 * server's clock tolerance, registered names), which the page never shows. That holds for assertions signed
 * by a registered key; for any other the page hides the checks of the trust configuration that the CLI,
 * with the trust file in hand, shows (docs/explain.md, "What it reveals, and when").
 */
import { readFile } from 'node:fs/promises';
import { runCli } from '../../packages/client/src/cli/run.js';
import type { CliIo } from '../../packages/client/src/cli/io.js';
import { targets } from '../conformance/targets.js';
import { clientAssertion, ISSUER, mint, TOKEN_ENDPOINT, useDemo } from '../conformance/support/fixture.js';
import { explainCases, postExplain, type ReportStep } from './support/cases.js';

interface CliCheck {
  rule: string;
  result: 'pass' | 'fail' | 'not_checked';
  reason?: string;
  fix?: string;
}

/** Runs `rfc7523 explain --json` in-process; its exit code and parsed output. */
async function cli(args: string[]): Promise<{ code: number; checks: CliCheck[] }> {
  const out: string[] = [];
  const io: CliIo = {
    out: (text) => void out.push(text),
    err: (text) => void out.push(text),
    readFile: (path) => readFile(path, 'utf8'),
    writeSecretFile: () => Promise.reject(new Error('not used')),
    readStdin: () => Promise.resolve(''),
  };
  const code = await runCli(args, io);
  return { code, checks: (JSON.parse(out.join('\n')) as { checks: CliCheck[] }).checks };
}

/**
 * A CLI fix as the page words it: the trust file's path becomes "the server's trust configuration", and the
 * lists and numbers read from it (registered clients, trusted issuers, subjects, tolerance, maximum lifetime)
 * are left out.
 */
function withoutTrustFile(fix: string, configPath: string): string {
  return fix
    .replaceAll(`in ${configPath}`, "in the server's trust configuration")
    .replace(/; (registered|trusted issuers): .*$/, '')
    .replace(/ \(it may assert only [^)]*\)/, '')
    .replace(/with \d+ s tolerance/, "with the server's clock tolerance")
    .replace(/more than the \d+ s the /, 'more than the maximum the ')
    .replace(/; the registered keys: .*$/, "; its registered keys are in the server's trust configuration");
}

describe.each(targets)('rfc7523 explain and /explain on $name agree', (target) => {
  const ctx = useDemo(target);

  async function compare(token: string, use: 'client' | 'grant', failing: string | undefined): Promise<void> {
    const page = await postExplain(ctx.demo.url, { assertion: token, use });
    expect(page.status).toBe(200);
    const run = await cli(['explain', '--config', ctx.keys.configPath, '--issuer', ISSUER, '--use', use, '--json', token]);
    expect(run.code).toBe(failing === undefined ? 0 : 1);
    // Without a client_id parameter the CLI leaves out R5 (nothing to compare); the page shows it passed.
    const steps = page.body.steps!.filter((s: ReportStep) => s.id !== 'client-id');
    expect(steps.map((s) => s.rule)).toEqual(run.checks.map((c) => c.rule));
    steps.forEach((step, i) => {
      const check = run.checks[i]!;
      const status = step.status === 'not_reached' ? 'not_checked' : step.status;
      expect([step.id, status, step.reason]).toEqual([step.id, check.result, check.reason]);
      if (step.status === 'fail') {
        expect(step.id).toBe(failing);
        // The same text once what only the trust file can say is put as the page says it.
        // The CLI reads the real clock, the demo the suite's fake one: the "now" each quotes is theirs.
        const clockless = (fix: string) => fix.replace(/\(now [0-9T:.Z-]+,/, '(now …,');
        expect(clockless(withoutTrustFile(check.fix!, ctx.keys.configPath))).toBe(clockless(step.fix!));
      }
    });
    expect(steps.some((s) => s.status === 'fail')).toBe(failing !== undefined);
  }

  it('on the four page cases: valid, the token endpoint as aud, expired, garbage', async () => {
    for (const c of await explainCases(ctx.keys, ctx.clock)) await compare(c.token, 'client', c.failing?.id);
  });

  it('on client assertions failing elsewhere: a typ of another kind (J12), a lifetime over the maximum (J6)', async () => {
    await compare(await clientAssertion(ctx.keys.es, 'es-client', ctx.clock, { header: { typ: 'at+jwt' } }), 'client', 'typ');
    const now = ctx.clock.seconds();
    await compare(await clientAssertion(ctx.keys.es, 'es-client', ctx.clock, { claims: { iat: now, exp: now + 86_400 } }), 'client', 'lifetime');
  });

  it('on grants: accepted, a subject the issuer may not assert (J2)', async () => {
    const grant = (claims: Record<string, unknown>) =>
      mint(ctx.keys.issuer, ctx.clock, { iss: 'https://ci.conformance.test', sub: 'repo:acme/api:ref:refs/heads/main', aud: ISSUER, ...claims });
    await compare(await grant({}), 'grant', undefined);
    await compare(await grant({ sub: 'repo:acme/other' }), 'grant', 'subject');
  });

  /** The CLI names the failing check of the trust configuration; the page, for this token, hides them all. */
  async function hiddenByPage(token: string, use: 'client' | 'grant', failing: string): Promise<void> {
    const page = await postExplain(ctx.demo.url, { assertion: token, use });
    expect(page.status).toBe(200);
    const run = await cli(['explain', '--config', ctx.keys.configPath, '--issuer', ISSUER, '--use', use, '--json', token]);
    expect(run.code).toBe(1);
    const steps = page.body.steps!.filter((s: ReportStep) => s.id !== 'client-id');
    expect(steps.map((s) => s.rule)).toEqual(run.checks.map((c) => c.rule));
    const at = steps.findIndex((s) => s.id === failing);
    expect(run.checks[at]).toMatchObject({ result: 'fail' });
    expect(steps[at]).toMatchObject({ status: 'hidden' });
    expect(steps[at]!.reason).toBeUndefined();
    expect(steps.find((s) => s.status === 'fail')).toMatchObject({ id: 'signature', reason: 'trust_check_failed' });
    expect(JSON.stringify(page.body.steps)).not.toContain(run.checks[at]!.reason!);
  }

  // The demo's rate limit (burst 10 per address) bounds how many dry runs this file makes per demo.
  it('the page hides what the CLI shows for an unsigned or foreign-signed token: an untrusted issuer, an unsigned aud guess', async () => {
    await hiddenByPage(await mint(ctx.keys.issuer, ctx.clock, { iss: 'https://evil.example', sub: 'repo:acme/api:ref:refs/heads/main', aud: ISSUER }), 'grant', 'trusted');
    const signed = await clientAssertion(ctx.keys.es, 'es-client', ctx.clock, { claims: { aud: TOKEN_ENDPOINT } });
    const [header, claims] = signed.split('.');
    await hiddenByPage(`${header}.${claims}.${Buffer.from('not a signature').toString('base64url')}`, 'client', 'aud');
  });
});
