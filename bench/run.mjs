// Runs every benchmark in sequence, prints one table per section with ratios, checks the speed
// targets, and writes bench/results/latest.json.
//
//   npm run bench                      # builds first; about 6 minutes on 2 cores
//   node bench/run.mjs --quick         # smoke run, under a minute; writes bench/results/latest-quick.json
//   node bench/run.mjs --only=http,scale   # some sections; writes bench/results/latest-http+scale.json
//
// Sections: engine (engine.mjs), cryptoCosts (crypto-costs.mjs), replayMemory (replay-memory.mjs), redis (redis-latency.mjs),
// http (http.mjs), scale (scale.mjs), enumeration (enumeration-timing.mjs). Servers run in child processes; autocannon runs here.
// Optional sections, run only when named in --only: redisScale (redis-scale.mjs: one Redis, a 3-master cluster, WAIT 1),
// dpop (dpop.mjs: DPoP proof verification against a plain ES256 JWT verify, rules D1-D2; needs the core build),
// conditions (conditions.mjs: token-endpoint throughput with ten CEL claim conditions against none, rule W2; needs the core build).
import { mkdir, writeFile } from 'node:fs/promises';
import { benchCryptoCosts } from './crypto-costs.mjs';
import { benchConditions } from './conditions.mjs';
import { benchDpop } from './dpop.mjs';
import { benchEngine } from './engine.mjs';
import { benchEnumerationTiming } from './enumeration-timing.mjs';
import { benchHttp } from './http.mjs';
import { CONNECTIONS } from './load.mjs';
import { machine } from './machine.mjs';
import { benchRedis } from './redis-latency.mjs';
import { benchRedisScale } from './redis-scale.mjs';
import { benchReplayMemory } from './replay-memory.mjs';
import { benchScale } from './scale.mjs';
import { percent, printTable, times } from './table.mjs';
import { checkTargets } from './targets.mjs';

const SECTIONS = ['engine', 'cryptoCosts', 'replayMemory', 'redis', 'http', 'scale', 'enumeration'];

const quick = process.argv.includes('--quick');
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
/** Sections run only when --only names them. */
const OPTIONAL_SECTIONS = ['redisScale', 'dpop', 'conditions'];
const only = onlyArg ? onlyArg.slice('--only='.length).split(',') : SECTIONS;
for (const name of only) {
  if (!SECTIONS.includes(name) && !OPTIONAL_SECTIONS.includes(name)) {
    throw new Error(`unknown section ${name}; sections: ${SECTIONS.join(', ')}; optional: ${OPTIONAL_SECTIONS.join(', ')}`);
  }
}

const settings = quick
  ? {
      engine: { count: 500, reps: 1, warmUpCount: 100 },
      cryptoCosts: { count: 3000 },
      replayMemory: { entries: 100_000 },
      redis: { count: 2000 },
      redisScale: { count: 2000, requests: 500 },
      dpop: { count: 1000, reps: 1 },
      conditions: { count: 1000, reps: 1 },
      http: { rounds: 2, seconds: 1.5, warmupRequests: 1000 },
      scale: { rounds: 2, seconds: 1.5, warmupRequests: 1000, manyClients: 10_000, replayEntries: 100_000 },
      enumeration: { count: 500 },
    }
  : {
      engine: { count: 3000, reps: 3, warmUpCount: 500 },
      cryptoCosts: { count: 20_000 },
      replayMemory: { entries: 1_000_000 },
      redis: { count: 20_000 },
      redisScale: { count: 20_000, requests: 3000 },
      dpop: { count: 4000, reps: 3 },
      conditions: { count: 4000, reps: 3 },
      http: { rounds: 5, seconds: 5, warmupRequests: 4000 },
      scale: { rounds: 5, seconds: 5, warmupRequests: 4000, manyClients: 100_000, replayEntries: 1_000_000 },
      enumeration: { count: 5000 },
    };

const log = (line) => console.error(line);
const started = Date.now();
const results = { machine: machine(), quick, connections: CONNECTIONS, settings };
log(`rfc7523 benchmarks${quick ? ' (--quick)' : ''}: ${results.machine.cpu}, ${results.machine.nproc} CPUs, Node ${results.machine.node}, load ${results.machine.loadAverage.join(' ')}`);

const ms = (x) => `${x} ms`;

if (only.includes('engine')) {
  log('Engine: verifying client assertions in-process…');
  results.engine = await benchEngine(settings.engine);
  printTable(
    'Engine: client assertions verified per second (ratio to the node:crypto floor)',
    ['alg', 'mode', 'implementation', 'per second', 'ratio'],
    results.engine.map((r) => [r.alg, r.mode, r.impl, r.perSecond, times(r.ratio)]),
  );
}

if (only.includes('cryptoCosts')) {
  log('Crypto costs: ES256 sign and verify on the main thread and in the thread pool…');
  results.cryptoCosts = await benchCryptoCosts(settings.cryptoCosts);
  printTable(
    'ES256 crypto: calls per second, main-thread time and CPU (all threads) per call',
    ['operation', 'way', 'per second', 'main thread', 'CPU'],
    results.cryptoCosts.map((r) => [r.op, r.way, r.perSecond, `${r.mainThreadMicros} us`, `${r.cpuMicros} us`]),
  );
}

if (only.includes('replayMemory')) {
  log('Replay store memory: inserting entries in a child process with --expose-gc…');
  const m = (results.replayMemory = benchReplayMemory(settings.replayMemory));
  printTable(`In-memory replay store: heap per live entry (${m.entries.toLocaleString('en')} entries, keys like ${m.sampleKey})`, ['what', 'bytes per entry'], [
    ['MemoryReplayStore, engine key format', m.bytesPerEntry],
    ['  of which the key string', m.keyStringBytes],
    ['  of which the Map entry and expiry', m.storeOverheadBytes],
    ['MemoryReplayStore, same keys flattened', m.flatKeyStoreBytes],
    ['Map keyed by a 128-bit key digest', m.digestKeyedMapBytes],
  ]);
}

if (only.includes('redis')) {
  log('Redis replay store: RedisReplayStore.remember on unique keys…');
  results.redis = await benchRedis(settings.redis);
  if (results.redis.skipped) console.log(`\nRedis replay store: SKIPPED — ${results.redis.skipped}`);
  else {
    printTable(
      `Redis replay store: RedisReplayStore.remember latency (local redis-server, ${results.redis.url})`,
      ['in flight', 'calls', 'per second', 'p50', 'p99', 'max'],
      results.redis.rows.map((r) => [r.concurrency, r.calls, r.perSecond, ms(r.p50), ms(r.p99), ms(r.max)]),
    );
  }
}

if (only.includes('redisScale')) {
  log('Replay store at scale: remember on one Redis, a 3-master cluster, a master + replica with and without WAIT 1…');
  results.redisScale = await benchRedisScale(settings.redisScale);
  if (results.redisScale.skipped) console.log(`\nReplay store at scale: SKIPPED — ${results.redisScale.skipped}`);
  else {
    printTable(
      'Replay store at scale (issue 18): RedisReplayStore.remember latency on unique keys, local servers',
      ['topology', 'in flight', 'calls', 'per second', 'p50', 'p99', 'max'],
      results.redisScale.rows.map((r) => [r.label, r.concurrency, r.calls, r.perSecond, ms(r.p50), ms(r.p99), ms(r.max)]),
    );
    printTable(
      'Replay store at scale (issue 18): token requests (engine in-process, ES256 client assertions, 64 in flight)',
      ['replay store', 'requests', 'per second', 'p50', 'p99', 'not 200'],
      results.redisScale.tokens.map((r) => [r.label, r.requests, r.perSecond, ms(r.p50), ms(r.p99), r.failed]),
    );
  }
}

if (only.includes('dpop')) {
  log('DPoP: proof verification against a plain ES256 JWT verify…');
  results.dpop = await benchDpop(settings.dpop);
  printTable(
    'DPoP (RFC 9449): proof verification vs a plain ES256 access-token verify (the bearer path), median of the runs',
    ['scenario', 'mode', 'calls/s', 'CPU us/call', 'rate vs baseline'],
    results.dpop.map((r) => [r.scenario, r.mode, r.perSecond, r.cpuMicros, times(r.ratio)]),
  );
}

if (only.includes('conditions')) {
  log('Claim conditions: jwt-bearer grants with ten CEL conditions against none…');
  results.conditions = await benchConditions(settings.conditions);
  printTable(
    `Claim conditions (rule W2): jwt-bearer grants per second at the token endpoint, in-process; the ten conditions alone take ${results.conditions.conditionsMicros} us per grant`,
    ['scenario', 'mode', 'grants/s', 'CPU us/grant', 'rate vs none'],
    results.conditions.rows.map((r) => [r.scenario, r.mode, r.perSecond, r.cpuMicros, times(r.ratio)]),
  );
}

if (only.includes('http')) {
  results.http = await benchHttp({ ...settings.http, log });
  const rows = [];
  for (const r of results.http) {
    if (r.skipped) {
      rows.push([r.demo, 'skipped', '', '', '', '', '', '', '', '']);
      continue;
    }
    const q = r.quiet;
    const quietCell = q.rpsRatio === null ? `${q.rounds} quiet` : `${times(q.rpsRatio)} / ${times(q.p99Ratio)} (${q.rounds})`;
    rows.push(['baseline', r.baseline.rps, ms(r.baseline.p50), ms(r.baseline.p99), '', '', '', r.baseline.non2xx, r.baseline.otherLoad, '']);
    rows.push([r.demo, r.measured.rps, ms(r.measured.p50), ms(r.measured.p99), times(r.rpsRatio), times(r.p99Ratio), quietCell, r.measured.non2xx, r.measured.otherLoad, r.valid ? 'yes' : 'NO']);
  }
  printTable(
    `HTTP: POST /token, client_credentials + private_key_jwt (ES256), unique assertions, ${CONNECTIONS} connections; ${settings.http.rounds} alternating rounds of ~${settings.http.seconds} s.\n` +
      'Figures are medians over the rounds; ratios are medians of the round-by-round ratios; "quiet rounds": the same over\n' +
      'the rounds where other processes used < 0.1 core (rps / p99, number of rounds). "other load": cores other processes used (median).',
    ['server', 'req/s', 'p50', 'p99', 'rps ratio', 'p99 ratio', 'quiet rounds', 'non-2xx', 'other load', 'valid'],
    rows,
  );
}

if (only.includes('scale')) {
  const s = (results.scale = await benchScale({ ...settings.scale, log }));
  printTable(
    `Scale: ${s.demo} POST /token by registry and replay-store size; ${settings.scale.rounds} alternating rounds of ~${settings.scale.seconds} s.\n` +
      'Figures are medians over the rounds; the loss is 1 - the median of the round-by-round rps ratios to the first line,\n' +
      'and the same over the quiet rounds only (other processes < 0.1 core).',
    ['configuration', 'start-up', 'heap', 'req/s', 'p50', 'p99', 'rps loss', 'quiet rounds', 'non-2xx', 'other load'],
    s.configs.map((c) => [c.label, ms(c.startupMs), `${c.heapUsedMiB} MiB`, c.rps, ms(c.p50), ms(c.p99), percent(c.rpsLoss), c.quietRpsLoss === null ? 'n/a' : percent(c.quietRpsLoss), c.non2xx, c.otherLoad]),
  );
}

if (only.includes('enumeration')) {
  log('Client enumeration timing: refusing a registered client with a bad signature and an unregistered client…');
  results.enumeration = await benchEnumerationTiming(settings.enumeration);
  printTable(
    'Client enumeration timing: microseconds to refuse a client assertion (authenticateClient, one in flight, alternating)',
    ['alg', 'registered, bad signature p50', 'p90', 'unregistered p50', 'p90', 'ratio'],
    results.enumeration.map((r) => [r.alg, `${r.registered.p50} us`, `${r.registered.p90} us`, `${r.unregistered.p50} us`, `${r.unregistered.p90} us`, times(r.ratio)]),
  );
}

results.targets = checkTargets(results);
const show = (t) => (typeof t.measured !== 'number' ? t.measured : t.target.includes('%') ? percent(t.measured) : t.target.includes('B') ? `${t.measured} B` : times(t.measured));
if (results.targets.length > 0) printTable(
  quick ? 'Targets (--quick is a smoke run: runs too short to judge the targets by)' : 'Targets',
  ['target', 'measured', 'wanted', 'met'],
  results.targets.map((t) => [t.name, show(t), t.target, (t.met ? 'met' : 'NOT MET') + (t.note ? ` (${t.note})` : '')]),
);

results.seconds = Math.round((Date.now() - started) / 1000);
results.machine.loadAverageAtEnd = (await import('node:os')).loadavg().map((x) => +x.toFixed(2));
const dir = new URL('./results/', import.meta.url);
await mkdir(dir, { recursive: true });
// A quick run or a run of some sections keeps the full run's latest.json intact.
const file = `latest${quick ? '-quick' : ''}${only.length === SECTIONS.length ? '' : `-${only.join('+')}`}.json`;
await writeFile(new URL(file, dir), JSON.stringify(results, null, 2) + '\n');
log(`\nDone in ${results.seconds} s; results in bench/results/${file}`);
