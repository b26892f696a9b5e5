// CPU profile of one server's token endpoint under load: the server child runs with --cpu-prof while
// the load generator sends unique client_credentials + private_key_jwt requests (a warm-up, then a run
// of about `seconds`), pinned like the pinned scenario when asked. Used by tools/profile.mjs and the
// profiles scenario.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { BENCH_ISSUER, clientCredentialsBodies, clientKey } from './assertions.mjs';
import { areasOfProfile, summariseProfile } from './cpu-profile.mjs';
import { runLoad, SPARE_BODIES } from './load.mjs';
import { asLoadGenerator, requireTaskset, serverPin } from './pinning.mjs';
import { startServerProcess } from './server-process.mjs';
import { clientIdAt, writeTrustConfig } from './trust-config.mjs';

/** Where profiles and their summaries go. */
export const PROFILES_DIR = new URL('../results/profiles/', import.meta.url);

/**
 * Profiles `demo` (a built demo app's name, 'baseline' or 'oidc-provider'). Writes
 * results/profiles/<demo>.cpuprofile and <demo>-summary.json; resolves { demo, pinned, load, requests,
 * summary, areas } (`requests`: all the profiled process served, warm-up included).
 */
export async function profileServer({ demo, seconds, pinned, warmupRequests = 3000, top = 25 }) {
  if (pinned) requireTaskset();
  await mkdir(PROFILES_DIR, { recursive: true });
  const key = clientKey();
  const configPath = await writeTrustConfig(key.publicJwk, { count: 1 });
  const bodies = (count) => clientCredentialsBodies(key, count + SPARE_BODIES, () => clientIdAt(0));
  const spec =
    demo === 'baseline' || demo === 'oidc-provider'
      ? { kind: demo, issuer: BENCH_ISSUER, clientId: clientIdAt(0), publicJwk: key.publicJwk }
      : { kind: 'demo', demo, issuer: BENCH_ISSUER, configPath };
  const server = await startServerProcess(spec, {
    execArgv: ['--cpu-prof', '--cpu-prof-dir', fileURLToPath(PROFILES_DIR), '--cpu-prof-name', `${demo}.cpuprofile`, '--cpu-prof-interval', '250'],
    pin: serverPin(pinned),
  });
  let warm;
  let load;
  try {
    const run = async () => {
      warm = await runLoad(server.url, bodies(warmupRequests));
      load = await runLoad(server.url, bodies(Math.max(500, Math.round(warm.rps * seconds))));
    };
    await asLoadGenerator(pinned, run);
    if (!warm.valid || !load.valid) throw new Error(`${demo}: invalid run: ${load.non2xx} non-2xx, ${load.errors} errors`);
  } finally {
    await server.stop();
  }
  const profile = JSON.parse(await readFile(new URL(`${demo}.cpuprofile`, PROFILES_DIR), 'utf8'));
  const requests = warm.requests + load.requests;
  const result = { demo, pinned, load, requests, summary: summariseProfile(profile, { top }), areas: areasOfProfile(profile, requests) };
  await writeFile(new URL(`${demo}-summary.json`, PROFILES_DIR), JSON.stringify(result, null, 2) + '\n');
  return result;
}
