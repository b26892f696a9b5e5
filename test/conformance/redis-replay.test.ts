import type { RunningDemo } from '@rfc7523/demo-kit';
import { runDemo } from '@rfc7523/demo-kit';
import { startRedisServer, type RedisServer } from '../support/redis-server.js';
import { targets } from './targets.js';
import { Clock, clientAssertion, clientAuth, ISSUER, makeKeys, type Keys } from './support/fixture.js';
import { expectOAuthError, postToken } from './support/http.js';

describe.each(targets)('two $name instances sharing one Redis (REDIS_URL)', (target) => {
  let keys: Keys;
  let redis: RedisServer;
  let instances: RunningDemo[];
  // Redis expires entries on its own clock, so the servers' clock stays real here.
  const clock = new Clock();

  beforeAll(async () => {
    keys = await makeKeys();
    redis = await startRedisServer();
    const env = { PORT: '0', HOST: '127.0.0.1', ISSUER, AS_CONFIG: keys.configPath, REDIS_URL: redis.url };
    instances = await Promise.all([0, 1].map(() => runDemo(env, 0, target.build, { logEvents: false })));
  });
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.close()));
    await redis.stop();
    await keys.close();
  });

  const cc = (url: string, assertion: string) => postToken(url, { grant_type: 'client_credentials', ...clientAuth(assertion) });

  it('J7 accepts one of 20 concurrent uses of one assertion, whichever instance each hits', async () => {
    const assertion = await clientAssertion(keys.es, 'es-client', clock);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => cc(instances[i % 2]!.url, assertion)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) expectOAuthError(r, 401, 'invalid_client');
  });

  it('J7 refuses on one instance an assertion already used on the other', async () => {
    const assertion = await clientAssertion(keys.es, 'es-client', clock);
    expect((await cc(instances[0]!.url, assertion)).status).toBe(200);
    expectOAuthError(await cc(instances[1]!.url, assertion), 401, 'invalid_client');
  });
});
