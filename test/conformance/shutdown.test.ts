import { finalResponses, openConnection, jsonBodyOf, statusOf, writeHeadInFlight } from './support/raw-http.js';
import { exitCode, listeningUrl, startDemoProcess, waitForOutput, type DemoProcess } from './support/demo-process.js';
import { Clock, clientAssertion, clientAuth, ISSUER, makeKeys, type Keys } from './support/fixture.js';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { targets } from './targets.js';

/** Per test: start-up, a request, and a stop. */
const TEST_TIMEOUT = 90_000;

/** Headers and the first part of a valid client_credentials token request; the rest is sent later. */
async function slowTokenRequest(keys: Keys): Promise<{ head: string; rest: string }> {
  const assertion = await clientAssertion(keys.es, 'es-client', new Clock());
  const body = new URLSearchParams({ grant_type: 'client_credentials', scope: 'read', ...clientAuth(assertion) }).toString();
  const cut = Math.floor(body.length / 2);
  const head = `POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
  return { head: head + body.slice(0, cut), rest: body.slice(cut) };
}

/** SIGTERM, then the moment the process says it is shutting down (it refuses connections from then on). */
async function terminate(s: DemoProcess): Promise<void> {
  s.child.kill('SIGTERM');
  await waitForOutput(s, /shutting down/);
}

async function expectRefused(url: string): Promise<void> {
  await expect(openConnection(url)).rejects.toMatchObject({ code: 'ECONNREFUSED' });
}

describe.each(targets)('$name on SIGTERM (graceful shutdown)', ({ name }) => {
  let keys: Keys;
  beforeAll(async () => (keys = await makeKeys()));
  afterAll(() => keys.close());

  it('finishes a token request in flight, refuses new connections, and exits 0', async () => {
    const s = startDemoProcess(name, { PORT: '0', ISSUER, AS_CONFIG: keys.configPath });
    try {
      const url = await listeningUrl(s);
      const { head, rest } = await slowTokenRequest(keys);
      const conn = await openConnection(url);
      await writeHeadInFlight(conn, head);
      await terminate(s);
      await expectRefused(url);
      expect(finalResponses(conn.received())).toBe(''); // no answer until the body is complete
      conn.socket.write(rest);
      const response = await conn.closed; // the server ends the kept-alive connection after the response
      expect(statusOf(response)).toBe(200);
      expect(jsonBodyOf(response)).toMatchObject({ token_type: 'Bearer', scope: 'read' });
      expect(await exitCode(s)).toBe(0);
      expect(s.stdout).toMatch(/"msg":"stopped"/);
    } finally {
      s.child.kill('SIGKILL');
    }
  }, TEST_TIMEOUT);
});

describe('a demo on SIGTERM with requests that never finish', () => {
  it('drops them after SHUTDOWN_TIMEOUT, says so, and exits 0', async () => {
    const keys = await makeKeys();
    const s = startDemoProcess(targets[0]!.name, { PORT: '0', ISSUER, AS_CONFIG: keys.configPath, SHUTDOWN_TIMEOUT: '0.5' });
    try {
      const url = await listeningUrl(s);
      const { head } = await slowTokenRequest(keys);
      const conn = await openConnection(url);
      await writeHeadInFlight(conn, head);
      await terminate(s);
      expect(finalResponses(await conn.closed)).toBe(''); // closed without an answer
      expect(await exitCode(s)).toBe(0);
      expect(s.stdout).toMatch(/requests still in flight after SHUTDOWN_TIMEOUT were dropped/);
    } finally {
      s.child.kill('SIGKILL');
      await keys.close();
    }
  }, TEST_TIMEOUT);

  it('refuses to start with an invalid SHUTDOWN_TIMEOUT, naming it', async () => {
    const s = startDemoProcess(targets[0]!.name, { PORT: '0', SHUTDOWN_TIMEOUT: '10s' });
    expect(await exitCode(s)).toBe(1);
    expect(s.stderr).toMatch(/SHUTDOWN_TIMEOUT/);
    expect(s.stdout).not.toMatch(/listening/);
  }, TEST_TIMEOUT);
});

describe('a demo with REDIS_URL on SIGTERM', () => {
  let redis: RedisServer;
  let keys: Keys;
  beforeAll(async () => {
    redis = await startRedisServer();
    keys = await makeKeys();
  });
  afterAll(async () => {
    await redis.stop();
    await keys.close();
  });

  it('finishes the request in flight through Redis, closes Redis and exits 0', async () => {
    const s = startDemoProcess(targets[0]!.name, { PORT: '0', ISSUER, AS_CONFIG: keys.configPath, REDIS_URL: redis.url });
    try {
      const url = await listeningUrl(s);
      const { head, rest } = await slowTokenRequest(keys);
      const conn = await openConnection(url);
      await writeHeadInFlight(conn, head);
      await terminate(s);
      conn.socket.write(rest);
      expect(statusOf(await conn.closed)).toBe(200);
      expect(await exitCode(s)).toBe(0);
      expect(s.stdout).toMatch(/"msg":"stopped"/);
      expect(s.stderr).toBe('');
    } finally {
      s.child.kill('SIGKILL');
    }
  }, TEST_TIMEOUT);
});
