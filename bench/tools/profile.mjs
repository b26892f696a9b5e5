// CPU profile of one server's token endpoint under load (lib/profile-server.mjs), summarised: self time
// by function (top 25), inclusive time inside packages/ and apps/, and microseconds per request by area.
// V8's profiler samples the main thread only; work in the libuv thread pool is not in the profile.
//
//   npm run build && node bench/tools/profile.mjs [--seconds=10] [--demo=express-demo | --demo=baseline | --demo=oidc-provider] [--pinned]
//
// --pinned runs the server on core 0 and the load generator on core 1, as the pinned scenario does.
// Writes bench/results/profiles/<demo>.cpuprofile (open it in Chrome DevTools) and <demo>-summary.json.
import { profileServer } from '../lib/profile-server.mjs';
import { argValue } from '../lib/stats.mjs';
import { printTable } from '../lib/table.mjs';

const demo = argValue('demo', 'express-demo');
const { load, requests, summary, areas } = await profileServer({ demo, seconds: Number(argValue('seconds', 10)), pinned: process.argv.includes('--pinned') });
console.error(`profiled ${load.ok} requests at ${load.rps} req/s (p50 ${load.p50} ms, p99 ${load.p99} ms; profiler overhead included)`);
printTable(`${demo}: self time by function, top 25 (${summary.total} samples, warm-up included)`, ['function', 'samples', '% of samples'], summary.self.map((r) => [r.name, r.samples, r.percent]));
printTable(`${demo}: inclusive time in packages/ and apps/ (% of non-idle samples)`, ['function', 'samples', '% busy'], summary.inclusive.map((r) => [r.name, r.samples, r.percent]));
printTable(
  `${demo}: where a request's time goes (${requests} requests, warm-up included; ${areas.busyMicrosPerRequest} us busy per request, idle ${areas.idlePercent}% of samples)`,
  ['area', 'us per request', '% busy'],
  areas.rows.map((r) => [r.area, r.microsPerRequest, r.percent]),
);
