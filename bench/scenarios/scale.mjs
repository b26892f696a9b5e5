// Scale section: the Express demo's token endpoint with 10 and with 100,000 registered clients (one
// shared public JWK), and with 0 and 1,000,000 live entries pre-loaded in its in-memory replay store.
// All servers run at once and are measured in alternation. A further, informational server has
// 100,000 clients each used once. Where this machine can pin (lib/pinning.mjs), every server runs on
// core 0 and the load generator on core 1, as in the pinned section: a loss is then what one core pays,
// the garbage collector's helper threads included, whatever the load generator leaves of the other.
//
//   node bench/scenarios/scale.mjs [--quick] [--reps=N]   # needs the build (npm run build)
import { alternate, pairedRatio, quietPairedRatio } from '../lib/alternating-runs.mjs';
import { BENCH_ISSUER, clientCredentialsBodies, clientKey } from '../lib/assertions.mjs';
import { asLoadGenerator, canPin, LOAD_CORE, SERVER_CORE, serverPin } from '../lib/pinning.mjs';
import { defineSection, isMain, runAlone } from '../lib/section.mjs';
import { startServerProcess } from '../lib/server-process.mjs';
import { ms, percent, table } from '../lib/table.mjs';
import { clientIdAt, writeTrustConfig } from '../lib/trust-config.mjs';

const DEMO = 'express-demo';

/** Runs the section; returns the summaries and the rps loss of each scaled configuration. */
async function benchScale({ rounds, seconds, warmupRequests, warmupRounds, manyClients, replayEntries, log }) {
  const key = clientKey();
  const fewPath = await writeTrustConfig(key.publicJwk, { count: 10 });
  const manyPath = await writeTrustConfig(key.publicJwk, { count: manyClients });
  // The warm configurations spread requests over 10 clients; the cold one never reuses a client.
  const tenClients = (count) => clientCredentialsBodies(key, count, (i) => clientIdAt(i % 10));
  let nextCold = 0;
  const coldClients = (count) => clientCredentialsBodies(key, count, () => clientIdAt(nextCold++ % manyClients));
  const configs = [
    { name: 'reference', label: '10 clients, 0 replay entries', spec: { configPath: fewPath, ownReplayStore: true }, bodies: tenClients },
    { name: 'manyClients', label: `${manyClients.toLocaleString('en')} clients, 0 replay entries`, spec: { configPath: manyPath, ownReplayStore: true }, bodies: tenClients },
    { name: 'manyReplayEntries', label: `10 clients, ${replayEntries.toLocaleString('en')} replay entries`, spec: { configPath: fewPath, replayEntries }, bodies: tenClients },
    { name: 'manyClientsCold', label: `${manyClients.toLocaleString('en')} clients, each request a new client (informational)`, spec: { configPath: manyPath, ownReplayStore: true }, bodies: coldClients },
  ];
  const servers = [];
  const pinned = canPin();
  try {
    for (const config of configs) {
      const server = await startServerProcess({ kind: 'demo', demo: DEMO, issuer: BENCH_ISSUER, ...config.spec }, { pin: serverPin(pinned) });
      const { heapUsed } = await server.stats();
      log(`Scale: started ${config.label} in ${server.startupMs} ms, heap ${(heapUsed / 2 ** 20).toFixed(0)} MiB`);
      servers.push(server);
      Object.assign(config, { url: server.url, pid: server.pid, startupMs: server.startupMs, heapUsedMiB: Math.round(heapUsed / 2 ** 20) });
    }
    const measure = () => alternate(configs, { rounds, seconds, warmupRequests, warmupRounds, log });
    const result = await asLoadGenerator(pinned, measure);
    // Loss: 1 - the median of the round-by-round rps ratios to the reference configuration.
    const loss = (name) => +(1 - pairedRatio(result[name], result.reference, 'rps')).toFixed(3);
    const quietLoss = (name) => {
      const ratio = quietPairedRatio(result[name], result.reference, 'rps');
      return ratio === null ? null : +(1 - ratio).toFixed(3);
    };
    return {
      demo: DEMO,
      pinned,
      configs: configs.map(({ name, label, startupMs, heapUsedMiB }) => ({ name, label, startupMs, heapUsedMiB, ...result[name], rpsLoss: name === 'reference' ? 0 : loss(name), quietRpsLoss: name === 'reference' ? 0 : quietLoss(name) })),
      clientsLoss: loss('manyClients'),
      replayLoss: loss('manyReplayEntries'),
      coldClientsLoss: loss('manyClientsCold'),
      valid: Object.values(result).every((s) => s.valid),
    };
  } finally {
    await Promise.all(servers.map((s) => s.stop()));
  }
}

const SETTINGS = {
  quick: { rounds: 2, seconds: 1.5, warmupRequests: 1000, manyClients: 10_000, replayEntries: 100_000 },
  full: { rounds: 8, seconds: 3, warmupRequests: 4000, warmupRounds: 1, manyClients: 100_000, replayEntries: 1_000_000 },
};

/** The section's tables: (result, settings) → [{ title, header, rows }]. */
const tables = (s, { rounds, seconds, warmupRounds = 0 }) => [
  table(
    `Scale: ${s.demo} POST /token by registry and replay-store size, ${s.pinned ? `servers on core ${SERVER_CORE}, load generator on core ${LOAD_CORE}` : 'unpinned (cannot pin)'}; ${rounds} rounds of ~${seconds} s in rotating order after ${warmupRounds} not kept. ` +
      'Figures are medians over the rounds; the loss is 1 - the median of the round-by-round rps ratios to the first line, ' +
      'and the same over the quiet rounds only (other processes < 0.1 core).',
    ['configuration', 'start-up', 'heap', 'req/s', 'p50', 'p99', 'rps loss', 'quiet rounds', 'non-2xx', 'other load'],
    s.configs.map((c) => [c.label, ms(c.startupMs), `${c.heapUsedMiB} MiB`, c.rps, ms(c.p50), ms(c.p99), percent(c.rpsLoss), c.quietRpsLoss === null ? 'n/a' : percent(c.quietRpsLoss), c.non2xx, c.otherLoad]),
  ),
];

export const section = defineSection('scale', 'Scale: the Express demo by registry and replay-store size…', SETTINGS, (settings, { log }) => benchScale({ ...settings, log }), tables);

if (isMain(import.meta.url)) await runAlone(section);
