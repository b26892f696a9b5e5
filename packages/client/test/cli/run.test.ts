import { generateKeyPairSync } from 'node:crypto';
import { jwtVerify, importJWK } from 'jose';
import { runCli } from '../../src/cli/run.js';
import { decode, makeKey, type TestKey } from '../support/fixtures.js';
import { fakeIo } from './support.js';

let key: TestKey;

beforeAll(async () => {
  key = await makeKey('ES256', 'cli-1');
});

describe('rfc7523 (no command, help, version)', () => {
  it('lists every command on --help and exits 0', async () => {
    const io = fakeIo();
    expect(await runCli(['--help'], io)).toBe(0);
    for (const name of ['keygen', 'assert client', 'assert grant', 'token', 'id-jag request', 'id-jag exchange', 'call', 'explain']) expect(io.output).toContain(name);
  });

  it('prints the same list with no command, exiting 2', async () => {
    const io = fakeIo();
    expect(await runCli([], io)).toBe(2);
    expect(io.output).toContain('Usage: rfc7523 <command>');
  });

  it.each([['keygen'], ['assert', 'client'], ['assert', 'grant'], ['token'], ['id-jag', 'request'], ['id-jag', 'exchange'], ['call'], ['explain']])('%s %s --help shows its usage and exits 0', async (...words) => {
    const command = words.filter(Boolean);
    const io = fakeIo();
    expect(await runCli([...command, '--help'], io)).toBe(0);
    expect(io.output).toMatch(new RegExp(`^Usage: rfc7523 ${command.join(' ')}`));
    expect(io.output).toContain('Exit codes');
  });

  it('help <command> is the same as <command> --help', async () => {
    const a = fakeIo();
    const b = fakeIo();
    await runCli(['help', 'token'], a);
    await runCli(['token', '--help'], b);
    expect(a.output).toBe(b.output);
  });

  it('assert alone explains its two kinds', async () => {
    const io = fakeIo();
    expect(await runCli(['assert'], io)).toBe(0);
    expect(io.output).toContain('rfc7523 assert client');
  });

  it('--version prints the package version', async () => {
    const io = fakeIo();
    expect(await runCli(['--version'], io)).toBe(0);
    expect(io.output).toMatch(/^\d+\.\d+\.\d+/);
  });
});

describe('rfc7523: usage mistakes exit 2 and say what is wrong', () => {
  it.each([
    [['frobnicate'], 'unknown command "frobnicate"'],
    [['assert', 'token'], 'unknown assertion kind "token"'],
    [['keygen', '--alg', 'HS256'], '--alg must be one of ES256, ES384, ES512, RS256, PS256, EdDSA'],
    [['keygen', '--bogus'], "Unknown option '--bogus'"],
    [['keygen', 'extra'], 'unexpected argument "extra"'],
    [['keygen', '--scope', 'a'], '--grant-type and --scope describe a client entry: add --client-id'],
    [['assert', 'client', '--issuer', 'https://as.example'], '--client-id is required'],
    [['assert', 'client', '--client-id', 'c', '--issuer', 'https://as.example', '--key', 'missing.json'], 'cannot read the key file missing.json: ENOENT'],
    [['assert', 'grant', '--issuer', 'i', '--subject', 's', '--key', 'k.json'], '--audience is required'],
    [['token'], '--issuer is required'],
    [['token', '--issuer', 'https://as.example', '--client-id', 'c'], '--client-id and --key go together'],
    [['token', '--issuer', 'https://as.example', '--grant', 'jwt-bearer'], '--assertion is required for the jwt-bearer grant'],
    [['token', '--issuer', 'https://as.example', '--grant', 'password'], '--grant must be one of client_credentials, jwt-bearer'],
    [['token', '--issuer', 'https://as.example', '--from', 'jenkins'], '--from must be one of github-actions, gitlab, kubernetes, file'],
    [['token', '--issuer', 'https://as.example', '--audience', 'x'], '--audience goes with --from github-actions'],
    [['token', '--issuer', 'https://as.example', '--from', 'gitlab', '--audience', 'x'], '--audience goes with --from github-actions'],
    [['token', '--issuer', 'https://as.example', '--from', 'kubernetes', '--token-variable', 'X'], '--token-variable goes with --from gitlab'],
    [['token', '--issuer', 'https://as.example', '--from', 'github-actions', '--token-file', 'f'], '--token-file goes with --from kubernetes or --from file'],
    [['token', '--issuer', 'https://as.example', '--from', 'file'], '--token-file is required with --from file'],
    [['token', '--token-endpoint', 'https://as.example/token', '--from', 'github-actions'], '--audience is required with --from github-actions when there is no --issuer'],
    [['token', '--issuer', 'https://as.example', '--from', 'gitlab', '--assertion', 'x.y.z'], '--assertion and --from are two ways to give the grant: pick one'],
    [['token', '--issuer', 'https://as.example', '--from', 'gitlab', '--grant', 'client_credentials'], '--from goes with the jwt-bearer grant'],
    [['explain', '--issuer', 'https://as.example', 'x.y.z'], '--config is required'],
    [['explain', '--config', 'c.json', '--issuer', 'https://as.example'], 'the assertion to explain is required'],
    [['explain', '--config', 'c.json', '--issuer', 'https://as.example', '--use', 'both', 'x'], '--use must be one of client, grant'],
  ])('%j', async (argv, message) => {
    const io = fakeIo();
    expect(await runCli(argv, io)).toBe(2);
    expect(io.errors).toContain(message);
  });

  it('a key file holding a public key is a usage error', async () => {
    const io = fakeIo({ 'pub.json': JSON.stringify(key.publicJwk) });
    expect(await runCli(['assert', 'client', '--client-id', 'c', '--issuer', 'https://as.example', '--key', 'pub.json'], io)).toBe(2);
    expect(io.errors).toContain('holds no private key');
  });

  it('a bad option value the library refuses is a usage error too', async () => {
    const io = fakeIo({ 'k.json': JSON.stringify(key.privateJwk) });
    expect(await runCli(['token', '--issuer', 'http://as.example', '--client-id', 'c', '--key', 'k.json'], io)).toBe(2);
    expect(io.errors).toContain('"issuer" option must be an https URL');
  });

  it('with --json a usage error is also one JSON object on stdout', async () => {
    const io = fakeIo();
    expect(await runCli(['token', '--json'], io)).toBe(2);
    expect(JSON.parse(io.output)).toEqual({ error: 'usage', message: '--issuer is required' });
  });
});

describe('rfc7523 keygen', () => {
  it.each(['ES256', 'RS256', 'PS256', 'EdDSA'])('--alg %s prints a private JWK and a public JWKS that belong together', async (alg) => {
    const io = fakeIo();
    expect(await runCli(['keygen', '--alg', alg, '--kid', 'k1', '--json'], io)).toBe(0);
    const { privateJwk, jwks } = JSON.parse(io.output);
    expect(privateJwk).toMatchObject({ kid: 'k1', alg, d: expect.any(String) });
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kid: 'k1', alg, use: 'sig' });
    expect(jwks.keys[0].d).toBeUndefined();
    const io2 = fakeIo({ 'k.json': JSON.stringify(privateJwk) });
    await runCli(['assert', 'client', '--client-id', 'c', '--issuer', 'https://as.example', '--key', 'k.json'], io2);
    await expect(jwtVerify(io2.output, await importJWK(jwks.keys[0], alg))).resolves.toBeDefined();
  });

  it('defaults to ES256 and a kid that is the RFC 7638 thumbprint', async () => {
    const io = fakeIo();
    await runCli(['keygen', '--json'], io);
    const { privateJwk } = JSON.parse(io.output);
    expect(privateJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
  });

  it('--out writes the private key to a new file and prints only the public part', async () => {
    const io = fakeIo();
    expect(await runCli(['keygen', '--out', 'svc.key.json'], io)).toBe(0);
    expect(JSON.parse(io.files.get('svc.key.json')!).d).toEqual(expect.any(String));
    expect(JSON.parse(io.output).keys[0].d).toBeUndefined();
    expect(io.errors).toContain('Private key written to svc.key.json (mode 600)');
  });

  it('--out never overwrites a file (exit 1)', async () => {
    const io = fakeIo({ 'svc.key.json': 'precious' });
    expect(await runCli(['keygen', '--out', 'svc.key.json'], io)).toBe(1);
    expect(io.files.get('svc.key.json')).toBe('precious');
    expect(io.errors).toContain('it exists (never overwritten)');
  });

  it('--client-id prints a whole client entry for the trust configuration', async () => {
    const io = fakeIo();
    await runCli(['keygen', '--alg', 'EdDSA', '--client-id', 'svc', '--grant-type', 'client_credentials', '--grant-type', 'jwt-bearer', '--scope', 'a b', '--out', 'k'], io);
    expect(JSON.parse(io.output)).toEqual({
      client_id: 'svc',
      jwks: { keys: [expect.objectContaining({ kty: 'OKP', crv: 'Ed25519' })] },
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'EdDSA',
      grant_types: ['client_credentials', 'urn:ietf:params:oauth:grant-type:jwt-bearer'],
      scope: 'a b',
    });
  });
});

describe('rfc7523 assert', () => {
  it('client prints a compact JWT with the rfc7523bis defaults', async () => {
    const io = fakeIo({ 'k.json': JSON.stringify(key.privateJwk) });
    expect(await runCli(['assert', 'client', '--client-id', 'svc', '--issuer', 'https://as.example', '--key', 'k.json', '--lifetime', '30'], io)).toBe(0);
    const { header, claims } = decode(io.output);
    expect(header).toEqual({ alg: 'ES256', typ: 'client-authentication+jwt', kid: 'cli-1' });
    expect(claims).toMatchObject({ iss: 'svc', sub: 'svc', aud: 'https://as.example' });
    expect((claims.exp as number) - (claims.iat as number)).toBe(30);
  });

  it('grant --json prints the assertion with its header and claims', async () => {
    const io = fakeIo({ 'k.json': JSON.stringify({ keys: [key.publicJwk, key.privateJwk] }) });
    const argv = ['assert', 'grant', '--issuer', 'ci', '--subject', 'repo:x', '--audience', 'https://as.example', '--audience', 'https://as.example/token', '--key', 'k.json', '--json'];
    expect(await runCli(argv, io)).toBe(0);
    const printed = JSON.parse(io.output);
    expect(printed.claims).toMatchObject({ iss: 'ci', sub: 'repo:x', aud: ['https://as.example', 'https://as.example/token'] });
    expect(printed.header).toMatchObject({ typ: 'JWT' });
    expect(decode(printed.assertion).claims).toEqual(printed.claims);
  });

  it('reads a PEM key file', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const io = fakeIo({ 'k.pem': privateKey.export({ type: 'pkcs8', format: 'pem' }) as string });
    expect(await runCli(['assert', 'client', '--client-id', 'svc', '--issuer', 'https://as.example', '--key', 'k.pem'], io)).toBe(0);
    expect(decode(io.output).header.alg).toBe('ES384');
  });
});

describe('rfc7523: messages that help', () => {
  it.each([
    ['tokn', 'did you mean "token"?'],
    ['asert', 'did you mean "assert"?'],
    ['frobnicate', 'the commands are keygen, assert, token, id-jag, call, explain'],
  ])('an unknown command %s suggests the real ones', async (word, hint) => {
    const io = fakeIo();
    expect(await runCli([word], io)).toBe(2);
    expect(io.errors).toContain(hint);
    expect(io.errors).toContain('Run "rfc7523 --help" for usage.');
  });

  it('a request that cannot connect shows its cause (ECONNREFUSED and the address)', async () => {
    const { createServer } = await import('node:net');
    // A port that was free a moment ago: listen, note it, close, then connect to it.
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as import('node:net').AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const io = fakeIo({ 'k.json': JSON.stringify(key.privateJwk) });
    const argv = ['token', '--issuer', `http://127.0.0.1:${port}`, '--client-id', 'c', '--key', 'k.json'];
    expect(await runCli(argv, io)).toBe(1);
    expect(io.errors).toContain('ECONNREFUSED');
    expect(io.errors).toContain(`127.0.0.1:${port}`);
  });
});

describe('rfc7523 token --from: the platform token is read before anything is sent', () => {
  it.each([
    [['--from', 'github-actions'], {}, 'the environment variable ACTIONS_ID_TOKEN_REQUEST_URL is not set'],
    [['--from', 'github-actions'], { ACTIONS_ID_TOKEN_REQUEST_URL: 'https://gh.example/idtoken?api-version=2.0' }, 'ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set'],
    [['--from', 'gitlab'], {}, 'the environment variable RFC7523_ID_TOKEN is not set: declare it in the job of .gitlab-ci.yml as id_tokens:'],
    [['--from', 'gitlab', '--token-variable', 'AUTH_TOKEN'], {}, 'the environment variable AUTH_TOKEN is not set'],
    [['--from', 'gitlab'], { RFC7523_ID_TOKEN: 'not-a-jwt' }, 'the environment variable RFC7523_ID_TOKEN does not hold a JWT'],
    [['--from', 'kubernetes', '--token-file', '/nonexistent/rfc7523/token'], {}, 'cannot read the token file /nonexistent/rfc7523/token: ENOENT'],
  ])('%j with %j exits 1: %s', async (from, env, message) => {
    // The issuer is never asked: the port is closed, and the failure is the platform token's.
    const io = fakeIo({}, '', env);
    expect(await runCli(['token', '--issuer', 'http://127.0.0.1:9', ...from], io)).toBe(1);
    expect(io.errors).toContain(message);
  });

  it('--json reports the platform error with its code', async () => {
    const io = fakeIo({}, '', {});
    expect(await runCli(['token', '--issuer', 'http://127.0.0.1:9', '--from', 'gitlab', '--json'], io)).toBe(1);
    expect(JSON.parse(io.output)).toMatchObject({ error: 'ERR_PLATFORM_TOKEN_UNAVAILABLE', message: expect.stringContaining('RFC7523_ID_TOKEN') });
  });
});
