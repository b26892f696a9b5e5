/**
 * rule J7 through a real 3-master Redis Cluster (issue 18): two engines, each with its own ioredis
 * `Cluster` client, accept every assertion once — also while `redis-cli --cluster reshard` moves the
 * slots holding the entries from one master to another (clients meet ASK during the move and MOVED
 * after it). Where each entry lives is checked on the nodes themselves (KEYS, CLUSTER SLOTS), not
 * through the client under test. The engines' clock is real: Redis expires entries by its own clock.
 */
import type { AuthorizationServer, HttpResponse, Rfc7523Event } from '@rfc7523/core';
import { createRedisReplayStore, ReplayStoreUnavailableError, type RedisReplayStoreHandle } from '@rfc7523/redis';
import type { Cluster } from 'ioredis';
import { keysPerNode } from '../../../test/support/redis-tools.js';
import { startRedisCluster, type RedisCluster } from '../../../test/support/redis-cluster.js';
import { clientAssertion, engineWith, mintClient, tokenRequest, type TestClient } from './support/clients.js';

let cluster: RedisCluster;
let client: TestClient;
const handles: RedisReplayStoreHandle<Cluster>[] = [];
let prefixes = 0;

interface Instance {
  readonly server: AuthorizationServer;
  readonly handle: RedisReplayStoreHandle<Cluster>;
  readonly events: Rfc7523Event[];
}

async function instance(keyPrefix: string): Promise<Instance> {
  // A generous command timeout: a loaded test machine must not turn a slow answer into a 503.
  const handle = createRedisReplayStore({ cluster: cluster.urls }, { keyPrefix, commandTimeout: 5000, connectTimeout: 5000 });
  handles.push(handle);
  await handle.ready(20_000);
  return { ...(await engineWith(client, handle.store)), handle };
}

const freshPrefix = () => `cluster-test-${++prefixes}:`;
const nowSeconds = () => Math.floor(Date.now() / 1000);
const use = (i: Instance, assertion: string) => i.server.handleTokenRequest(tokenRequest(assertion));

const keysPerNodeOf = (prefix: string) => keysPerNode(cluster.urls, prefix);

beforeAll(async () => {
  cluster = await startRedisCluster();
  client = await mintClient();
}, 60_000);

afterAll(async () => {
  await Promise.all(handles.map((h) => h.close()));
  await cluster?.stop();
});

describe('one-time assertions through a 3-master Redis Cluster (rule J7, RFC 7523 §3.7, issue 18)', () => {
  it('J7 accepts one of 20 concurrent uses of one assertion across two servers, and spreads entries over the masters', async () => {
    const keyPrefix = freshPrefix();
    const [a, b] = await Promise.all([instance(keyPrefix), instance(keyPrefix)]);
    const assertion = await clientAssertion(client, { now: nowSeconds() });
    const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => use(i % 2 === 0 ? a! : b!, assertion)));
    expect(responses.map((r) => r.status).sort()).toEqual([200, ...Array<number>(19).fill(401)]);
    for (const r of responses.filter((r) => r.status !== 200)) expect(r.body).toMatchObject({ error: 'invalid_client' });

    // 30 more distinct assertions: their entries land on different masters (one key each, no cross-slot command).
    for (let i = 0; i < 30; i++) expect((await use(i % 2 === 0 ? a! : b!, await clientAssertion(client, { now: nowSeconds() }))).status).toBe(200);
    const perNode = await keysPerNodeOf(keyPrefix);
    expect(perNode.flat()).toHaveLength(31);
    expect(perNode.filter((keys) => keys.length > 0).length).toBeGreaterThanOrEqual(2);
    expect([...a!.events, ...b!.events].filter((e) => e.type === 'replay_store.unavailable')).toEqual([]);
  });

  it('J7 gives no wrong answer while redis-cli --cluster reshard moves the slots in play, and refuses every replay afterwards', async () => {
    const keyPrefix = freshPrefix();
    const [a, b] = await Promise.all([instance(keyPrefix), instance(keyPrefix)]);
    const accepted: string[] = [];
    /** Every assertion is sent to both servers at once: never may both accept it. */
    const race = async (): Promise<[HttpResponse, HttpResponse]> => {
      const assertion = await clientAssertion(client, { now: nowSeconds(), lifetime: 300 });
      const pair = await Promise.all([use(a!, assertion), use(b!, assertion)]);
      if (pair.some((r) => r.status === 200)) accepted.push(assertion);
      return pair;
    };
    const outcomes: [HttpResponse, HttpResponse][] = [];
    // Entries before the move, so the migrated slots hold keys (MIGRATE moves them).
    for (let i = 0; i < 150; i++) outcomes.push(await race());
    const before = await keysPerNodeOf(keyPrefix);
    const slotsBefore = await cluster.slotsOf(0);
    expect(before[0]!.length).toBeGreaterThan(0);

    let resharding = true;
    const load = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (resharding) outcomes.push(await race());
      }),
    );
    try {
      await cluster.reshard(0, 1, 1000);
    } finally {
      resharding = false;
      await load;
    }
    for (let i = 0; i < 50; i++) outcomes.push(await race()); // after the move: stale slot maps meet MOVED

    // No wrong answer: never two acceptances; where both servers answered, exactly one accepted.
    for (const [x, y] of outcomes) {
      expect([x.status, y.status].filter((s) => s === 200).length).toBeLessThanOrEqual(1);
      for (const r of [x, y]) expect([200, 401, 503]).toContain(r.status);
      if (x.status !== 503 && y.status !== 503) expect([x.status, y.status].sort()).toEqual([200, 401]);
    }
    const unavailable = outcomes.flat().filter((r) => r.status === 503).length;
    expect(unavailable).toBeLessThanOrEqual(outcomes.length * 0.05);

    // The move really happened, with entries: node 0 lost slots, and entries now sit on node 1 in slots node 0 had.
    const slotsAfter = new Set(await cluster.slotsOf(0));
    const moved = slotsBefore.filter((s) => !slotsAfter.has(s));
    expect(moved).toHaveLength(1000);
    const movedSet = new Set(moved);
    const onNode1 = (await keysPerNodeOf(keyPrefix))[1]!;
    const slotsOfNode1Keys = await Promise.all(onNode1.map((k) => cluster.keySlot(k)));
    expect(slotsOfNode1Keys.filter((s) => movedSet.has(s)).length).toBeGreaterThan(0);
    expect((await keysPerNodeOf(keyPrefix)).flat()).toHaveLength(accepted.length);

    // Every accepted assertion stays used up, whichever server sees it again.
    const replays = await Promise.all(accepted.map((assertion, i) => use(i % 2 === 0 ? a! : b!, assertion)));
    expect(replays.map((r) => r.status).filter((s) => s !== 401)).toEqual([]);
  }, 120_000);

  it('waitForReplicas on a cluster without replicas fails closed: ReplayStoreUnavailableError, never true', async () => {
    const handle = createRedisReplayStore({ cluster: cluster.urls }, { keyPrefix: freshPrefix(), commandTimeout: 2000, waitForReplicas: 1, waitTimeout: 50 });
    handles.push(handle);
    await handle.ready(20_000);
    const error = await handle.store.remember('no-replica', nowSeconds() + 60).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ReplayStoreUnavailableError);
    expect((error as Error).message).toMatch(/0 of 1 replicas acknowledged/);
    // The entry was written (and stays: the assertion is used up), so a second use is a replay.
    await expect(handle.store.remember('no-replica', nowSeconds() + 60)).resolves.toBe(false);
  });
});
