/**
 * The demos' replay store on a Redis Cluster and behind Redis Sentinel, as docs/demo-interface.md
 * configures them (REDIS_CLUSTER_NODES; REDIS_SENTINELS + REDIS_SENTINEL_NAME), over real HTTP
 * (issue 18). The cluster case starts real demo processes (`node apps/<demo>/dist/main.js`, as
 * `npm start` does; needs `npm run build`); where the entries live is read from the Redis nodes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keysPerNode } from '../support/redis-tools.js';
import { runDemo, type RunningDemo } from '@rfc7523/demo-kit';
import { startRedisCluster, type RedisCluster } from '../support/redis-cluster.js';
import { startRedisSentinels, type RedisSentinels } from '../support/redis-sentinel.js';
import { targets } from './targets.js';
import { Clock, clientAssertion, clientAuth, ISSUER, makeKeys, type Keys } from './support/fixture.js';
import { expectOAuthError, postToken } from './support/http.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
/** A child process can take many seconds to start on a loaded CI machine. */
const START_DEADLINE = 45_000;

interface DemoProcess {
  readonly child: ChildProcess;
  readonly url: Promise<string>;
  readonly exit: Promise<number | null>;
  output(): string;
}

/** Starts `apps/<name>/dist/main.js` with `env`; `url` resolves from its `listening` line. */
function startProcess(name: string, env: Record<string, string>): DemoProcess {
  const child = spawn(process.execPath, [join(root, 'apps', name, 'dist', 'main.js')], {
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const url = new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no listening line within ${START_DEADLINE} ms: ${stdout} ${stderr}`)), START_DEADLINE);
    child.stdout!.on('data', (chunk) => {
      stdout += String(chunk);
      const found = /listening on (http:\/\/\S+)/.exec(stdout)?.[1];
      if (found !== undefined) {
        clearTimeout(timer);
        resolve(found);
      }
    });
    child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
    void exit.then((code) => {
      clearTimeout(timer);
      reject(new Error(`exited (${code}) before listening: ${stderr}`));
    });
  });
  url.catch(() => {});
  return { child, url, exit, output: () => stdout + stderr };
}

/** Waits for a demo process to exit by itself (killed by its pid after 20 s) and resolves its exit code. */
async function exitCode(p: DemoProcess): Promise<number | null> {
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 20_000);
  try {
    return await p.exit;
  } finally {
    clearTimeout(timer);
  }
}

/** Stops a demo process by its pid (SIGTERM, then SIGKILL after 20 s) and resolves its exit code. */
async function stopProcess(p: DemoProcess): Promise<number | null> {
  if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGTERM');
  const timer = setTimeout(() => p.child.kill('SIGKILL'), 20_000);
  try {
    return await p.exit;
  } finally {
    clearTimeout(timer);
  }
}


const cc = (url: string, assertion: string) => postToken(url, { grant_type: 'client_credentials', ...clientAuth(assertion) });

describe('demo processes started with REDIS_CLUSTER_NODES share a 3-master Redis Cluster (issue 18)', () => {
  let keys: Keys;
  let cluster: RedisCluster;
  const processes: DemoProcess[] = [];

  beforeAll(async () => {
    [keys, cluster] = await Promise.all([makeKeys(), startRedisCluster()]);
  }, 60_000);
  afterAll(async () => {
    await Promise.all(processes.map(stopProcess));
    await cluster?.stop();
    await keys?.close();
  });

  it('J7 two processes of different demos accept each assertion once, and the entries sit on the cluster masters', async () => {
    const env = { PORT: '0', HOST: '127.0.0.1', ISSUER, AS_CONFIG: keys.configPath, REDIS_CLUSTER_NODES: cluster.urls.join(',') };
    processes.push(startProcess(targets[0]!.name, env), startProcess(targets[1]!.name, env));
    const urls = await Promise.all(processes.map((p) => p.url));
    const ready = await Promise.all(urls.map((url) => fetch(`${url}/readyz`)));
    expect(ready.map((r) => r.status)).toEqual([200, 200]);

    const assertion = await clientAssertion(keys.es, 'es-client', new Clock());
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => cc(urls[i % 2]!, assertion)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) expectOAuthError(r, 401, 'invalid_client');

    for (let i = 0; i < 20; i++) {
      const fresh = await clientAssertion(keys.es, 'es-client', new Clock());
      expect((await cc(urls[i % 2]!, fresh)).status).toBe(200);
      expectOAuthError(await cc(urls[(i + 1) % 2]!, fresh), 401, 'invalid_client');
    }
    // 21 assertions accepted (plus the readiness probes' short-lived keys): spread over the masters.
    const perNode = (await keysPerNode(cluster.urls, 'rfc7523:replay:')).map((k) => k.filter((key) => !key.includes('readyz:')));
    expect(perNode.flat()).toHaveLength(21);
    expect(perNode.filter((k) => k.length > 0).length).toBeGreaterThanOrEqual(2);
  }, 120_000);
});

describe('two demos started with REDIS_SENTINELS and REDIS_SENTINEL_NAME (issue 18)', () => {
  let keys: Keys;
  let topology: RedisSentinels;
  let instances: RunningDemo[] = [];

  beforeAll(async () => {
    [keys, topology] = await Promise.all([makeKeys(), startRedisSentinels()]);
    const env = {
      PORT: '0',
      HOST: '127.0.0.1',
      ISSUER,
      AS_CONFIG: keys.configPath,
      REDIS_SENTINELS: topology.sentinelAddresses.join(','),
      REDIS_SENTINEL_NAME: topology.name,
    };
    instances = await Promise.all(
      [0, 1].map(() => runDemo(env, 0, targets[0]!.build, { logEvents: false, redis: { commandTimeout: 5000, connectTimeout: 10_000 } })),
    );
  }, 60_000);
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.close()));
    await topology?.stop();
    await keys?.close();
  });

  it('J7 accepts one of 10 concurrent uses across both, with the entry on the master the sentinels name', async () => {
    const assertion = await clientAssertion(keys.es, 'es-client', new Clock());
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => cc(instances[i % 2]!.url, assertion)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 200)) expectOAuthError(r, 401, 'invalid_client');
    const master = `redis://127.0.0.1:${await topology.masterPort()}`;
    const [onMaster] = await keysPerNode([master], 'rfc7523:replay:');
    expect(onMaster!.filter((key) => !key.includes('readyz:'))).toHaveLength(1);
  });
});

describe('a demo process with a malformed REDIS_URL', () => {
  it('exits non-zero with a message naming the variable REDIS_URL', async () => {
    const p = startProcess(targets[0]!.name, { PORT: '0', HOST: '127.0.0.1', REDIS_URL: 'notaurl' });
    expect(await exitCode(p)).toBe(1);
    // The demos log JSON lines (or plain text on a terminal): read the messages either way.
    const messages = p
      .output()
      .split('\n')
      .map((line) => {
        try {
          return String((JSON.parse(line) as { msg?: unknown }).msg);
        } catch {
          return line;
        }
      });
    expect(messages.some((m) => /"REDIS_URL" must be a redis:\/\/ or rediss:\/\/ URL/.test(m))).toBe(true);
    expect(p.output()).not.toContain('listening');
  }, 60_000);
});
