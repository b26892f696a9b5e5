import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exitCode, listeningUrl, startDemoProcess } from './support/demo-process.js';
import { targets } from './targets.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Per test: start-up, a few requests, and a clean stop. */
const TEST_TIMEOUT = 90_000;

describe.each(targets)('the $name process (docs/demo-interface.md)', ({ name }) => {
  it('starts on PORT/HOST/ISSUER, prints a listening line, serves metadata and stops on SIGTERM', async () => {
    const s = startDemoProcess(name, { PORT: '0', HOST: '127.0.0.1', ISSUER: 'https://as.process.test' });
    try {
      const url = await listeningUrl(s);
      const meta = (await (await fetch(`${url}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
      expect(meta.issuer).toBe('https://as.process.test');
      expect(meta.token_endpoint).toBe('https://as.process.test/token');
      const token = await fetch(`${url}/token`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials' });
      expect(token.status).toBe(401);
    } finally {
      s.child.kill('SIGTERM');
    }
    expect(await exitCode(s)).toBe(0);
  }, TEST_TIMEOUT);

  it('exits non-zero naming the file and the field when the configuration is invalid', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rfc7523-process-'));
    const path = join(dir, 'bad-config.json');
    const config = JSON.parse(await readFile(join(root, 'apps/demo-kit/demo/trust-config.json'), 'utf8'));
    config.clients[1].scopes = 'typo';
    await writeFile(path, JSON.stringify(config));
    const s = startDemoProcess(name, { PORT: '0', AS_CONFIG: path });
    expect(await exitCode(s)).not.toBe(0);
    expect(s.stderr).toContain(path);
    expect(s.stderr).toContain('clients[1].scopes');
    expect(s.stdout).not.toContain('listening');
  }, TEST_TIMEOUT);

  it('exits non-zero naming AS_SIGNING_KEY when the signing key file is unusable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rfc7523-process-'));
    const path = join(dir, 'key.json');
    await writeFile(path, JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' }));
    const s = startDemoProcess(name, { PORT: '0', AS_SIGNING_KEY: path });
    expect(await exitCode(s)).not.toBe(0);
    expect(s.stderr).toMatch(/signingKey|AS_SIGNING_KEY/);
  }, TEST_TIMEOUT);
});
