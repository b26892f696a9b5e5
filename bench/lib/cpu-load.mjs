// How much CPU processes other than the benchmark used during a run (Linux /proc), so that a
// figure measured while the shared machine was busy can be recognised as such.
import { readFileSync } from 'node:fs';

function processTicks(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime + stime, all threads
  } catch {
    return 0;
  }
}

/** CPU counters now: machine-wide busy and total ticks, and the ticks of `pids` (ours). Null off Linux. */
export function cpuSnapshot(pids) {
  try {
    const [, ...values] = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0].trim().split(/\s+/);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = values.map(Number);
    const busy = user + nice + system + irq + softirq + steal;
    return { busy, total: busy + idle + iowait, ours: pids.reduce((sum, pid) => sum + processTicks(pid), 0) };
  } catch {
    return null;
  }
}

/** Cores' worth of CPU that other processes used between two snapshots (e.g. 0.4), or null. */
export function foreignCores(before, after, cpus) {
  if (before === null || after === null) return null;
  const elapsed = (after.total - before.total) / cpus;
  if (elapsed <= 0) return null;
  return Math.max(0, +((after.busy - before.busy - (after.ours - before.ours)) / elapsed).toFixed(2));
}
