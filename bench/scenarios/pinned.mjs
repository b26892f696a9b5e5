// Pinned token endpoint, the figures the speed targets use: every server (its libuv thread pool too)
// on core 0 with `taskset -c 0`, the load generator on core 1, so that req/s is a server's throughput
// per core. Every built demo beside the thin Express 5 + jose baseline and node-oidc-provider 9
// (lib/peers.mjs). Fails, saying why, without taskset or with fewer than 2 cores.
//
//   node bench/scenarios/pinned.mjs [--quick] [--reps=N]   # needs the build (npm run build)
import { peersSection } from '../lib/peers.mjs';
import { isMain, runAlone } from '../lib/section.mjs';

const quick = { rounds: 2, seconds: 1.5, warmupRequests: 1000 };
export const section = peersSection('pinned', true, 'HTTP, pinned (servers on core 0, load generator on core 1: req/s per core)', quick, { rounds: 8, seconds: 3, warmupRequests: 4000, warmupRounds: 2 });

if (isMain(import.meta.url)) await runAlone(section);
