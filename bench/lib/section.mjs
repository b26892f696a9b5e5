// What every scenario file exports, and how one runs on its own.
//
// A section: { name, optional?, settings: { quick, full }, run(settings, { log, quick }) → result,
// tables(result, settings) → [{ title, header, rows }] }. run.mjs runs the sections in order; a
// scenario file started directly (`node bench/scenarios/dpop.mjs [--quick] [--reps=N]`) runs its own.
import { pathToFileURL } from 'node:url';
import { RESULT_PREFIX } from './pinning.mjs';
import { argValue } from './stats.mjs';
import { printTable } from './table.mjs';

/** True when the module at `url` is the script Node was started with. */
export const isMain = (url) => process.argv[1] !== undefined && url === pathToFileURL(process.argv[1]).href;

/** The settings of `section` for this command line: quick or full, `--reps=N` overriding reps or rounds. */
export function settingsFor(section, quick) {
  const settings = { ...section.settings[quick ? 'quick' : 'full'] };
  const reps = argValue('reps', undefined);
  if (reps !== undefined) settings[settings.rounds !== undefined ? 'rounds' : 'reps'] = Number(reps);
  return settings;
}

/**
 * Runs one section and prints its tables (a scenario file started on its own). Given `--settings=<JSON>`
 * (a scenario re-started pinned: lib/pinning.mjs, onOneCore), runs with those settings and prints the
 * result as one JSON line (after RESULT_PREFIX) instead.
 */
export async function runAlone(section) {
  const quick = process.argv.includes('--quick');
  const given = argValue('settings', undefined);
  const settings = given === undefined ? settingsFor(section, quick) : JSON.parse(given);
  const result = await section.run(settings, { log: (line) => console.error(line), quick });
  if (given !== undefined) console.log(`${RESULT_PREFIX}${JSON.stringify(result)}`);
  else for (const table of section.tables(result, settings)) printTable(table.title, table.header, table.rows);
  return result;
}

/**
 * A section: its `name` (what --only names), the `log` line printed when it starts, its settings for
 * --quick and for a full run, `run(settings, { log, quick })` and `tables(result, settings)`.
 * An optional section runs only when --only names it.
 */
export const defineSection = (name, log, settings, run, tables, { optional = false } = {}) => ({ name, log, settings, run, tables, optional });
