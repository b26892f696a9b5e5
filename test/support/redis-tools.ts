/**
 * Small helpers shared by the Redis Cluster and Sentinel test topologies: finding `redis-cli`,
 * running it as a child process of the test (stopped by its own pid), polling, and asking one node directly.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { Redis } from 'ioredis';

/** Full path of `name` on PATH, or undefined. */
export function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Every `redis-cli` a test started and that is still running; killed by pid when the process exits. */
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/**
 * Runs `redis-cli <args>` and resolves its output; rejects with the output when it exits non-zero or
 * runs longer than `timeout` ms (then it is killed by its pid).
 */
export function redisCli(args: readonly string[], timeout = 60_000): Promise<string> {
  const binary = findOnPath('redis-cli');
  if (binary === undefined) {
    return Promise.reject(new Error('redis-cli was not found on PATH (Debian/Ubuntu: apt-get install redis-tools); the cluster suites are never skipped'));
  }
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeout);
    child.once('error', (err) => {
      clearTimeout(timer);
      running.delete(child);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      if (code === 0) resolve(output);
      else reject(new Error(`redis-cli ${args.join(' ')} exited with ${code ?? signal}:\n${output.slice(-3000)}`));
    });
  });
}

/** Polls `probe` every `interval` ms until it returns true; rejects naming `what` after `timeout` ms. */
export async function waitFor(what: string, probe: () => Promise<boolean> | boolean, timeout = 20_000, interval = 100): Promise<void> {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      if (await probe()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, interval));
  }
}

/** Runs `fn` with a plain client to one node (`redis://host:port` or a port on 127.0.0.1), closed afterwards. */
export async function onNode<T>(node: string | number, fn: (client: Redis) => Promise<T>): Promise<T> {
  const options = { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null };
  const client = typeof node === 'number' ? new Redis({ host: '127.0.0.1', port: node, ...options }) : new Redis(node, options);
  client.on('error', () => {});
  try {
    await client.connect();
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

/** Keys under `prefix` on each node, asked of each node directly. */
export function keysPerNode(urls: readonly string[], prefix: string): Promise<string[][]> {
  return Promise.all(urls.map((url) => onNode(url, (c) => c.keys(`${prefix}*`))));
}
