#!/usr/bin/env node
// Merges incremental mutation reports of file-by-file runs (`npx stryker run --mutate <file>
// --incrementalFile <part>.json`) into one, so the next run of the whole configuration reuses them all
// (docs/testing.md). A report numbers its tests itself; the merge renumbers them by test file and name.
// A later report wins for a source file or test file both have.
// Usage: node scripts/merge-mutation-reports.mjs <out.json> <part.json>...
import { readFileSync, writeFileSync } from 'node:fs';

const [out, ...parts] = process.argv.slice(2);
if (out === undefined || parts.length === 0) {
  console.error('usage: node scripts/merge-mutation-reports.mjs <out.json> <part.json>...');
  process.exit(2);
}
const reports = parts.map((file) => JSON.parse(readFileSync(file, 'utf8')));
const last = reports.at(-1);

/** Test key (file and name) → id in the merged report. Test files are the union of the reports' (a later
 *  report wins for a file several have), so a mutant killed in one part keeps its killing test. */
const ids = new Map();
const testFiles = {};
const latest = {};
for (const report of reports) Object.assign(latest, report.testFiles ?? {});
for (const [file, { tests, ...rest }] of Object.entries(latest)) {
  testFiles[file] = {
    ...rest,
    tests: tests.map((test) => {
      const id = String(ids.size);
      ids.set(`${file}\0${test.name}`, id);
      return { ...test, id };
    }),
  };
}

const files = {};
for (const report of reports) {
  const local = new Map();
  for (const [file, { tests }] of Object.entries(report.testFiles ?? {})) {
    for (const test of tests) local.set(test.id, ids.get(`${file}\0${test.name}`));
  }
  const remap = (list) => list?.map((id) => local.get(id)).filter((id) => id !== undefined);
  for (const [file, result] of Object.entries(report.files)) {
    files[file] = { ...result, mutants: result.mutants.map((m) => ({ ...m, coveredBy: remap(m.coveredBy), killedBy: remap(m.killedBy) })) };
  }
}
writeFileSync(out, `${JSON.stringify({ ...last, files, testFiles }, null, 2)}\n`);
console.log(`${out}: ${Object.keys(files).length} source files, ${Object.values(files).reduce((n, f) => n + f.mutants.length, 0)} mutants, ${ids.size} tests`);
