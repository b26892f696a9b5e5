// Replay store at scale (issue 18): latency of RedisReplayStore.remember (SET NX EXAT on unique keys)
// on one Redis, on a 3-master Redis Cluster, and on a master with one replica without and with the
// durability option (waitForReplicas: 1, i.e. SET then WAIT 1 in one pipeline). One call at a time
// and 64 in flight. Every redis-server runs on a free loopback port in a temporary directory and is
// stopped by its own pid. Then the token endpoint (engine in-process, handleTokenRequest with ES256
// client assertions minted beforehand, 64 in flight) per topology, beside the in-memory store.
// Skipped, with a message, when redis-server or redis-cli is not on PATH.
//
//   node bench/run.mjs --only=redisScale          # optional section: not part of the default run
//   node bench/scenarios/redis-scale.mjs [--quick]
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { CLIENT_CREDENTIALS_GRANT_TYPE, createAuthorizationServer, JWT_BEARER_CLIENT_ASSERTION_TYPE } from '@rfc7523/core';
import { createRedisReplayStore } from '@rfc7523/redis';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { BENCH_ISSUER as ISSUER } from '../lib/assertions.mjs';
import { ask, findRedisServer, HOST, startRedisServer } from '../lib/redis-server.mjs';
import { defineSection, isMain, runAlone } from '../lib/section.mjs';
import { percentile } from '../lib/stats.mjs';
import { ms, table } from '../lib/table.mjs';
import { timeRemember } from './redis-latency.mjs';

function findRedisCli(server) {
  return server.replace(/redis-server$/, 'redis-cli');
}

function run(binary, args) {
  return new Promise((resolve, reject) => {
    const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${binary} ${args.join(' ')}: ${out.slice(-2000)}`))));
  });
}

async function until(what, probe, timeout = 30_000) {
  for (const deadline = Date.now() + timeout; Date.now() < deadline; ) {
    if (await probe()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** An ES256 client and `count` distinct client assertions signed by it (minted before any timing). */
async function mintAssertions(count) {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1' };
  const now = Math.floor(Date.now() / 1000);
  const bodies = [];
  for (let i = 0; i < count; i++) {
    const assertion = await new SignJWT({ jti: randomUUID() })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
      .setIssuer('bench')
      .setSubject('bench')
      .setAudience(ISSUER)
      .setIssuedAt(now)
      .setExpirationTime(now + 600)
      .sign(privateKey);
    bodies.push(new URLSearchParams({ grant_type: CLIENT_CREDENTIALS_GRANT_TYPE, client_assertion_type: JWT_BEARER_CLIENT_ASSERTION_TYPE, client_assertion: assertion }).toString());
  }
  return { client: { client_id: 'bench', jwks: { keys: [jwk] }, scope: 'read' }, bodies };
}

/** Token requests per second through the engine with `replayStore` (undefined: in-memory), 64 in flight. */
async function tokenRate(label, replayStore, minted) {
  const server = await createAuthorizationServer({ issuer: ISSUER, clients: [minted.client], ...(replayStore ? { replayStore } : {}) });
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  const latencies = new Float64Array(minted.bodies.length);
  let next = 0;
  let failed = 0;
  const start = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < minted.bodies.length) {
        const i = next++;
        const t = process.hrtime.bigint();
        const res = await server.handleTokenRequest({ method: 'POST', headers, body: minted.bodies[i] });
        latencies[i] = Number(process.hrtime.bigint() - t) / 1e6;
        if (res.status !== 200) failed++;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  latencies.sort();
  const r = (x) => Math.round(x * 1000) / 1000;
  return { label, requests: minted.bodies.length, perSecond: Math.round(minted.bodies.length / seconds), p50: r(percentile(latencies, 50)), p99: r(percentile(latencies, 99)), failed };
}

async function measure(label, target, options, count, tokens) {
  const handle = createRedisReplayStore(target, { commandTimeout: 5000, ...options });
  try {
    await handle.ready(20_000);
    await timeRemember(handle.store, Math.min(2000, count), 8); // JIT and connection warm-up
    const rows = [];
    for (const concurrency of [1, 64]) rows.push({ label, ...(await timeRemember(handle.store, count, concurrency)) });
    tokens.push(await tokenRate(label, handle.store, await mintAssertions(tokens.requests)));
    return rows;
  } finally {
    await handle.close();
  }
}

/** Runs the section; resolves { skipped } when redis-server or redis-cli is absent. */
async function benchRedisScale({ count, requests }) {
  const binary = findRedisServer();
  if (binary === undefined) return { skipped: 'redis-server is not on PATH (Debian/Ubuntu: apt-get install redis-server)' };
  const cli = findRedisCli(binary);
  const started = [];
  const rows = [];
  const tokens = Object.assign([], { requests });
  try {
    await tokenRate('JIT warm-up', undefined, await mintAssertions(requests)); // discarded
    tokens.push(await tokenRate('in-memory store (no Redis)', undefined, await mintAssertions(requests)));
    // One Redis.
    const single = await startRedisServer(binary);
    started.push(single);
    rows.push(...(await measure('one Redis', single.url, {}, count, tokens)));

    // A 3-master Redis Cluster, no replicas.
    const nodes = [];
    for (let i = 0; i < 3; i++) {
      const node = await startRedisServer(binary, { args: ['--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-node-timeout', '5000'] });
      started.push(node);
      nodes.push(node);
    }
    await run(cli, ['--cluster', 'create', ...nodes.map((n) => `${HOST}:${n.port}`), '--cluster-replicas', '0', '--cluster-yes']);
    await until('the cluster', async () => (await Promise.all(nodes.map((n) => ask(n.port, 'CLUSTER INFO')))).every((r) => r.includes('cluster_state:ok')));
    rows.push(...(await measure('3-master Redis Cluster', { cluster: nodes.map((n) => n.url) }, {}, count, tokens)));

    // A master and one replica: asynchronous replication, then SET + WAIT 1.
    const master = await startRedisServer(binary);
    started.push(master);
    const replica = await startRedisServer(binary, { args: ['--replicaof', HOST, String(master.port)] });
    started.push(replica);
    await until('the replica to sync', async () => /master_link_status:up/.test(await ask(replica.port, 'INFO replication')));
    rows.push(...(await measure('master + 1 replica', master.url, {}, count, tokens)));
    rows.push(...(await measure('master + 1 replica, waitForReplicas: 1', master.url, { waitForReplicas: 1, waitTimeout: 1000, commandTimeout: 5000 }, count, tokens)));
    return { rows, tokens: [...tokens] };
  } catch (err) {
    if (/ENOENT/.test(String(err)) && String(err).includes('redis-cli')) return { skipped: `redis-cli is not on PATH next to ${binary} (apt-get install redis-tools)` };
    throw err;
  } finally {
    await Promise.all(started.map((s) => s.stop()));
  }
}

const SETTINGS = { quick: { count: 2000, requests: 500 }, full: { count: 20_000, requests: 3000 } };

/** The section's tables: (result, settings) → [{ title, header, rows }]. */
const tables = (r) =>
  r.skipped
    ? [table(`Replay store at scale: SKIPPED — ${r.skipped}`, [], [])]
    : [
        table('Replay store at scale (issue 18): RedisReplayStore.remember latency on unique keys, local servers', ['topology', 'in flight', 'calls', 'per second', 'p50', 'p99', 'max'], r.rows.map((x) => [x.label, x.concurrency, x.calls, x.perSecond, ms(x.p50), ms(x.p99), ms(x.max)])),
        table('Replay store at scale (issue 18): token requests (engine in-process, ES256 client assertions, 64 in flight)', ['replay store', 'requests', 'per second', 'p50', 'p99', 'not 200'], r.tokens.map((x) => [x.label, x.requests, x.perSecond, ms(x.p50), ms(x.p99), x.failed])),
      ];

export const section = defineSection('redisScale', 'Replay store at scale: remember on one Redis, a 3-master cluster, a master + replica with and without WAIT 1…', SETTINGS, benchRedisScale, tables, { optional: true });

if (isMain(import.meta.url)) await runAlone(section);
