// CPU pinning with taskset (util-linux): the pinned scenario runs each server, its libuv thread pool
// included, on one core and the load generator on the other, so that a figure is the server's cost per
// core and does not depend on how much of the second core the load generator leaves to the thread pool.
import { execFileSync } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

/** The core every pinned server runs on. */
export const SERVER_CORE = '0';
/** The core the load generator (this process) runs on while servers are pinned. */
export const LOAD_CORE = '1';

/**
 * Path of taskset; throws, saying what is missing, when it is not on PATH, when there are fewer than 2
 * cores, or when this process may not run on both the servers' and the load generator's core (a cpuset).
 */
export function requireTaskset() {
  let path;
  try {
    path = execFileSync('sh', ['-c', 'command -v taskset'], { encoding: 'utf8' }).trim();
  } catch {
    path = '';
  }
  if (path === '') throw new Error('the pinned scenario needs taskset on PATH (util-linux; Debian/Ubuntu: apt-get install util-linux)');
  if (cpus().length < 2) throw new Error(`the pinned scenario needs 2 cores (one for the servers, one for the load generator); this machine has ${cpus().length}`);
  const allowed = affinity(process.pid);
  const cores = coresOf(allowed);
  if (!cores.has(Number(SERVER_CORE)) || !cores.has(Number(LOAD_CORE))) {
    throw new Error(`the pinned scenario needs cores ${SERVER_CORE} and ${LOAD_CORE}; this process may run on ${allowed} only`);
  }
  return path;
}

/**
 * For a diagnostic tool (bench/tools/) that must run on one CPU, as the engine section does: exits with
 * status 2, saying how to start `file` (its path under bench/tools/), when this process may use more.
 */
export function exitUnlessOneCpu(file) {
  if (availableParallelism() === 1) return;
  console.error(`${file}: run it on one CPU (taskset -c ${SERVER_CORE} node bench/tools/${file})`);
  process.exit(2);
}

/** The cores of a taskset list such as '0,1', '0-3' or '0-2,5'. */
export function coresOf(list) {
  const cores = new Set();
  for (const part of list.split(',')) {
    const [from, to = from] = part.split('-').map(Number);
    for (let core = from; core <= to; core++) cores.add(core);
  }
  return cores;
}

/** The cores `pid` may run on, as taskset's list (e.g. '0,1' or '0-1'). */
export function affinity(pid) {
  return /:\s*(\S+)\s*$/.exec(execFileSync('taskset', ['-c', '-p', String(pid)], { encoding: 'utf8' }))[1];
}

/** Pins every thread of `pid` (taskset -a) to `cores`. */
export function pinProcess(pid, cores) {
  execFileSync('taskset', ['-a', '-c', '-p', cores, String(pid)], { stdio: 'ignore' });
}

/** The command and arguments that start `argv` pinned to `cores` from its first instruction. */
export const pinnedCommand = (cores, argv) => ['taskset', ['-c', cores, ...argv]];

/** Runs `fn` with this process (every thread) pinned to `cores`, then restores its former affinity. */
export async function withPinnedSelf(cores, fn) {
  const before = affinity(process.pid);
  pinProcess(process.pid, cores);
  try {
    return await fn();
  } finally {
    pinProcess(process.pid, before);
  }
}

/** startServerProcess's `pin` option for a server of a pinned section: SERVER_CORE when `pinned`, else none. */
export const serverPin = (pinned) => (pinned ? SERVER_CORE : undefined);

/** Runs the load generator `fn` on LOAD_CORE when `pinned` (see withPinnedSelf), else wherever this process runs. */
export const asLoadGenerator = (pinned, fn) => (pinned ? withPinnedSelf(LOAD_CORE, fn) : fn());

/** Whether this machine can pin (see requireTaskset). */
export function canPin() {
  try {
    requireTaskset();
    return true;
  } catch {
    return false;
  }
}

/** Set in the environment of a scenario re-started pinned by {@link onOneCore}. */
const PINNED_CHILD = 'RFC7523_BENCH_PINNED_CHILD';

/** How the line with a re-started scenario's JSON result begins (printed by runAlone). */
export const RESULT_PREFIX = '@@result ';

/**
 * An in-process scenario's figures as one core gives them, as the pinned servers' are: when this machine
 * can pin (see canPin), the scenario file at `moduleUrl` is started again under `taskset -c 0` from its
 * first instruction (so that node:crypto's thread pool and the engine's thread-pool policy see one CPU,
 * as a pinned server's do) with these `settings`, and its result comes back as JSON on the stdout line
 * that begins with RESULT_PREFIX (see runAlone); otherwise, or in that child, `fn(pinned)` runs here.
 * The child gets `--quick` when this process has it.
 */
export function onOneCore(moduleUrl, settings, fn) {
  if (process.env[PINNED_CHILD] === '1') return fn(true);
  if (!canPin()) return fn(false);
  const out = execFileSync('taskset', ['-c', SERVER_CORE, process.execPath, fileURLToPath(moduleUrl), `--settings=${JSON.stringify(settings)}`, ...(process.argv.includes('--quick') ? ['--quick'] : [])], {
    encoding: 'utf8',
    env: { ...process.env, [PINNED_CHILD]: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 256 * 1024 * 1024,
  });
  const line = out.split('\n').find((l) => l.startsWith(RESULT_PREFIX));
  if (line === undefined) throw new Error(`${fileURLToPath(moduleUrl)} re-started pinned printed no result line`);
  return JSON.parse(line.slice(RESULT_PREFIX.length));
}

/** Where an in-process section ran, by the `pinned` flag {@link onOneCore} gave it (table titles, method text). */
export const whereRan = (pinned) =>
  pinned ? 'in a process pinned to core 0 from its start, its thread pool too' : 'unpinned (cannot pin: no taskset, one core, or cores 0 and 1 not both allowed)';
