/**
 * A throw-away Redis Cluster for tests: three masters (no replicas) on free ports of 127.0.0.1, each a
 * `redis-server --cluster-enabled yes` started by {@link startRedisServer} in its own temporary
 * directory, joined with `redis-cli --cluster create … --cluster-yes`. Every server is stopped by its
 * own pid.
 *
 *   const cluster = await startRedisCluster();
 *   afterAll(() => cluster.stop());
 */
import { startRedisServer, type RedisServer } from './redis-server.js';
import { onNode, redisCli, waitFor } from './redis-tools.js';

/** A running test cluster. */
export interface RedisCluster {
  /** The three master processes, in the order of {@link urls}. */
  readonly nodes: readonly RedisServer[];
  /** `redis://127.0.0.1:<port>` of every node (seed nodes for a client). */
  readonly urls: readonly string[];
  /** `127.0.0.1:<port>` of every node, as `redis-cli --cluster` takes them. */
  readonly addresses: readonly string[];
  /** The cluster node id of node `index`. */
  nodeId(index: number): Promise<string>;
  /** Slots node `index` serves now, as that node reports them (`CLUSTER SLOTS`). */
  slotsOf(index: number): Promise<number[]>;
  /** The slot of `key` (`CLUSTER KEYSLOT`). */
  keySlot(key: string): Promise<number>;
  /**
   * Moves `count` slots from node `from` to node `to`, keys included, with
   * `redis-cli --cluster reshard … --cluster-yes` (MIGRATE under the hood, so clients meet ASK and then
   * MOVED). Resolves once redis-cli is done and every node agrees on the new layout.
   */
  reshard(from: number, to: number, count: number): Promise<void>;
  /** Stops every node (SIGTERM by pid) and removes their directories. Idempotent. */
  stop(): Promise<void>;
}

const HOST = '127.0.0.1';
/** Node timeout: how long a node may be unreachable before it is considered failing (ms). */
const NODE_TIMEOUT = 5000;


type SlotRange = [number, number, [string, number, string, ...unknown[]], ...unknown[]];

/** Every node reports `cluster_state:ok` and the same three masters with all 16384 slots. */
async function consistent(urls: readonly string[]): Promise<boolean> {
  const layouts = await Promise.all(
    urls.map((url) =>
      onNode(url, async (c) => {
        const info = String(await c.call('CLUSTER', 'INFO'));
        if (!/cluster_state:ok/.test(info)) return undefined;
        const slots = (await c.call('CLUSTER', 'SLOTS')) as SlotRange[];
        return JSON.stringify(slots.map(([a, b, [, port]]) => [a, b, port]).sort((x, y) => x[0]! - y[0]!));
      }),
    ),
  );
  if (layouts.some((l) => l === undefined)) return false;
  if (new Set(layouts).size !== 1) return false;
  const ranges = JSON.parse(layouts[0]!) as [number, number, number][];
  return ranges.reduce((n, [a, b]) => n + b - a + 1, 0) === 16384;
}

/** Starts three cluster-enabled redis-servers and joins them into one cluster. */
export async function startRedisCluster(): Promise<RedisCluster> {
  const nodes: RedisServer[] = [];
  const stop = async () => {
    await Promise.all(nodes.map((n) => n.stop()));
  };
  try {
    for (let i = 0; i < 3; i++) {
      nodes.push(
        await startRedisServer({
          args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', String(NODE_TIMEOUT)],
        }),
      );
    }
    const addresses = nodes.map((n) => `${HOST}:${n.port}`);
    await redisCli(['--cluster', 'create', ...addresses, '--cluster-replicas', '0', '--cluster-yes']);
    const urls = nodes.map((n) => n.url);
    await waitFor('the cluster to agree on its slots', () => consistent(urls), 30_000, 200);
    const nodeId = (index: number) => onNode(urls[index]!, async (c) => String(await c.call('CLUSTER', 'MYID')));
    return {
      nodes,
      urls,
      addresses,
      nodeId,
      slotsOf: (index) =>
        onNode(urls[index]!, async (c) => {
          const slots = (await c.call('CLUSTER', 'SLOTS')) as SlotRange[];
          const mine: number[] = [];
          for (const [a, b, [, port]] of slots) if (port === nodes[index]!.port) for (let s = a; s <= b; s++) mine.push(s);
          return mine;
        }),
      keySlot: (key) => onNode(urls[0]!, async (c) => Number(await c.call('CLUSTER', 'KEYSLOT', key))),
      async reshard(from, to, count) {
        const [fromId, toId] = await Promise.all([nodeId(from), nodeId(to)]);
        await redisCli([
          '--cluster',
          'reshard',
          addresses[from]!,
          '--cluster-from',
          fromId,
          '--cluster-to',
          toId,
          '--cluster-slots',
          String(count),
          '--cluster-yes',
        ]);
        await waitFor('the cluster to agree on its slots after the reshard', () => consistent(urls), 30_000, 200);
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
