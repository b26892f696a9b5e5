// Where a request's time goes in the Express and Nest demos (issue 12): each profiled under load,
// pinned like the pinned scenario, with --cpu-prof (lib/profile-server.mjs); microseconds per request
// by area (node:crypto, Node's HTTP internals, framework, adapter, engine, GC, …). V8's profiler samples
// the main thread only: signature work the engine hands to the libuv thread pool is not in it. The
// profiler adds its own overhead, so the rates here are below the pinned scenario's; the shares are what
// to read.
//
//   node bench/scenarios/profiles.mjs [--quick]   # needs the build (npm run build)
import { builtDemos } from '../lib/demos.mjs';
import { profileServer } from '../lib/profile-server.mjs';
import { defineSection, isMain, runAlone } from '../lib/section.mjs';
import { table } from '../lib/table.mjs';

const DEMOS = ['express-demo', 'nest-demo'];

async function benchProfiles({ seconds, warmupRequests }, { log }) {
  const results = [];
  for (const demo of DEMOS.filter((d) => builtDemos().includes(d))) {
    log(`  profiling ${demo}…`);
    const { load, requests, areas, summary } = await profileServer({ demo, seconds, pinned: true, warmupRequests, top: 10 });
    results.push({ demo, rps: load.rps, requests, ...areas, topSelf: summary.self });
  }
  return results;
}

const SETTINGS = { quick: { seconds: 1.5, warmupRequests: 500 }, full: { seconds: 8, warmupRequests: 3000 } };

/** One table: a line per area, a column pair (us per request, % of busy time) per demo. */
const tables = (results) => {
  const areas = [...new Set(results.flatMap((r) => r.rows.map((x) => x.area)))];
  const cell = (r, area) => r.rows.find((x) => x.area === area);
  return [
    table(
      `Where time goes: microseconds of the server's main thread per request by area (thread-pool work not included), pinned, profiled with --cpu-prof (${results.map((r) => `${r.demo} ${r.requests} requests at ${r.rps} req/s`).join('; ')}; warm-up included)`,
      ['area', ...results.flatMap((r) => [`${r.demo} us`, '% busy'])],
      [
        ...areas.map((area) => [area, ...results.flatMap((r) => [cell(r, area)?.microsPerRequest ?? 0, cell(r, area)?.percent ?? 0])]),
        ['all busy time', ...results.flatMap((r) => [r.busyMicrosPerRequest, 100])],
      ],
    ),
  ];
};

export const section = defineSection('profiles', 'Profiles: where time goes in the Express and Nest demos…', SETTINGS, benchProfiles, tables);

if (isMain(import.meta.url)) await runAlone(section);
