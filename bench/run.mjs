// Runs the benchmark scenarios in sequence, prints one table per section, checks the targets
// (targets.mjs), and writes the results:
//
//   npm run bench                          # builds first; every default section
//   node bench/run.mjs --quick             # smoke run: results/latest-quick.{json,md}, charts in results/quick-charts/
//   node bench/run.mjs --only=pinned,engine   # some sections: results/latest-pinned+engine.{json,md}
//
// A run that is not --quick and includes the pinned section writes its charts to bench/charts/ (committed;
// RESULTS.md embeds them); a full run (every default section, not --quick) also replaces the "Latest
// run" section of bench/RESULTS.md between its markers. Sections: the scenario files in scenarios/,
// named by their `section.name`; the optional ones run only when --only names them.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { pinnedCharts } from './lib/charts.mjs';
import { CONNECTIONS } from './lib/load.mjs';
import { machine } from './lib/machine.mjs';
import { requireTaskset } from './lib/pinning.mjs';
import { latestMarkdown, replaceLatest } from './lib/report.mjs';
import { settingsFor } from './lib/section.mjs';
import { printTable } from './lib/table.mjs';
import { section as conditions } from './scenarios/conditions.mjs';
import { section as cryptoCosts } from './scenarios/crypto-costs.mjs';
import { section as dpop } from './scenarios/dpop.mjs';
import { section as engine } from './scenarios/engine.mjs';
import { section as enumeration } from './scenarios/enumeration-timing.mjs';
import { section as firstRequest } from './scenarios/first-request.mjs';
import { section as http } from './scenarios/http.mjs';
import { section as pinned } from './scenarios/pinned.mjs';
import { section as profiles } from './scenarios/profiles.mjs';
import { section as redis } from './scenarios/redis-latency.mjs';
import { section as redisScale } from './scenarios/redis-scale.mjs';
import { section as replayMemory } from './scenarios/replay-memory.mjs';
import { section as scale } from './scenarios/scale.mjs';
import { checkTargets, showMeasured, TARGETS } from './targets.mjs';

/** Every section in the order it runs. */
const ALL = [engine, firstRequest, cryptoCosts, replayMemory, redis, pinned, profiles, http, scale, enumeration, redisScale, dpop, conditions];
const DEFAULT = ALL.filter((s) => !s.optional).map((s) => s.name);

const quick = process.argv.includes('--quick');
const onlyArg = process.argv.find((a) => a.startsWith('--only='));
const only = onlyArg ? onlyArg.slice('--only='.length).split(',') : DEFAULT;
for (const name of only) {
  if (!ALL.some((s) => s.name === name)) {
    throw new Error(`unknown section ${name}; sections: ${DEFAULT.join(', ')}; optional: ${ALL.filter((s) => s.optional).map((s) => s.name).join(', ')}`);
  }
}
const allDefault = DEFAULT.every((name) => only.includes(name));
const full = !quick && allDefault;
// Fail before the other sections, not after: the pinned and profiles sections need taskset and 2 cores.
if (only.includes('pinned') || only.includes('profiles')) requireTaskset();
const sections = ALL.filter((s) => only.includes(s.name));

const log = (line) => console.error(line);
const started = Date.now();
const settings = Object.fromEntries(sections.map((s) => [s.name, settingsFor(s, quick)]));
const results = { machine: machine(), quick, connections: CONNECTIONS, settings, targetThresholds: TARGETS };
log(`rfc7523 benchmarks${quick ? ' (--quick)' : ''}: ${results.machine.cpu}, ${results.machine.nproc} CPUs, Node ${results.machine.node}, load ${results.machine.loadAverage.join(' ')}`);

const tables = [];
for (const section of sections) {
  log(section.log);
  results[section.name] = await section.run(settings[section.name], { log, quick });
  for (const table of section.tables(results[section.name], settings[section.name])) {
    tables.push(table);
    printTable(table.title, table.header, table.rows);
  }
}

results.targets = checkTargets(results);
if (results.targets.length > 0) {
  const table = {
    title: quick ? 'Targets (--quick is a smoke run: runs too short to judge the targets by)' : 'Targets',
    header: ['target', 'measured', 'wanted', 'met'],
    rows: results.targets.map((t) => [t.name, showMeasured(t), t.target, (t.met ? 'met' : 'NOT MET') + (t.note ? ` (${t.note})` : '')]),
  };
  printTable(table.title, table.header, table.rows);
}

results.seconds = Math.round((Date.now() - started) / 1000);
results.machine.loadAverageAtEnd = loadavg().map((x) => +x.toFixed(2));

// Where things go: a smoke run or a run of some sections keeps the full run's files intact.
const suffix = `${quick ? '-quick' : ''}${allDefault ? '' : `-${only.join('+')}`}`;
const resultsDir = new URL('./results/', import.meta.url);
const chartsDir = quick ? new URL(`./results/charts${suffix}/`, import.meta.url) : new URL('./charts/', import.meta.url);

const charts = pinnedCharts(results.pinned, { baseline: TARGETS.pinnedRpsVsBaseline, oidcProvider: TARGETS.pinnedRpsVsOidcProvider });
// Links relative to the file that holds them: bench/results/latest*.md, or bench/RESULTS.md.
const chartLinks = (base) => charts.map((c) => ({ alt: c.alt, link: `${base}${quick ? `results/charts${suffix}/` : 'charts/'}${c.file}` }));
await mkdir(resultsDir, { recursive: true });
if (charts.length > 0) await mkdir(chartsDir, { recursive: true });
for (const chart of charts) await writeFile(new URL(chart.file, chartsDir), chart.svg);
const command = `node bench/run.mjs${quick ? ' --quick' : ''}${onlyArg ? ` ${onlyArg}` : ''}`;
const fragment = (base) => latestMarkdown({ results, tables, charts: chartLinks(base), command });
await writeFile(new URL(`latest${suffix}.json`, resultsDir), JSON.stringify(results, null, 2) + '\n');
await writeFile(new URL(`latest${suffix}.md`, resultsDir), fragment('../') + '\n');
const written = [`bench/results/latest${suffix}.json`, `bench/results/latest${suffix}.md`];
if (charts.length > 0) written.push(`${charts.length} charts in bench/${quick ? `results/charts${suffix}` : 'charts'}/`);
if (full) {
  const resultsMd = new URL('./RESULTS.md', import.meta.url);
  await writeFile(resultsMd, replaceLatest(await readFile(resultsMd, 'utf8'), fragment('')));
  written.push('the "Latest run" section of bench/RESULTS.md');
}
log(`\nDone in ${results.seconds} s; wrote ${written.join(', ')}`);
