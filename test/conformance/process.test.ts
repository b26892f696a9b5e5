import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { targets } from './targets.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

interface Started {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  exit: Promise<number | null>;
}

/** Runs `npm start -w apps/<name>`'s command (node dist/main.js) as docs/demo-interface.md describes; needs `npm run build` (npm test runs it first). */
function start(name: string, env: Record<string, string>): Started {
  const child = spawn(process.execPath, [join(root, 'apps', name, 'dist', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const started: Started = { child, stdout: '', stderr: '', exit: new Promise((resolve) => child.once('exit', resolve)) };
  child.stdout!.on('data', (chunk) => (started.stdout += String(chunk)));
  child.stderr!.on('data', (chunk) => (started.stderr += String(chunk)));
  return started;
}

/** A child process (a Nest app above all) can take many seconds to start on a loaded CI machine. */
const START_DEADLINE = 45_000;
/** Per test: start-up, a few requests, and a clean stop. */
const TEST_TIMEOUT = 90_000;

/** Resolves with the URL of the `listening` line, or rejects when the process exits or the deadline passes. */
function listening(s: Started): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const url = /listening on (http:\/\/\S+)/.exec(s.stdout)?.[1];
      if (url === undefined) return false;
      done();
      resolve(url);
      return true;
    };
    const onExit = () => {
      done();
      reject(new Error(`exited before listening: ${s.stderr}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no listening line within ${START_DEADLINE} ms: ${s.stdout} ${s.stderr}`));
    }, START_DEADLINE);
    const done = () => {
      clearTimeout(timer);
      s.child.stdout!.off('data', check);
      s.child.off('exit', onExit);
    };
    if (check()) return;
    if (s.child.exitCode !== null || s.child.signalCode !== null) return onExit();
    s.child.stdout!.on('data', check);
    s.child.once('exit', onExit);
  });
}

/** Waits for the exit code; a process still running after 20 s is killed (and the test then fails). */
async function exitCode(s: Started): Promise<number | null> {
  const timer = setTimeout(() => s.child.kill('SIGKILL'), 20_000);
  try {
    return await s.exit;
  } finally {
    clearTimeout(timer);
  }
}

describe.each(targets)('the $name process (docs/demo-interface.md)', ({ name }) => {
  it('starts on PORT/HOST/ISSUER, prints a listening line, serves metadata and stops on SIGTERM', async () => {
    const s = start(name, { PORT: '0', HOST: '127.0.0.1', ISSUER: 'https://as.process.test' });
    try {
      const url = await listening(s);
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
    const s = start(name, { PORT: '0', AS_CONFIG: path });
    expect(await exitCode(s)).not.toBe(0);
    expect(s.stderr).toContain(path);
    expect(s.stderr).toContain('clients[1].scopes');
    expect(s.stdout).not.toContain('listening');
  }, TEST_TIMEOUT);

  it('exits non-zero naming AS_SIGNING_KEY when the signing key file is unusable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rfc7523-process-'));
    const path = join(dir, 'key.json');
    await writeFile(path, JSON.stringify({ kty: 'oct', k: 'c2VjcmV0' }));
    const s = start(name, { PORT: '0', AS_SIGNING_KEY: path });
    expect(await exitCode(s)).not.toBe(0);
    expect(s.stderr).toMatch(/signingKey|AS_SIGNING_KEY/);
  }, TEST_TIMEOUT);
});
