/**
 * A throw-away Redis Sentinel topology for tests: one master, one replica and three sentinels
 * (quorum 2) on free ports of 127.0.0.1, each started by {@link startRedisServer} in its own temporary
 * directory and stopped by its own pid. Failure detection is fast (`down-after-milliseconds` 1000,
 * `failover-timeout` 3000) so a failover takes seconds.
 *
 *   const topology = await startRedisSentinels();
 *   afterAll(() => topology.stop());
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startRedisServer, type RedisServer } from './redis-server.js';
import { onNode, waitFor } from './redis-tools.js';

export { onNode };

/** The master group name the sentinels monitor. */
export const SENTINEL_MASTER_NAME = 'rfc7523-test';
/** Milliseconds without an answer before a sentinel considers the master down. */
export const DOWN_AFTER = 1000;
/** Sentinel failover timeout, milliseconds. */
export const FAILOVER_TIMEOUT = 3000;

const HOST = '127.0.0.1';

/** A running test topology. */
export interface RedisSentinels {
  /** The data nodes; which one is master changes with failovers (see {@link masterPort}). */
  readonly servers: readonly RedisServer[];
  /** The three sentinels. */
  readonly sentinels: readonly RedisServer[];
  /** `host:port` of every sentinel, as `REDIS_SENTINELS` lists them. */
  readonly sentinelAddresses: readonly string[];
  /** The master group name. */
  readonly name: string;
  /** The port of the master as a majority of sentinels report it now. */
  masterPort(): Promise<number>;
  /** Resolves once every sentinel knows the master, one replica and the two other sentinels. */
  settled(timeout?: number): Promise<void>;
  /** Stops every process (SIGTERM by pid) and removes their directories. Idempotent. */
  stop(): Promise<void>;
}


/** The master address a sentinel reports for the group. */
async function reportedMaster(sentinelPort: number): Promise<number> {
  const reply = (await onNode(sentinelPort, (c) => c.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', SENTINEL_MASTER_NAME))) as [string, string];
  return Number(reply[1]);
}

/** Starts a master, a replica of it, and three sentinels monitoring the master. */
export async function startRedisSentinels(): Promise<RedisSentinels> {
  const servers: RedisServer[] = [];
  const sentinels: RedisServer[] = [];
  const dirs: string[] = [];
  const stop = async () => {
    await Promise.all([...sentinels, ...servers].map((s) => s.stop()));
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const master = await startRedisServer();
    servers.push(master);
    servers.push(await startRedisServer({ args: ['--replicaof', HOST, String(master.port)] }));
    for (let i = 0; i < 3; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'rfc7523-sentinel-'));
      dirs.push(dir);
      const configFile = join(dir, 'sentinel.conf');
      // A sentinel rewrites its configuration file, so each gets a writable one of its own.
      writeFileSync(
        configFile,
        [
          `sentinel monitor ${SENTINEL_MASTER_NAME} ${HOST} ${master.port} 2`,
          `sentinel down-after-milliseconds ${SENTINEL_MASTER_NAME} ${DOWN_AFTER}`,
          `sentinel failover-timeout ${SENTINEL_MASTER_NAME} ${FAILOVER_TIMEOUT}`,
          `sentinel parallel-syncs ${SENTINEL_MASTER_NAME} 1`,
          '',
        ].join('\n'),
      );
      sentinels.push(await startRedisServer({ configFile, args: ['--sentinel'] }));
    }
    const masterPort = async () => {
      const reports = await Promise.all(sentinels.map((s) => reportedMaster(s.port).catch(() => 0)));
      const counts = new Map<number, number>();
      for (const port of reports) counts.set(port, (counts.get(port) ?? 0) + 1);
      const [port] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
      return port;
    };
    const settled = (timeout = 30_000) =>
      waitFor(
        'the sentinels to know each other and the replica',
        async () => {
          const views = await Promise.all(
            sentinels.map((s) =>
              onNode(s.port, async (c) => {
                const others = (await c.call('SENTINEL', 'SENTINELS', SENTINEL_MASTER_NAME)) as unknown[];
                const replicas = (await c.call('SENTINEL', 'REPLICAS', SENTINEL_MASTER_NAME)) as string[][];
                const up = replicas.filter((r) => {
                  const flags = r[r.indexOf('flags') + 1] ?? '';
                  return !/s_down|o_down|disconnected/.test(flags);
                });
                return others.length === 2 && up.length >= 1;
              }),
            ),
          );
          return views.every(Boolean);
        },
        timeout,
        200,
      );
    await settled();
    return {
      servers,
      sentinels,
      sentinelAddresses: sentinels.map((s) => `${HOST}:${s.port}`),
      name: SENTINEL_MASTER_NAME,
      masterPort,
      settled,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}
