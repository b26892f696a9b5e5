import { randomUUID } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { assertionRulesFor, parseTrustConfig, JWT_BEARER_GRANT_TYPE, type TrustConfig } from '@rfc7523/core';
import { explainAssertion, type Explanation } from '../../src/cli/explain/explain-assertion.js';
import { runCli } from '../../src/cli/run.js';
import { makeKey, type TestKey } from '../support/fixtures.js';
import { fakeIo } from './support.js';

const AS = 'https://as.example.com';
let worker: TestKey;
let strict: TestKey;
let ci: TestKey;
let stranger: TestKey;
let config: TrustConfig;
let configPath: string;
const now = () => Date.now();
const seconds = () => Math.floor(now() / 1000);

beforeAll(async () => {
  [worker, strict, ci, stranger] = await Promise.all([makeKey('ES256', 'w1'), makeKey('EdDSA', 's1'), makeKey('ES256', 'ci1'), makeKey('ES256', 'w1')]);
  const file = {
    clients: [
      { client_id: 'worker', jwks: { keys: [worker.publicJwk] }, token_endpoint_auth_signing_alg: 'ES256', grant_types: ['client_credentials', JWT_BEARER_GRANT_TYPE], scope: 'read deploy' },
      { client_id: 'strict', jwks: { keys: [strict.publicJwk] }, require_explicit_typ: true },
    ],
    trusted_issuers: [
      { issuer: 'https://ci.example', jwks: { keys: [ci.publicJwk] }, subjects: ['repo:acme/api'], scope: 'deploy', max_assertion_lifetime: 600 },
      { issuer: 'no-jti-ci', jwks: { keys: [ci.publicJwk] }, allow_any_subject: true, require_jti: false },
    ],
  };
  config = parseTrustConfig(file);
  configPath = join(await mkdtemp(join(tmpdir(), 'rfc7523-explain-')), 'trust-config.json');
  await writeFile(configPath, JSON.stringify(file));
});

interface Mint {
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  omit?: string[];
}

async function sign(key: TestKey, base: Record<string, unknown>, { header = {}, claims = {}, omit = [] }: Mint = {}): Promise<string> {
  const all: Record<string, unknown> = { iat: seconds(), exp: seconds() + 60, jti: randomUUID(), ...base, ...claims };
  for (const name of omit) delete all[name];
  return new SignJWT(all).setProtectedHeader({ alg: key.alg, kid: key.publicJwk.kid, ...header }).sign(key.privateKey);
}

const clientAssertion = (m?: Mint, key = worker, id = 'worker') => sign(key, { iss: id, sub: id, aud: AS }, m);
const grantAssertion = (m?: Mint) => sign(ci, { iss: 'https://ci.example', sub: 'repo:acme/api', aud: AS }, m);

const explain = (assertion: string, extra: Partial<Parameters<typeof explainAssertion>[0]> = {}) =>
  explainAssertion({ assertion, config, configPath, issuer: AS, now, ...extra });

function failed(e: Explanation) {
  const fail = e.checks.filter((c) => c.result === 'fail');
  expect(fail).toHaveLength(1);
  return fail[0]!;
}

describe('explain: a good assertion', () => {
  it('a client assertion passes every check; replay is left to the live server', async () => {
    const e = await explain(await clientAssertion());
    expect(e).toMatchObject({ use: 'client', verdict: 'pass', useChosenBy: 'iss is a registered client' });
    expect(e.checks.filter((c) => c.result !== 'pass').map((c) => [c.rule, c.result])).toEqual([['J7', 'not_checked']]);
    expect(e.checks.map((c) => c.rule)).toEqual(['R8', 'J13', 'J11', 'J12', 'J1', 'J2', 'J1', 'J9', 'J12', 'J3', 'J5', 'J4', 'J5', 'J5', 'J6', 'J7', 'J10', 'J9', 'J7']);
  });

  it("lists the engine's rule table (ASSERTION_RULES) for the use, in its order; R5 only when client_id is sent", async () => {
    const jwt = await clientAssertion();
    const rules = assertionRulesFor('client_authentication');
    expect((await explain(jwt)).checks.map((c) => c.rule)).toEqual(rules.filter((r) => r.id !== 'client-id').map((r) => r.rule));
    const withId = await explain(jwt, { clientId: 'worker' });
    expect(withId.checks.map((c) => c.check.split(' (')[0])).toEqual(rules.map((r) => r.check.split(' (')[0]));
    const grant = await explain(await grantAssertion());
    expect(grant.checks.map((c) => c.rule)).toEqual(assertionRulesFor('authorization_grant').map((r) => r.rule));
  });

  it('a grant passes every check, scope included', async () => {
    const e = await explain(await grantAssertion(), { scope: 'deploy' });
    expect(e).toMatchObject({ use: 'grant', verdict: 'pass', useChosenBy: 'iss is a trusted issuer' });
    expect(e.checks.find((c) => c.rule === 'R10')).toMatchObject({ result: 'pass' });
  });

  it('never uses the jti up: the same assertion passes twice', async () => {
    const jwt = await clientAssertion();
    expect((await explain(jwt)).verdict).toBe('pass');
    expect((await explain(jwt)).verdict).toBe('pass');
  });

  it('a grant from an issuer allowed to omit jti passes without one', async () => {
    const jwt = await sign(ci, { iss: 'no-jti-ci', sub: 'anyone', aud: AS }, { omit: ['jti'] });
    expect((await explain(jwt)).verdict).toBe('pass');
  });
});

describe('explain: each refusal names its rule, reason code and a fix; later checks are not reached', () => {
  it.each<[string, string, string, RegExp, () => Promise<string>]>([
    ['text that is not a JWT', 'J13', 'malformed_jwt', /compact serialization/, async () => 'not-a-jwt'],
    ['a crit header', 'J11', 'crit_not_understood', /remove the crit/, () => rawCrit()],
    ['typ at+jwt', 'J12', 'typ_not_allowed', /client-authentication\+jwt/, () => clientAssertion({ header: { typ: 'at+jwt' } })],
    ['an unregistered client', 'J2', 'unknown_client', /register "nobody" under "clients".*"worker", "strict"/, () => clientAssertion({}, worker, 'nobody')],
    ['iss other than sub', 'J1', 'iss_mismatch', /set iss to "worker"/, () => clientAssertion({ claims: { iss: 'strict' } })],
    ['the token endpoint as aud', 'J3', 'aud_mismatch', /set aud to "https:\/\/as.example.com" \(the issuer identifier\)/, () => clientAssertion({ claims: { aud: `${AS}/token` } })],
    ['no aud', 'J3', 'missing_claim', /set aud/, () => clientAssertion({ omit: ['aud'] })],
    ['exp as a string', 'J5', 'invalid_claim', /NumericDate/, () => clientAssertion({ claims: { exp: String(seconds() + 60) } })],
    ['no exp', 'J4', 'missing_claim', /add exp/, () => clientAssertion({ omit: ['exp'] })],
    ['an exp five minutes past', 'J4', 'expired', /expired at .*mint a fresh one/, () => clientAssertion({ claims: { iat: seconds() - 600, exp: seconds() - 300 } })],
    ['nbf in the future', 'J5', 'not_yet_valid', /nbf is .* in the future/, () => clientAssertion({ claims: { nbf: seconds() + 600, exp: seconds() + 900 } })],
    ['iat in the future', 'J5', 'iat_in_future', /iat is .* in the future/, () => clientAssertion({ claims: { iat: seconds() + 600, exp: seconds() + 660 } })],
    ['a lifetime of two hours', 'J6', 'lifetime_too_long', /lives 7200 s, more than the 3600 s/, () => {
      const t = seconds(); // one reading: iat and exp must not straddle a second boundary
      return clientAssertion({ claims: { iat: t, exp: t + 7200 } });
    }],
    ['no jti', 'J7', 'missing_jti', /add a jti/, () => clientAssertion({ omit: ['jti'] })],
    ['an unknown kid', 'J10', 'key_not_found', /header kid "other".*w1 EC P-256/, () => clientAssertion({ header: { kid: 'other' } })],
    ['another key under the registered kid', 'J9', 'signature_invalid', /public half is registered/, () => clientAssertion({}, stranger)],
  ])('client assertion with %s → %s %s', async (_name, rule, reason, fix, make) => {
    const e = await explain(await make(), { use: 'client' });
    expect(e).toMatchObject({ verdict: 'fail', error: 'invalid_client', status: 401, reason, rule });
    const fail = failed(e);
    expect(fail).toMatchObject({ rule, reason });
    expect(fail.fix).toMatch(fix);
    const after = e.checks.slice(e.checks.indexOf(fail) + 1);
    expect(after.every((c) => c.result === 'not_checked')).toBe(true);
    expect(e.checks.slice(0, e.checks.indexOf(fail)).every((c) => c.result === 'pass')).toBe(true);
  });

  it('an algorithm the client is not registered for → J9 alg_not_allowed, naming the registered one', async () => {
    const rsa = await makeKey('RS256', 'w1');
    const e = await explain(await clientAssertion({}, rsa));
    expect(failed(e)).toMatchObject({ rule: 'J9', reason: 'alg_not_allowed', fix: expect.stringContaining('sign with ES256') });
  });

  it('a client that requires the explicit type, sent typ JWT → J12 (the second typ check)', async () => {
    const e = await explain(await clientAssertion({ header: { typ: 'JWT' } }, strict, 'strict'));
    expect(failed(e)).toMatchObject({ rule: 'J12', reason: 'explicit_typ_required', check: expect.stringContaining('when the client requires it') });
  });

  it('a client_id parameter other than sub → R5', async () => {
    const e = await explain(await clientAssertion(), { clientId: 'strict' });
    expect(failed(e)).toMatchObject({ rule: 'R5', reason: 'client_id_mismatch' });
  });

  it.each<[string, string, string, RegExp, () => Promise<string>]>([
    ['an untrusted issuer', 'J1', 'untrusted_issuer', /add "https:\/\/evil.example" under "trusted_issuers"/, () => grantAssertion({ claims: { iss: 'https://evil.example' } })],
    ['a subject the issuer may not assert', 'J2', 'sub_not_allowed', /may assert only "repo:acme\/api"/, () => grantAssertion({ claims: { sub: 'repo:acme/other' } })],
    ['a client assertion type', 'J12', 'typ_not_allowed', /a client assertion is never a grant/, () => grantAssertion({ header: { typ: 'client-authentication+jwt' } })],
    ['an aud naming another server', 'J3', 'aud_mismatch', /"https:\/\/as.example.com" or "https:\/\/as.example.com\/token"/, () => grantAssertion({ claims: { aud: 'https://other.example' } })],
    ['a lifetime over the issuer maximum', 'J6', 'lifetime_too_long', /more than the 600 s/, () => grantAssertion({ claims: { exp: seconds() + 900 } })],
    ['no jti', 'J7', 'missing_jti', /require_jti/, () => grantAssertion({ omit: ['jti'] })],
    ['a subject that is a registered client_id', 'W5', 'sub_invalid', /"worker" cannot be the subject.*not a registered client_id/, () => sign(ci, { iss: 'no-jti-ci', sub: 'worker', aud: AS })],
  ])('grant with %s → %s %s', async (_name, rule, reason, fix, make) => {
    const e = await explain(await make(), { use: 'grant' });
    expect(e).toMatchObject({ verdict: 'fail', error: 'invalid_grant', status: 400, reason, rule });
    expect(failed(e).fix).toMatch(fix);
  });

  it('a grant asking for more scope than allowed → R10 invalid_scope, after the signature', async () => {
    const e = await explain(await grantAssertion(), { scope: 'deploy admin' });
    expect(e).toMatchObject({ verdict: 'fail', error: 'invalid_scope', reason: 'scope_not_allowed', rule: 'R10' });
    expect(e.checks.find((c) => c.check.startsWith('the signature'))).toMatchObject({ result: 'pass' });
    expect(failed(e).fix).toMatch(/within "deploy"/);
  });
});

async function rawCrit(): Promise<string> {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const input = `${encode({ alg: 'ES256', kid: 'w1', crit: ['exp'] })}.${encode({ iss: 'worker', sub: 'worker', aud: AS, exp: seconds() + 60, jti: randomUUID() })}`;
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, worker.privateKey as never, new TextEncoder().encode(input));
  return `${input}.${Buffer.from(signature).toString('base64url')}`;
}

describe('rfc7523 explain (the command)', () => {
  it('prints every check and "Would pass" for a good assertion, exit 0', async () => {
    const io = fakeIo({ 'a.jwt': await clientAssertion() });
    expect(await runCli(['explain', '--config', configPath, '--issuer', AS, '@a.jwt'], io)).toBe(0);
    expect(io.output).toContain('pass  J3   aud is this server');
    expect(io.output).toContain('Would pass');
  });

  it('names the failing rule, reason and fix, exit 1; --json gives the same as an object', async () => {
    const jwt = await clientAssertion({ claims: { aud: `${AS}/token` } });
    const io = fakeIo({}, `${jwt}\n`);
    expect(await runCli(['explain', '--config', configPath, '--issuer', AS, '-'], io)).toBe(1);
    expect(io.output).toContain('FAIL  J3');
    expect(io.output).toContain('[aud_mismatch]');
    expect(io.output).toContain('fix: set aud to "https://as.example.com"');
    expect(io.output).toContain('Would be refused: invalid_client (HTTP 401), reason aud_mismatch, rule J3');
    const json = fakeIo();
    expect(await runCli(['explain', '--config', configPath, '--issuer', AS, '--json', jwt], json)).toBe(1);
    expect(JSON.parse(json.output)).toMatchObject({ verdict: 'fail', rule: 'J3', reason: 'aud_mismatch', error: 'invalid_client', status: 401 });
  });

  it('a key of another client that node:crypto cannot import does not stop the diagnosis; its own client is refused for its key', async () => {
    // The spoiled key: `stranger`'s public point moved off the curve (its y changed in the last byte).
    const spoiled = { ...stranger.publicJwk, kid: 'x1' };
    const y = Buffer.from(spoiled.y as string, 'base64url');
    y[y.length - 1]! ^= 1;
    spoiled.y = y.toString('base64url');
    const file = join(configPath, '..', 'one-bad-key.json');
    await writeFile(file, JSON.stringify({ clients: [{ client_id: 'worker', jwks: { keys: [worker.publicJwk] } }, { client_id: 'broken', jwks: { keys: [spoiled] } }] }));
    const good = fakeIo({ 'a.jwt': await clientAssertion() });
    expect(await runCli(['explain', '--config', file, '--issuer', AS, '@a.jwt'], good)).toBe(0);
    expect(good.output).toContain('Would pass');
    const json = fakeIo();
    const broken = await clientAssertion({ header: { kid: 'x1' } }, stranger, 'broken');
    expect(await runCli(['explain', '--config', file, '--issuer', AS, '--json', broken], json)).toBe(1);
    expect(JSON.parse(json.output)).toMatchObject({ verdict: 'fail', reason: 'key_not_found', error: 'invalid_client', status: 401 });
  });

  it('an invalid configuration file is a usage error naming the file and field', async () => {
    const bad = join(configPath, '..', 'bad.json');
    await writeFile(bad, JSON.stringify({ clients: [{ client_id: 'x', jwks: { keys: [worker.publicJwk] }, scopes: 'typo' }] }));
    const io = fakeIo();
    expect(await runCli(['explain', '--config', bad, '--issuer', AS, 'a.b.c'], io)).toBe(2);
    expect(io.errors).toContain('"clients[0].scopes" is not a known field');
  });
});
