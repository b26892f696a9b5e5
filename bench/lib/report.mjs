// The Markdown fragment of a run (bench/results/latest*.md) and the "Latest run" section of
// RESULTS.md, which a full run replaces between its two markers.
import { whereRan } from './pinning.mjs';
import { markdownTable } from './table.mjs';
import { showMeasured } from '../targets.mjs';

export const START_MARKER = '<!-- latest run: start (written by node bench/run.mjs; edit outside the markers) -->';
export const END_MARKER = '<!-- latest run: end -->';

/**
 * The fragment: run and machine, method, the targets with their measured figures, the charts
 * (`charts`: [{ link, alt }], links relative to bench/) and every section's tables.
 */
export function latestMarkdown({ results, tables, charts, command }) {
  const m = results.machine;
  const pinned = results.settings.pinned;
  const lines = [
    `Run: \`${command}\`, ${m.date.replace('T', ' ').slice(0, 16)} UTC, commit ${m.commit}, ${results.seconds} s${results.quick ? ' — a **--quick smoke run: its figures are too short to judge the targets by**' : ''}.`,
    `Machine: ${m.cpu}, ${m.nproc} CPUs, ${m.memoryGiB} GiB, Node ${m.node}, load average ${m.loadAverage.join(' ')} at the start and ${m.loadAverageAtEnd.join(' ')} at the end.`,
    '',
    'Method:',
    '',
    `- Token endpoint (scenarios/pinned.mjs, scenarios/http.mjs): \`POST /token\`, client_credentials with an ES256 private_key_jwt client assertion, a fresh \`jti\` in every request, ES256 JWT access tokens, ${results.connections} keep-alive connections (autocannon). Every demo beside the thin Express 5 + jose baseline (lib/baseline-server.mjs) and node-oidc-provider 9 (lib/oidc-provider-server.mjs: one ES256 private_key_jwt client, client_credentials, resource indicators for JWT access tokens, its own jti replay check), all in one run, in rounds whose order rotates; an rps ratio is the median of the round-by-round ratios, a p99 ratio that of the two servers' median p99 over the rounds (a round's p99 moves with one stall of the host; the median of the round-by-round p99 ratios is shown beside it).`,
    pinned
      ? `- Pinned: every server, its libuv thread pool included, on core 0 (\`taskset -c 0\`), the load generator on core 1; ${pinned.rounds} rounds of ~${pinned.seconds} s after a warm-up of ${pinned.warmupRequests} requests and ${pinned.warmupRounds ?? 0} rounds not kept. Its req/s is a server's throughput per core; the targets read it.`
      : '- Pinned: not run.',
    `- Engine: one call at a time and 64 in flight, floor (node:crypto verify of the signing input), jose.jwtVerify and the engine in interleaved rounds, each round's calls taken in slices in turn, after warm-up rounds not kept (the table's title gives the slice and the number of rounds), ${whereRan(results.engine?.[0]?.pinned)}; the ratio to the floor is the median of the round-by-round ratios.`,
    `- First request of a client: the engine in-process, ${whereRan(results.firstRequest?.pinned)}; a warm request and a new client's first request on two engines, one importing its keys at start-up (the default) and one on first use, and what node:crypto pays for a new key (createPublicKey, plus its first verification's extra time over a verification with a key already used), back to back per round, medians.`,
    '- Where time goes: the Express and Nest demos profiled pinned with `--cpu-prof`; the main thread\'s microseconds per request by area (thread-pool work is not sampled; the profiler\'s overhead lowers the rate).',
    '',
  ];
  if (results.targets.length > 0) {
    lines.push(
      markdownTable(
        '**Targets**',
        ['target', 'measured', 'wanted', 'met'],
        results.targets.map((t) => [t.name, showMeasured(t), t.target, (t.met ? 'met' : '**not met**') + (t.note ? ` (${t.note})` : '')]),
      ),
      '',
    );
  }
  for (const chart of charts) lines.push(`![${chart.alt}](${chart.link})`, '');
  for (const table of tables) if (table.header.length > 0) lines.push(markdownTable(`**${table.title}**`, table.header, table.rows), '');
  return lines.join('\n');
}

/** RESULTS.md text with the part between the markers replaced by `fragment`; throws when a marker is missing. */
export function replaceLatest(text, fragment) {
  const start = text.indexOf(START_MARKER);
  const end = text.indexOf(END_MARKER);
  if (start < 0 || end < start) throw new Error(`RESULTS.md lacks the markers ${START_MARKER} … ${END_MARKER}`);
  return `${text.slice(0, start + START_MARKER.length)}\n${fragment}\n${text.slice(end)}`;
}
