// Throw-away redis-server processes for the Redis scenarios, the same way test/support/redis-server.ts
// starts one: a free port on 127.0.0.1 (never 6379), no persistence, a temporary directory, stopped by
// its own child handle.
import { spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export const HOST = '127.0.0.1';

/** Full path of `redis-server` on PATH, or undefined. */
export function findRedisServer() {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, 'redis-server'), constants.X_OK);
      return join(dir, 'redis-server');
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A free loopback port other than 6379 (the machine's own Redis may hold it). */
export async function freePort() {
  for (;;) {
    const port = await new Promise((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen(0, HOST, () => {
        const { port: chosen } = server.address();
        server.close(() => resolve(chosen));
      });
    });
    if (port !== 6379) return port;
  }
}

/** Sends one inline command and resolves the raw reply, '' on error or after 1 s (enough for PING and INFO checks). */
export function ask(port, command) {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    let reply = '';
    const done = (value) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(value);
    };
    const timer = setTimeout(() => done(reply), 1000);
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (command === 'PING' || /\r\n$/.test(reply)) {
        const bulk = /^\$(\d+)\r\n/.exec(reply);
        if (!bulk || reply.length >= bulk[0].length + Number(bulk[1]) + 2) done(reply);
      }
    });
    socket.once('error', () => done(''));
  });
}

/** Starts redis-server with extra `args` on a free port and waits for PING; resolves { port, url, stop() }. */
export async function startRedisServer(binary, { args = [], startTimeout = 10_000 } = {}) {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'rfc7523-bench-redis-'));
  const child = spawn(binary, ['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--logfile', '', ...args], {
    stdio: 'ignore',
  });
  const kill = () => child.kill('SIGKILL');
  process.once('exit', kill);
  const stop = async () => {
    process.off('exit', kill);
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  for (const deadline = Date.now() + startTimeout; Date.now() < deadline && child.exitCode === null; ) {
    if ((await ask(port, 'PING')).startsWith('+PONG')) return { port, url: `redis://${HOST}:${port}`, stop };
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  await stop();
  throw new Error(`redis-server did not answer PING on port ${port}`);
}
