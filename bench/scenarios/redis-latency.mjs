// Redis section: latency of RedisReplayStore.remember (SET NX with expiry) on unique keys against a
// throw-away local redis-server, one call at a time and 64 in flight. Skipped, with a message, when
// no redis-server binary is on PATH.
import { randomUUID } from 'node:crypto';
import { createRedisReplayStore } from '@rfc7523/redis';
import { findRedisServer, startRedisServer } from '../lib/redis-server.mjs';
import { defineSection, isMain, runAlone } from '../lib/section.mjs';
import { percentile } from '../lib/stats.mjs';
import { ms, table } from '../lib/table.mjs';

/** Times `count` remember calls with `concurrency` in flight; latencies in ms. */
export async function timeRemember(store, count, concurrency) {
  const exp = Math.floor(Date.now() / 1000) + 600;
  const latencies = new Float64Array(count);
  let next = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const key = 'j' + JSON.stringify(['client-00000', randomUUID()]);
        const t = process.hrtime.bigint();
        if (!(await store.remember(key, exp))) throw new Error('a unique key was refused');
        latencies[i] = Number(process.hrtime.bigint() - t) / 1e6;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  latencies.sort();
  const r = (x) => Math.round(x * 1000) / 1000;
  return { concurrency, calls: count, perSecond: Math.round(count / seconds), p50: r(percentile(latencies, 50)), p99: r(percentile(latencies, 99)), max: r(latencies[count - 1]) };
}

/** Runs the section; resolves { skipped } when redis-server is absent. */
async function benchRedis({ count }) {
  const binary = findRedisServer();
  if (binary === undefined) return { skipped: 'redis-server is not on PATH (Debian/Ubuntu: apt-get install redis-server)' };
  const redis = await startRedisServer(binary);
  const handle = createRedisReplayStore(redis.url);
  try {
    // No offline queue (by design): wait until the client is connected before the first command.
    if (handle.client.status !== 'ready') await new Promise((resolve, reject) => handle.client.once('ready', resolve).once('end', reject));
    await timeRemember(handle.store, 2000, 1); // JIT warm-up
    const rows = [];
    for (const concurrency of [1, 64]) rows.push(await timeRemember(handle.store, count, concurrency));
    return { url: redis.url, rows };
  } finally {
    await handle.close();
    await redis.stop();
  }
}

const SETTINGS = { quick: { count: 2000 }, full: { count: 20_000 } };

/** The section's tables: (result, settings) → [{ title, header, rows }]. */
const tables = (r) =>
  r.skipped
    ? [table(`Redis replay store: SKIPPED — ${r.skipped}`, [], [])]
    : [
        table(`Redis replay store: RedisReplayStore.remember latency (local redis-server, ${r.url})`, ['in flight', 'calls', 'per second', 'p50', 'p99', 'max'], r.rows.map((x) => [x.concurrency, x.calls, x.perSecond, ms(x.p50), ms(x.p99), ms(x.max)])),
      ];

export const section = defineSection('redis', 'Redis replay store: RedisReplayStore.remember on unique keys…', SETTINGS, benchRedis, tables);

if (isMain(import.meta.url)) await runAlone(section);
