#!/usr/bin/env node
// The per-file table of mutation scores in docs/testing.md, computed from the committed incremental
// report (what Stryker recorded, not a copy): killed and timed-out mutants over all that ran.
// Ignored mutants (static ones, and equivalent ones marked with a `// Stryker disable` comment) and
// runtime errors are not in the score, as in Stryker's own figure.
// Usage: node scripts/mutation-scores.mjs [--write]   (--write replaces the table in docs/testing.md)
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const REPORT = `${root}reports/stryker-incremental.json`;
const DOC = `${root}docs/testing.md`;
const START = '<!-- mutation-table -->';
const END = '<!-- /mutation-table -->';

/** Counts per status of one file's mutants; `equivalent` are those a disable comment leaves out. */
export function countMutants(mutants) {
  const c = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, equivalent: 0, static: 0, errors: 0 };
  for (const m of mutants) {
    if (m.status === 'Killed') c.killed++;
    else if (m.status === 'Timeout') c.timeout++;
    else if (m.status === 'Survived') c.survived++;
    else if (m.status === 'NoCoverage') c.noCoverage++;
    else if (m.status === 'Ignored') (String(m.statusReason).startsWith('Static mutant') ? c.static++ : c.equivalent++);
    else c.errors++;
  }
  return c;
}

/** Stryker's mutation score: detected (killed, timed out) over detected and undetected, in percent. */
export function score(c) {
  const valid = c.killed + c.timeout + c.survived + c.noCoverage;
  return valid === 0 ? 100 : (100 * (c.killed + c.timeout)) / valid;
}

/** Rounded down to two decimals, so a score never reads above the threshold it is under. */
const percent = (value) => `${Math.floor(value * 100) / 100}%`;

/** The markdown table for a report: one row per mutated file, then the total the break threshold applies to. */
export function scoreTable(report) {
  const rows = ['| file | score | killed | timed out | survived | no coverage | equivalent (disable comment) | static (ignored) |', '| --- | --- | --- | --- | --- | --- | --- | --- |'];
  const total = countMutants([]);
  for (const file of Object.keys(report.files).sort()) {
    const c = countMutants(report.files[file].mutants);
    for (const k of Object.keys(total)) total[k] += c[k];
    rows.push(`| \`${file}\` | ${percent(score(c))} | ${c.killed} | ${c.timeout} | ${c.survived} | ${c.noCoverage} | ${c.equivalent} | ${c.static} |`);
  }
  rows.push(`| **all** (the break threshold applies here) | **${percent(score(total))}** | ${total.killed} | ${total.timeout} | ${total.survived} | ${total.noCoverage} | ${total.equivalent} | ${total.static} |`);
  return rows.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const table = scoreTable(JSON.parse(readFileSync(REPORT, 'utf8')));
  if (!process.argv.includes('--write')) {
    console.log(table);
  } else {
    const doc = readFileSync(DOC, 'utf8');
    const from = doc.indexOf(START);
    const to = doc.indexOf(END);
    if (from === -1 || to < from) throw new Error(`${DOC} has no ${START} … ${END} section`);
    writeFileSync(DOC, `${doc.slice(0, from + START.length)}\n${table}\n${doc.slice(to)}`);
  }
}
