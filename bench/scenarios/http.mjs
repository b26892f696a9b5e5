// HTTP section: token-endpoint requests per second and latency of every built demo beside the
// hand-written baseline (baseline-server.mjs), client_credentials + private_key_jwt, ES256, a unique
// assertion per request. One baseline process serves as reference for every demo; each demo is
// measured in alternation with it, and its ratios are the medians of the round-by-round ratios.
import { alternate, pairedRatio, QUIET, quietPairedRatio } from './alternating-runs.mjs';
import { BENCH_ISSUER, clientCredentialsBodies, clientKey } from './assertions.mjs';
import { builtDemos } from './demos.mjs';
import { startServerProcess } from './server-process.mjs';
import { clientIdAt, writeTrustConfig } from './trust-config.mjs';

/** Runs the section; returns one row per demo with both summaries and the ratios. */
export async function benchHttp({ rounds, seconds, warmupRequests, log }) {
  const key = clientKey();
  const clientId = clientIdAt(0);
  const configPath = await writeTrustConfig(key.publicJwk, { count: 1 });
  const bodies = (count) => clientCredentialsBodies(key, count, () => clientId);
  const baselineServer = await startServerProcess({ kind: 'baseline', issuer: BENCH_ISSUER, clientId, publicJwk: key.publicJwk });
  const baseline = { name: 'baseline', url: baselineServer.url, pid: baselineServer.pid, bodies };
  const rows = [];
  try {
    for (const demo of builtDemos()) {
      log(`HTTP: baseline vs ${demo}`);
      let server;
      try {
        server = await startServerProcess({ kind: 'demo', demo, issuer: BENCH_ISSUER, configPath });
      } catch (err) {
        log(`  ${demo} could not start, skipped: ${err.message.split('\n')[0]}`);
        rows.push({ demo, skipped: err.message.split('\n')[0] });
        continue;
      }
      try {
        const result = await alternate([baseline, { name: demo, url: server.url, pid: server.pid, bodies }], { rounds, seconds, warmupRequests, log });
        const b = result.baseline;
        const d = result[demo];
        rows.push({
          demo,
          baseline: b,
          measured: d,
          rpsRatio: pairedRatio(d, b, 'rps'),
          p99Ratio: pairedRatio(d, b, 'p99'),
          quiet: { rounds: d.runs.filter((r, i) => r.otherLoad < QUIET && b.runs[i].otherLoad < QUIET).length, rpsRatio: quietPairedRatio(d, b, 'rps'), p99Ratio: quietPairedRatio(d, b, 'p99') },
          valid: b.valid && d.valid,
        });
      } finally {
        await server.stop();
      }
    }
  } finally {
    await baselineServer.stop();
  }
  return rows;
}
