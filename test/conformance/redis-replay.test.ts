import request from 'supertest';
import type { Rfc7523Event } from '@rfc7523/core';
import type { RunningDemo } from '@rfc7523/demo-kit';
import { runDemo } from '@rfc7523/demo-kit';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { targets } from './targets.js';
import { Clock, clientAssertion, clientAuth, ISSUER, makeKeys, type Keys } from './support/fixture.js';
import { expectOAuthError, postToken } from './support/http.js';

/** Timeouts for a loaded test machine: a slow answer from Redis must not pass for an outage. */
const SLOW_MACHINE = { commandTimeout: 5000, connectTimeout: 10_000 };

describe.each(targets)('two $name instances sharing one Redis (REDIS_URL)', (target) => {
  let keys: Keys;
  let redis: RedisServer;
  let instances: RunningDemo[];
  // Redis expires entries on its own clock, so the servers' clock stays real here, and each assertion
  // is minted at the real time of its test (new Clock()), not when the file was loaded.
  // Every replay-store failure either instance reports; none is expected while Redis runs.
  const outages: Rfc7523Event[] = [];

  beforeAll(async () => {
    keys = await makeKeys();
    redis = await startRedisServer();
    const env = { PORT: '0', HOST: '127.0.0.1', ISSUER, AS_CONFIG: keys.configPath, REDIS_URL: redis.url };
    const onEvent = (event: Rfc7523Event) => void (event.type === 'replay_store.unavailable' && outages.push(event));
    instances = await Promise.all([0, 1].map(() => runDemo(env, 0, target.build, { logEvents: false, overrides: { onEvent }, redis: SLOW_MACHINE })));
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.close()));
    await redis.stop();
    await keys.close();
  });

  const cc = (url: string, assertion: string) => postToken(url, { grant_type: 'client_credentials', ...clientAuth(assertion) });

  it('J7 accepts one of 20 concurrent uses of one assertion, whichever instance each hits', async () => {
    const assertion = await clientAssertion(keys.es, 'es-client', new Clock());
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => cc(instances[i % 2]!.url, assertion)));
    expect(outages).toEqual([]);
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) expectOAuthError(r, 401, 'invalid_client');
  });

  it('J7 refuses on one instance an assertion already used on the other', async () => {
    const assertion = await clientAssertion(keys.es, 'es-client', new Clock());
    expect((await cc(instances[0]!.url, assertion)).status).toBe(200);
    expectOAuthError(await cc(instances[1]!.url, assertion), 401, 'invalid_client');
    expect(outages).toEqual([]);
  });
});

describe('a demo started while its Redis does not answer', () => {
  it('starts anyway, fails closed with 503 temporarily_unavailable, and stays up', async () => {
    const keys = await makeKeys();
    // Port 1 is privileged and unused: no other test's server can be listening there.
    const env = { PORT: '0', HOST: '127.0.0.1', ISSUER, AS_CONFIG: keys.configPath, REDIS_URL: 'redis://127.0.0.1:1' };
    const demo = await runDemo(env, 0, targets[0]!.build, { logEvents: false });
    try {
      const assertion = await clientAssertion(keys.es, 'es-client', new Clock());
      const res = await postToken(demo.url, { grant_type: 'client_credentials', ...clientAuth(assertion) });
      expectOAuthError(res, 503, 'temporarily_unavailable');
      expect(res.headers['retry-after']).toMatch(/^\d+$/);
      expect((await request(demo.url).get('/.well-known/oauth-authorization-server')).status).toBe(200);
    } finally {
      await demo.close();
      await keys.close();
    }
  });
});
