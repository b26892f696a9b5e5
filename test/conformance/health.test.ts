import request from 'supertest';
import { runDemo, type RunningDemo } from '@rfc7523/demo-kit';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { targets } from './targets.js';
import { Clock, clientAssertion, clientAuth, ISSUER, makeKeys, useDemo, type Keys } from './support/fixture.js';
import { expectOAuthError, postToken } from './support/http.js';
import { openConnection, statusOf } from './support/raw-http.js';

/** Timeouts for a loaded test machine: a slow answer from Redis must not pass for an outage. */
const SLOW_MACHINE = { commandTimeout: 3000, connectTimeout: 10_000 };

/** Polls `/readyz` until it answers `status` (Redis reconnects with a back-off of up to 2 s); fails after `deadline` ms. */
async function readyzBecomes(url: string, status: number, deadline = 30_000): Promise<request.Response> {
  const until = Date.now() + deadline;
  for (;;) {
    const res = await request(url).get('/readyz');
    if (res.status === status || Date.now() > until) return res;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(targets)('$name health endpoints (docs/demo-interface.md)', (target) => {
  const ctx = useDemo(target);

  it('GET /healthz answers 200 {"status":"ok"}, not cached', async () => {
    const res = await request(ctx.demo.url).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('GET /readyz answers 200 with the in-memory replay store', async () => {
    const res = await request(ctx.demo.url).get('/readyz?probe=lb');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
  });

  it('HEAD is answered without a body; other methods get 405 with Allow', async () => {
    const head = await request(ctx.demo.url).head('/healthz');
    expect(head.status).toBe(200);
    expect(head.text ?? '').toBe('');
    const post = await request(ctx.demo.url).post('/readyz').send('x');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
  });

  it('leaves every other path to the app', async () => {
    expect((await request(ctx.demo.url).get('/healthz/extra')).status).toBe(404);
    expect((await request(ctx.demo.url).get('/.well-known/oauth-authorization-server')).status).toBe(200);
  });
});

describe.each(targets)('$name /readyz with Redis (REDIS_URL)', (target) => {
  let keys: Keys;
  let redis: RedisServer;
  let demo: RunningDemo;

  beforeAll(async () => {
    keys = await makeKeys();
    redis = await startRedisServer();
    const env = { PORT: '0', HOST: '127.0.0.1', ISSUER, AS_CONFIG: keys.configPath, REDIS_URL: redis.url };
    demo = await runDemo(env, 0, target.build, { logEvents: false, redis: SLOW_MACHINE });
  });
  afterAll(async () => {
    await demo?.close();
    await redis?.stop();
    await keys?.close();
  });

  it('answers 200 while Redis answers, 503 while it is down, and 200 again once it is back', async () => {
    expect((await request(demo.url).get('/readyz')).status).toBe(200);
    expect(await demo.readiness()).toEqual({ ready: true });

    await redis.stop();
    const down = await readyzBecomes(demo.url, 503);
    expect(down.status).toBe(503);
    expect(down.body).toEqual({ status: 'unavailable', reason: 'replay store unavailable' });
    expect(down.headers['cache-control']).toBe('no-store');
    // What /readyz says is what a token request meets: 503, fail closed.
    const assertion = await clientAssertion(keys.es, 'es-client', new Clock());
    expectOAuthError(await postToken(demo.url, { grant_type: 'client_credentials', ...clientAuth(assertion) }), 503, 'temporarily_unavailable');
    expect((await request(demo.url).get('/healthz')).status).toBe(200); // alive all the same

    await redis.restart();
    expect((await readyzBecomes(demo.url, 200)).status).toBe(200);
    const fresh = await clientAssertion(keys.es, 'es-client', new Clock());
    expect((await postToken(demo.url, { grant_type: 'client_credentials', ...clientAuth(fresh) })).status).toBe(200);
  }, 90_000);
});

describe.each(targets)('$name readiness once a shutdown has begun', (target) => {
  it('reports "shutting down" while the request in flight finishes, then the stop completes', async () => {
    const keys = await makeKeys();
    const demo = await runDemo({ PORT: '0', HOST: '127.0.0.1', ISSUER, AS_CONFIG: keys.configPath }, 0, target.build, { logEvents: false });
    try {
      expect(await demo.readiness()).toEqual({ ready: true });
      const conn = await openConnection(demo.url);
      // In flight means the server has the request: wait for it, or the stop may find an idle connection.
      const received = new Promise((resolve) => demo.server.once('request', resolve));
      conn.socket.write('POST /token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 23\r\n\r\ngrant_type=');
      await received;
      const stopped = demo.shutdown(30_000);
      expect(await demo.readiness()).toEqual({ ready: false, reason: 'shutting down' });
      conn.socket.write('password&x=1');
      expect(statusOf(await conn.closed)).toBe(400); // answered (unsupported_grant_type), not dropped
      expect(await stopped).toBe(true);
    } finally {
      await demo.close();
      await keys.close();
    }
  });
});
