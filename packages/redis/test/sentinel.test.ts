/**
 * rule J7 through a Redis Sentinel failover (issue 18): a master, a replica and three sentinels on
 * loopback; two engines, each with its own ioredis Sentinel client. The master is killed (SIGKILL)
 * under load: while no master is reachable every request fails closed (503 temporarily_unavailable),
 * no assertion is ever accepted twice, and service resumes once the sentinels have promoted the
 * replica. With `waitForReplicas: 1` every assertion accepted before the crash is still refused after
 * it. Who is master is read from the sentinels themselves, not from the client under test.
 */
import type { AuthorizationServer, HttpResponse, Rfc7523Event } from '@rfc7523/core';
import { createRedisReplayStore, type CreateRedisReplayStoreOptions, type RedisReplayStoreHandle } from '@rfc7523/redis';
import { startRedisSentinels, type RedisSentinels } from '../../../test/support/redis-sentinel.js';
import { waitFor } from '../../../test/support/redis-tools.js';
import { clientAssertion, engineWith, mintClient, tokenRequest, type TestClient } from './support/clients.js';

let client: TestClient;
let topology: RedisSentinels | undefined;
const handles: RedisReplayStoreHandle[] = [];

interface Instance {
  readonly server: AuthorizationServer;
  readonly events: Rfc7523Event[];
}

async function instance(options: CreateRedisReplayStoreOptions): Promise<Instance> {
  const handle = createRedisReplayStore(
    { sentinels: topology!.sentinelAddresses, name: topology!.name },
    { keyPrefix: 'sentinel-test:', commandTimeout: 3000, connectTimeout: 1000, maxReconnectDelay: 200, ...options },
  );
  handles.push(handle);
  await handle.ready(20_000);
  return engineWith(client, handle.store);
}

const nowSeconds = () => Math.floor(Date.now() / 1000);
const use = (i: Instance, assertion: string) => i.server.handleTokenRequest(tokenRequest(assertion));
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One assertion sent to both servers at once, with the time it was sent. */
interface Race {
  readonly at: number;
  readonly assertion: string;
  readonly responses: [HttpResponse, HttpResponse];
}

/**
 * Load on both servers until `until()` is true: 3 workers, each sending fresh assertions to both
 * servers at once; a worker whose request failed closed waits 20 ms before the next.
 */
function load(a: Instance, b: Instance, until: () => boolean): { races: Race[]; done: Promise<void> } {
  const races: Race[] = [];
  const done = Promise.all(
    Array.from({ length: 3 }, async () => {
      while (!until()) {
        const assertion = await clientAssertion(client, { now: nowSeconds(), lifetime: 300 });
        const at = Date.now();
        const responses = await Promise.all([use(a, assertion), use(b, assertion)]);
        races.push({ at, assertion, responses });
        if (responses.some((r) => r.status === 503)) await delay(20);
      }
    }),
  ).then(() => {});
  return { races, done };
}

/** The checks every failover must pass: fail closed, never twice, only 200 / 401 / 503. */
function expectNoWrongAnswer(races: readonly Race[]): void {
  for (const { responses } of races) {
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200).length).toBeLessThanOrEqual(1);
    for (const r of responses) {
      expect([200, 401, 503]).toContain(r.status);
      if (r.status === 503) expect(r.body).toMatchObject({ error: 'temporarily_unavailable' });
    }
    if (!statuses.includes(503)) expect(statuses.sort()).toEqual([200, 401]);
  }
}

const accepted = (races: readonly Race[]) => races.filter((r) => r.responses.some((x) => x.status === 200));

beforeAll(async () => {
  client = await mintClient();
});

afterEach(async () => {
  await Promise.all(handles.splice(0).map((h) => h.close()));
  await topology?.stop();
  topology = undefined;
});

describe('one-time assertions through a Redis Sentinel failover (rule J7, RFC 7523 §3.7, issue 18)', () => {
  it('J7 fails closed while no master is reachable, never accepts twice, and resumes after the failover', async () => {
    topology = await startRedisSentinels();
    const oldMaster = topology.servers[0]!;
    expect(await topology.masterPort()).toBe(oldMaster.port);
    const [a, b] = await Promise.all([instance({}), instance({})]);
    // The client asks the sentinels for the master, never queues, and reconnects when a demoted master answers READONLY.
    const options = handles[0]!.client.options;
    expect(options).toMatchObject({ name: topology.name, enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    expect(options.sentinels).toHaveLength(3);
    const reconnect = options.reconnectOnError as (error: Error) => boolean;
    expect(reconnect(new Error("READONLY You can't write against a read only replica."))).toBe(true);
    expect(reconnect(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);

    let crashedAt = Number.POSITIVE_INFINITY;
    let stop = false;
    const { races, done } = load(a!, b!, () => stop);
    try {
      await waitFor('20 accepted assertions before the crash', () => accepted(races).length >= 20, 20_000, 20);
      crashedAt = Date.now();
      await oldMaster.crash();
      await waitFor('the sentinels to promote the replica', async () => (await topology!.masterPort()) === topology!.servers[1]!.port, 30_000, 100);
      await waitFor('20 accepted assertions after the crash', () => accepted(races.filter((r) => r.at > crashedAt)).length >= 20, 30_000, 20);
    } finally {
      stop = true;
      await done;
    }

    expectNoWrongAnswer(races);
    const after = races.filter((r) => r.at > crashedAt);
    // While no master answered, requests failed closed, and the engines reported the outage.
    expect(after.filter((r) => r.responses.every((x) => x.status === 503)).length).toBeGreaterThan(0);
    expect([...a!.events, ...b!.events].some((e) => e.type === 'replay_store.unavailable')).toBe(true);
    // …and afterwards the promoted replica took the writes.
    expect(accepted(after).length).toBeGreaterThanOrEqual(20);
  }, 90_000);

  it('J7 with waitForReplicas: 1 still refuses, after the failover, every assertion accepted before it', async () => {
    topology = await startRedisSentinels();
    const [oldMaster, replica] = topology.servers;
    const [a, b] = await Promise.all([instance({ waitForReplicas: 1, waitTimeout: 1000 }), instance({ waitForReplicas: 1, waitTimeout: 1000 })]);

    let crashedAt = Number.POSITIVE_INFINITY;
    let stop = false;
    const { races, done } = load(a!, b!, () => stop);
    try {
      await waitFor('30 accepted assertions before the crash', () => accepted(races).length >= 30, 20_000, 20);
      crashedAt = Date.now();
      await oldMaster!.crash();
      await waitFor('the sentinels to promote the replica', async () => (await topology!.masterPort()) === replica!.port, 30_000, 100);
      // The old master comes back empty; the sentinels make it a replica of the new master, so WAIT 1 can succeed again.
      await oldMaster!.restart();
      await waitFor('20 accepted assertions after the crash', () => accepted(races.filter((r) => r.at > crashedAt)).length >= 20, 45_000, 20);
    } finally {
      stop = true;
      await done;
    }

    expectNoWrongAnswer(races);
    expect(races.filter((r) => r.at > crashedAt && r.responses.every((x) => x.status === 503)).length).toBeGreaterThan(0);
    // Every acceptance was acknowledged by the replica, so the promoted replica refuses them all.
    const before = accepted(races);
    const replays = await Promise.all(before.map((r, i) => use(i % 2 === 0 ? a! : b!, r.assertion)));
    expect(replays.map((r) => r.status).filter((s) => s !== 401)).toEqual([]);
  }, 120_000);
});
