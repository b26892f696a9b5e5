/**
 * A throw-away `redis-server` for tests: a free port on 127.0.0.1 (never 6379), no persistence, no
 * files left behind. Shared by every suite that needs a real Redis.
 *
 *   const redis = await startRedisServer();
 *   afterAll(() => redis.stop());
 *
 * There is no silent skip: when `redis-server` is missing the suite fails, with a message that says
 * how to install it (in CI, `CI=true`, as a hard failure too — the rules allow no skipped tests).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

/** A running test Redis. */
export interface RedisServer {
  /** `redis://127.0.0.1:<port>`. */
  readonly url: string;
  /** The TCP port, chosen free at start; kept across {@link restart}. */
  readonly port: number;
  /** The process id of the running server (changes on {@link restart}); undefined once stopped. */
  readonly pid: number | undefined;
  /** Stops the server (SIGTERM, then SIGKILL after 5 s) and waits for it to exit. Idempotent. */
  stop(): Promise<void>;
  /** Stops the server, then starts a fresh one (empty data) on the same port and waits until it answers. */
  restart(): Promise<void>;
  /** Kills the server at once (SIGKILL to its own pid: no shutdown, no last sync to replicas) and waits for it to exit. */
  crash(): Promise<void>;
}

/** Options of {@link startRedisServer}. */
export interface RedisServerOptions {
  /** Milliseconds to wait for the server to answer. Default 10000. */
  startTimeout?: number;
  /** Further command-line arguments, after the defaults (e.g. `--cluster-enabled yes`). Default none. */
  args?: readonly string[];
  /** A configuration file given first on the command line (a sentinel needs one it may rewrite). Default none. */
  configFile?: string;
}

const HOST = '127.0.0.1';
const RESERVED_PORT = 6379;
const BINARY = 'redis-server';

/** Full path of `redis-server` on PATH, or undefined. */
function findBinary(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, BINARY);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

function missingBinary(): Error {
  const how = 'install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis) and run the tests again';
  if (process.env.CI === 'true') {
    return new Error(`redis-server was not found on PATH in CI: the Redis suites cannot run and must not be skipped; ${how}`);
  }
  return new Error(
    `\n\n*** redis-server was not found on PATH. The Redis suites need a real Redis (>= 6.2) and are never skipped: ${how}. ***\n`,
  );
}

/** A free TCP port on 127.0.0.1 (listen on port 0, then close), never 6379. */
async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.unref();
      server.once('error', reject);
      server.listen(0, HOST, () => {
        const address = server.address();
        const chosen = typeof address === 'object' && address !== null ? address.port : 0;
        server.close(() => resolve(chosen));
      });
    });
    if (port !== 0 && port !== RESERVED_PORT) return port;
  }
}

/**
 * The `process_id` of the Redis answering on the port (from `INFO server`), or undefined when nothing
 * answers like Redis within `timeout` ms. Lets a start tell its own server from one another suite
 * started on the same port.
 */
function redisPid(port: number, timeout: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: HOST, port });
    let reply = '';
    const done = (pid: number | undefined) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(pid);
    };
    const timer = setTimeout(() => done(undefined), timeout);
    socket.once('connect', () => socket.write('INFO server\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (!reply.startsWith('$')) return done(undefined);
      const pid = /\r\nprocess_id:(\d+)\r\n/.exec(reply);
      if (pid !== null) done(Number(pid[1]));
    });
    socket.once('error', () => done(undefined));
  });
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Attempts at a fresh port when the chosen one was taken between choosing and binding. */
const PORT_ATTEMPTS = 5;

/** The port was taken by someone else before redis-server could bind it. */
class PortTakenError extends Error {}

/**
 * Starts `redis-server` on a free port and waits until that very process (checked by its
 * `process_id`) answers. When another process took the port first, tries a fresh one. Throws when it
 * cannot start.
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = findBinary();
  if (binary === undefined) throw missingBinary();
  const startTimeout = options.startTimeout ?? 10_000;
  let port = 0;
  const dir = mkdtempSync(join(tmpdir(), 'rfc7523-redis-'));
  let child: ChildProcess | undefined;
  let output = '';

  const killOnExit = () => child?.kill('SIGKILL');

  async function start(): Promise<void> {
    output = '';
    mkdirSync(dir, { recursive: true });
    process.removeListener('exit', killOnExit);
    process.once('exit', killOnExit);
    const proc = spawn(
      binary as string,
      [
        ...(options.configFile === undefined ? [] : [options.configFile]),
        ...['--port', String(port), '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', dir, '--daemonize', 'no', '--logfile', ''],
        ...(options.args ?? []),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = proc;
    proc.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    proc.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
    let spawnError: Error | undefined;
    proc.once('error', (err) => (spawnError = err));
    const deadline = Date.now() + startTimeout;
    while (Date.now() < deadline) {
      if (spawnError !== undefined) throw new Error(`redis-server could not be started: ${spawnError.message}`);
      if (proc.exitCode !== null || proc.signalCode !== null) {
        const message = `redis-server exited at start on port ${port} (code ${proc.exitCode}, signal ${proc.signalCode}):\n${output}`;
        throw /already in use/i.test(output) ? new PortTakenError(message) : new Error(message);
      }
      // Another suite's Redis may answer on this port; only our own process counts.
      if ((await redisPid(port, 500)) === proc.pid) return;
      await delay(25);
    }
    proc.kill('SIGKILL');
    throw new Error(`redis-server did not answer on port ${port} within ${startTimeout} ms:\n${output}`);
  }

  async function stopChild(): Promise<void> {
    const proc = child;
    child = undefined;
    if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
    proc.kill('SIGTERM');
    const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }

  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await start();
      break;
    } catch (err) {
      if (!(err instanceof PortTakenError) || attempt === PORT_ATTEMPTS) {
        rmSync(dir, { recursive: true, force: true });
        throw err;
      }
    }
  }
  return {
    url: `redis://${HOST}:${port}`,
    port,
    get pid() {
      return child?.pid;
    },
    async stop() {
      await stopChild();
      process.removeListener('exit', killOnExit);
      rmSync(dir, { recursive: true, force: true });
    },
    async restart() {
      await stopChild();
      await start();
    },
    async crash() {
      const proc = child;
      child = undefined;
      if (proc === undefined || proc.exitCode !== null || proc.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGKILL');
      await exited;
    },
  };
}
