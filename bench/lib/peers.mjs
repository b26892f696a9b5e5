// The token endpoint of every built demo side by side with its peers — the thin Express 5 + jose
// baseline (baseline-server.mjs) and node-oidc-provider 9 (oidc-provider-server.mjs) — in one run:
// client_credentials + private_key_jwt (ES256), a unique assertion per request, ES256 JWT access
// tokens. All servers run at once in child processes (pinned to one core when asked, the load generator
// then on the other) and are measured in rounds of rotating order; an rps ratio is the median of the
// round-by-round ratios, a p99 ratio that of the two medians of p99 over the rounds (see versus).
import { alternate, pairedRatio, QUIET, quietPairedRatio } from './alternating-runs.mjs';
import { BENCH_ISSUER, clientCredentialsBodies, clientKey } from './assertions.mjs';
import { builtDemos } from './demos.mjs';
import { asLoadGenerator, LOAD_CORE, requireTaskset, SERVER_CORE, serverPin } from './pinning.mjs';
import { startServerProcess } from './server-process.mjs';
import { clientIdAt, writeTrustConfig } from './trust-config.mjs';

/** The peers every demo is compared with, by server name. */
export const BASELINE = 'baseline';
export const OIDC_PROVIDER = 'oidc-provider';

/**
 * A demo's ratios to one peer. rps, over all rounds and over the quiet rounds (null when fewer than
 * two): the median of the round-by-round ratios, which cancels the machine's drift. p99: the demo's
 * median p99 over the rounds over the peer's (the figures the table and chart show), because a round's p99 moves
 * with one stall of the host far more than its rps does: 2026-12-01 23:15's express-demo rounds had
 * p99 ratios from 0.30x to 1.71x, so their median (1.05x) said more about which rounds a stall hit than
 * about the servers, while each server's median p99 over its 8 rounds (16.6 and 21.9 ms) drops up to
 * three disturbed rounds of its own. The paired figure is kept as `p99Paired` and shown beside it.
 */
function versus(demo, peer) {
  const quietRounds = demo.runs.filter((r, i) => r.otherLoad !== null && r.otherLoad < QUIET && peer.runs[i].otherLoad < QUIET).length;
  return {
    rps: pairedRatio(demo, peer, 'rps'),
    p99: +(demo.p99 / peer.p99).toFixed(3),
    p99Paired: pairedRatio(demo, peer, 'p99'),
    quiet: { rounds: quietRounds, rps: quietPairedRatio(demo, peer, 'rps') },
  };
}

/**
 * Starts the peers and every built demo (a demo that cannot start is reported as skipped), runs
 * `rounds` rounds (rotating order) of ~`seconds` each and stops them. Resolves { pinned, servers: [{ name,
 * ...summary }], demos: [{ demo, vsBaseline, vsOidcProvider, valid } | { demo, skipped }] }.
 */
export async function benchPeers({ rounds, seconds, warmupRequests, warmupRounds, pinned, log }) {
  if (pinned) requireTaskset();
  const pin = serverPin(pinned);
  const key = clientKey();
  const clientId = clientIdAt(0);
  const configPath = await writeTrustConfig(key.publicJwk, { count: 1 });
  const bodies = (count) => clientCredentialsBodies(key, count, () => clientId);
  const peerSpec = { issuer: BENCH_ISSUER, clientId, publicJwk: key.publicJwk };
  const started = [];
  const skipped = [];
  try {
    for (const [name, spec] of [
      [BASELINE, { kind: 'baseline', ...peerSpec }],
      [OIDC_PROVIDER, { kind: 'oidc-provider', ...peerSpec }],
      ...builtDemos().map((demo) => [demo, { kind: 'demo', demo, issuer: BENCH_ISSUER, configPath }]),
    ]) {
      try {
        const server = await startServerProcess(spec, { pin });
        started.push({ name, server, url: server.url, pid: server.pid, bodies });
      } catch (err) {
        if (spec.kind !== 'demo') throw err;
        log(`  ${name} could not start, skipped: ${err.message.split('\n')[0]}`);
        skipped.push({ demo: name, skipped: err.message.split('\n')[0] });
      }
    }
    log(`${pinned ? `Pinned (servers on core ${SERVER_CORE}, load generator on core ${LOAD_CORE})` : 'Unpinned'}: ${started.map((s) => s.name).join(', ')}`);
    const measure = () => alternate(started, { rounds, seconds, warmupRequests, warmupRounds, log });
    const result = await asLoadGenerator(pinned, measure);
    const demos = started
      .filter((s) => s.name !== BASELINE && s.name !== OIDC_PROVIDER)
      .map(({ name }) => ({
        demo: name,
        vsBaseline: versus(result[name], result[BASELINE]),
        vsOidcProvider: versus(result[name], result[OIDC_PROVIDER]),
        valid: result[name].valid && result[BASELINE].valid && result[OIDC_PROVIDER].valid,
      }));
    return { pinned, servers: started.map(({ name }) => ({ name, ...result[name] })), demos: [...demos, ...skipped] };
  } finally {
    await Promise.all(started.map((s) => s.server.stop()));
  }
}

const ratio = (x) => (x === null || x === undefined ? '' : `${x.toFixed(2)}x`);

/** The section's table: one line per server with its figures and, for a demo, its ratios to both peers. */
export function peersTable(result, { rounds, seconds, warmupRounds }, what) {
  const byName = new Map(result.demos.map((d) => [d.demo, d]));
  const rows = result.servers.map((s) => {
    const d = byName.get(s.name);
    const quiet = d ? `${ratio(d.vsBaseline.quiet.rps)} (${d.vsBaseline.quiet.rounds})` : '';
    return [s.name, s.rps, `${s.p50} ms`, `${s.p99} ms`, ratio(d?.vsBaseline.rps), ratio(d?.vsBaseline.p99), ratio(d?.vsBaseline.p99Paired), ratio(d?.vsOidcProvider.rps), quiet, s.non2xx, s.otherLoad, s.valid ? 'yes' : 'NO'];
  });
  for (const d of result.demos.filter((x) => x.skipped)) rows.push([d.demo, 'skipped', '', '', '', '', '', '', '', '', '', d.skipped]);
  return {
    title:
      `${what}: POST /token, client_credentials + private_key_jwt (ES256), unique assertions, ES256 JWT access tokens, 32 connections; ` +
      `${rounds} rounds of ~${seconds} s in rotating order after ${warmupRounds ?? 0} not kept. Figures are medians over the rounds; rps ratios are medians of the round-by-round ratios; "p99 vs baseline" is the ratio of the two medians of p99, "paired" the median of the round-by-round p99 ratios; ` +
      '"quiet": the rps ratio to the baseline over the rounds where other processes used < 0.1 core (number of rounds); "other load": cores other processes used (median).',
    header: ['server', 'req/s', 'p50', 'p99', 'rps vs baseline', 'p99 vs baseline', 'p99 vs baseline, paired', 'rps vs oidc-provider', 'quiet', 'non-2xx', 'other load', 'valid'],
    rows,
  };
}

/** A run.mjs section measuring the peers, pinned or not; `what` names it in logs and titles. */
export const peersSection = (name, pinned, what, quick, full) => ({
  name,
  settings: { quick, full },
  log: `${what}: demos beside the baseline and node-oidc-provider…`,
  run: (s, { log }) => benchPeers({ ...s, pinned, log }),
  tables: (result, s) => [peersTable(result, s, what)],
});
