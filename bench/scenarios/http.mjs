// Unpinned token endpoint: every built demo beside the thin baseline and node-oidc-provider
// (lib/peers.mjs), the OS scheduling servers and load generator over both cores as it likes. What a
// user sees on a small shared machine; the per-core figures the targets use are in pinned.mjs.
//
//   node bench/scenarios/http.mjs [--quick] [--reps=N]   # needs the build (npm run build)
import { peersSection } from '../lib/peers.mjs';
import { isMain, runAlone } from '../lib/section.mjs';

const quick = { rounds: 2, seconds: 1.5, warmupRequests: 1000 };
export const section = peersSection('http', false, 'HTTP, unpinned', quick, { rounds: 6, seconds: 3, warmupRequests: 4000, warmupRounds: 1 });

if (isMain(import.meta.url)) await runAlone(section);
