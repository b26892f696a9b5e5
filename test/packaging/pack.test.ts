import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/**
 * What a stranger gets from `npm pack` (issue 11 item 3): each published package is packed (from its
 * built dist, `npm test` builds first), the tarballs are installed into a scratch app in a temporary
 * directory outside the workspace, and a token exchange runs there with nothing but the installed
 * packages. Third-party dependencies come from npm's cache (`--prefer-offline`).
 */

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The packages whose tarballs are installed together (fastify is checked by `npm run lint:packages`). */
const PACKAGES = ['core', 'redis', 'express', 'koa', 'nestjs', 'client'] as const;
const REPOSITORY = 'https://github.com/rfc7523/rfc7523';

interface PackResult {
  name: string;
  filename: string;
  files: { path: string }[];
}

let work: string;
let app: string;
const packed = new Map<string, PackResult>();

/** Runs npm with the node running this test first on PATH, so the npm matches the node under test. */
function npm(args: string[], cwd: string, timeout: number) {
  const PATH = `${dirname(process.execPath)}:${process.env.PATH ?? ''}`;
  return run('npm', args, { cwd, timeout, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, PATH, NODE_OPTIONS: '' } });
}

/** The scratch app: mints a key, configures a server, exchanges a client assertion, loads every adapter. */
const EXCHANGE = `
import { generateKeyPairSync } from 'node:crypto';
import { createAuthorizationServer, JWT_BEARER_CLIENT_ASSERTION_TYPE } from '@rfc7523/core';
import { createClientAssertion } from '@rfc7523/client';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const issuer = 'https://as.example.com';
const server = await createAuthorizationServer({
  issuer,
  clients: [{ client_id: 'svc', jwks: { keys: [{ ...publicKey.export({ format: 'jwk' }), kid: 'k1' }] }, scope: 'reports:read reports:write' }],
});
const assertion = await createClientAssertion({ clientId: 'svc', issuer, key: { ...privateKey.export({ format: 'jwk' }), kid: 'k1' } });
const request = (a) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'reports:read', client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: a }).toString(),
});
const first = await server.handleTokenRequest(request(assertion));
const replay = await server.handleTokenRequest(request(assertion));
const claims = await server.verifyAccessToken('Bearer ' + first.body.access_token, ['reports:read']);
const exports = {};
for (const name of ['express', 'koa', 'nestjs', 'redis']) exports[name] = Object.keys(await import('@rfc7523/' + name)).sort();
console.log(JSON.stringify({ first, replay: { status: replay.status, error: replay.body.error }, claims, exports }));
`;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'rfc7523-pack-'));
  expect(relative(ROOT, work).startsWith('..')).toBe(true);
  app = join(work, 'app');
  for (const name of PACKAGES) {
    const { stdout } = await npm(['pack', '--json', '--pack-destination', work], join(ROOT, 'packages', name), 120_000);
    const [result] = JSON.parse(stdout) as PackResult[];
    packed.set(name, result!);
  }
  await npm(['init', '-y'], await mkdirP(app), 30_000);
  await writeFile(join(app, 'exchange.mjs'), EXCHANGE);
  const tarballs = [...packed.values()].map((p) => join(work, p.filename));
  await npm(['install', ...tarballs, '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], app, 170_000);
}, 300_000);

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

async function mkdirP(dir: string): Promise<string> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  return dir;
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe.each(PACKAGES)('the @rfc7523/%s tarball', (name) => {
  const files = () => packed.get(name)!.files.map((f) => f.path);

  it('holds LICENSE, README.md, package.json, dist and src, and nothing from tests or benches', () => {
    expect(files()).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts', 'src/index.ts']));
    const stray = files().filter((f) => !/^(LICENSE|README\.md|package\.json|dist\/.+|src\/.+|bin\/rfc7523\.js)$/.test(f) || /(^|\/)(test|tests|__tests__|bench)\/|\.test\.|\.spec\.|tsbuildinfo/.test(f));
    expect(stray).toEqual([]);
  });

  it('carries the metadata a registry page needs', async () => {
    const pkg = JSON.parse(await readFile(join(app, 'node_modules', '@rfc7523', name, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      name: `@rfc7523/${name}`,
      license: 'MIT',
      engines: { node: '>=22' },
      repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${name}` },
      homepage: `${REPOSITORY}/tree/main/packages/${name}#readme`,
      bugs: { url: `${REPOSITORY}/issues` },
      publishConfig: { access: 'public' },
    });
    expect(pkg.keywords).toEqual(expect.arrayContaining(['oauth2', 'rfc7523']));
    expect(await readFile(join(app, 'node_modules', '@rfc7523', name, 'LICENSE'), 'utf8')).toMatch(/^MIT License[\s\S]*rfc7523 contributors/);
  });

  it('has source maps whose sources are in the installed package', async () => {
    const installed = join(app, 'node_modules', '@rfc7523', name);
    const maps = (await filesUnder(join(installed, 'dist'))).filter((f) => f.endsWith('.map'));
    expect(maps.length).toBeGreaterThan(0);
    const missing: string[] = [];
    for (const map of maps) {
      const { sources, sourceRoot } = JSON.parse(await readFile(map, 'utf8')) as { sources: string[]; sourceRoot?: string };
      for (const source of sources) {
        const path = resolve(dirname(map), sourceRoot ?? '', source);
        if (!path.startsWith(installed) || !existsSync(path)) missing.push(`${relative(installed, map)} → ${source}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('a scratch app outside the workspace with only the installed tarballs', () => {
  it('exchanges a client assertion minted by @rfc7523/client at @rfc7523/core: 200 with a Bearer token, then the replay is refused', async () => {
    const { stdout } = await run(process.execPath, ['exchange.mjs'], { cwd: app, timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '' } });
    const result = JSON.parse(stdout);
    expect(result.first).toMatchObject({
      status: 200,
      headers: { 'cache-control': 'no-store' },
      body: { token_type: 'Bearer', expires_in: 300, access_token: expect.any(String) },
    });
    expect(result.replay).toEqual({ status: 401, error: 'invalid_client' });
    expect(result.claims).toMatchObject({ iss: 'https://as.example.com', sub: 'svc', client_id: 'svc', scope: 'reports:read' });
    expect(result.exports.express).toEqual(expect.arrayContaining(['authorizationServerRouter', 'requireAccessToken', 'oauthErrorHandler']));
    expect(result.exports.koa).toEqual(expect.arrayContaining(['authorizationServerRouter', 'requireAccessToken', 'oauthErrors']));
    expect(result.exports.nestjs).toEqual(expect.arrayContaining(['Rfc7523Module', 'AccessTokenGuard']));
    expect(result.exports.redis).toEqual(expect.arrayContaining(['createRedisReplayStore']));
  });

  it('runs the first example of the @rfc7523/core README as written', async () => {
    const readme = await readFile(join(ROOT, 'packages/core/README.md'), 'utf8');
    const example = /```js\n([\s\S]*?)```/.exec(readme)![1]!;
    await writeFile(join(app, 'readme-example.mjs'), example);
    const { stdout } = await run(process.execPath, ['readme-example.mjs'], { cwd: app, timeout: 60_000, env: { ...process.env, NODE_OPTIONS: '' } });
    expect(stdout).toMatch(/^200 \{/m);
    expect(stdout).toMatch(/token_type: 'Bearer'/);
    expect(stdout.trim().split('\n').at(-1)).toBe('log-aggregator');
  });

  it('links the rfc7523 command of @rfc7523/client, which runs from the installed package', async () => {
    const { stdout } = await run(process.execPath, [join(app, 'node_modules/.bin/rfc7523'), 'keygen', '--alg', 'ES256', '--client-id', 'svc', '--json'], { cwd: app, env: { ...process.env, NODE_OPTIONS: '' } });
    const out = JSON.parse(stdout);
    expect(out.client).toMatchObject({ client_id: 'svc', jwks: { keys: [{ kty: 'EC', crv: 'P-256' }] } });
    expect(out.privateJwk).toMatchObject({ kty: 'EC', crv: 'P-256', d: expect.any(String) });
    expect(out.client.jwks.keys[0].d).toBeUndefined();
  });

  it('resolves every @rfc7523 package from the scratch app, not from the workspace', async () => {
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', `console.log(JSON.stringify(${JSON.stringify(PACKAGES)}.map((n) => import.meta.resolve('@rfc7523/' + n))))`], { cwd: app, env: { ...process.env, NODE_OPTIONS: '' } });
    for (const url of JSON.parse(stdout) as string[]) expect(fileURLToPath(url).startsWith(join(app, 'node_modules'))).toBe(true);
  });
});
