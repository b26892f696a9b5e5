// CPU profile of the Express demo's token endpoint under load: the server child runs with
// --cpu-prof while autocannon sends unique client_credentials + private_key_jwt requests, then the
// profile is summarised (self time by function, top 25; inclusive time inside packages/ and apps/).
//
//   npm run build && node bench/tools/profile.mjs [--seconds=10] [--demo=express-demo | --demo=baseline | --demo=oidc-provider] [--pinned]
//
// --pinned runs the server on core 0 and the load generator on core 1, as the pinned scenario does.
// Writes bench/results/profiles/<demo>.cpuprofile (open it in Chrome DevTools) and <demo>-summary.json.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BENCH_ISSUER, clientCredentialsBodies, clientKey } from '../lib/assertions.mjs';
import { runLoad, SPARE_BODIES } from '../lib/load.mjs';
import { LOAD_CORE, requireTaskset, SERVER_CORE, withPinnedSelf } from '../lib/pinning.mjs';
import { startServerProcess } from '../lib/server-process.mjs';
import { argValue } from '../lib/stats.mjs';
import { printTable } from '../lib/table.mjs';
import { clientIdAt, writeTrustConfig } from '../lib/trust-config.mjs';
import { summariseProfile } from './cpu-profile-summary.mjs';

const seconds = Number(argValue('seconds', 10));
const demo = argValue('demo', 'express-demo');
const pinned = process.argv.includes('--pinned');
if (pinned) requireTaskset();

const dir = new URL('../results/profiles/', import.meta.url);
await mkdir(dir, { recursive: true });
const key = clientKey();
const configPath = await writeTrustConfig(key.publicJwk, { count: 1 });
const bodies = (count) => clientCredentialsBodies(key, count + SPARE_BODIES, () => clientIdAt(0));
const spec =
  demo === 'baseline' || demo === 'oidc-provider'
    ? { kind: demo, issuer: BENCH_ISSUER, clientId: clientIdAt(0), publicJwk: key.publicJwk }
    : { kind: 'demo', demo, issuer: BENCH_ISSUER, configPath };
const server = await startServerProcess(spec, {
  execArgv: ['--cpu-prof', '--cpu-prof-dir', fileURLToPath(dir), '--cpu-prof-name', `${demo}.cpuprofile`, '--cpu-prof-interval', '250'],
  pin: pinned ? SERVER_CORE : undefined,
});
let load;
try {
  const run = async () => {
    const warm = await runLoad(server.url, bodies(3000));
    return runLoad(server.url, bodies(Math.round(warm.rps * seconds)));
  };
  load = pinned ? await withPinnedSelf(LOAD_CORE, run) : await run();
  console.error(`profiled ${load.ok} requests at ${load.rps} req/s (p50 ${load.p50} ms, p99 ${load.p99} ms; profiler overhead included)`);
  if (!load.valid) throw new Error(`invalid run: ${load.non2xx} non-2xx, ${load.errors} errors`);
} finally {
  await server.stop();
}
const profile = JSON.parse(await readFile(new URL(`${demo}.cpuprofile`, dir), 'utf8'));
const summary = summariseProfile(profile);
await writeFile(new URL(`${demo}-summary.json`, dir), JSON.stringify({ demo, load, ...summary }, null, 2) + '\n');
printTable(`${demo}: self time by function, top 25 (${summary.total} samples, warm-up included)`, ['function', 'samples', '% of samples'], summary.self.map((r) => [r.name, r.samples, r.percent]));
printTable(`${demo}: inclusive time in packages/ and apps/ (% of non-idle samples)`, ['function', 'samples', '% busy'], summary.inclusive.map((r) => [r.name, r.samples, r.percent]));
