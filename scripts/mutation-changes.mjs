#!/usr/bin/env node
// Lists the files that differ from the committed incremental mutation report (stryker.config.mjs,
// docs/testing.md): files to mutate and test files whose text is not the one the report was made
// from, new ones, and ones the report has that are gone. No output means the report is current, so
// an incremental Stryker run would re-test nothing; CI then skips it.
// Usage: node scripts/mutation-changes.mjs [path/to/stryker-incremental.json]
import { existsSync, globSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
process.chdir(root);
const { default: config } = await import(new URL('../stryker.config.mjs', import.meta.url).href);
const reportFile = process.argv[2] ?? config.incrementalFile;
const report = existsSync(reportFile) ? JSON.parse(readFileSync(reportFile, 'utf8')) : { files: {}, testFiles: {} };

/** Sorted paths, relative to the root, matching `patterns` (a leading `!` excludes; a `:lines` range is dropped). */
function expand(globs) {
  const patterns = globs.map((p) => p.replace(/:\d[\d:-]*$/, ''));
  const exclude = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1));
  const include = patterns.filter((p) => !p.startsWith('!'));
  return globSync(include, { exclude: (path) => exclude.some((pattern) => globSync(pattern).includes(path)) }).sort();
}

/** Paths whose text differs from `known` (path → source in the report), or that only one side has. */
function changed(current, known) {
  const out = current.filter((path) => known[path]?.source !== readFileSync(path, 'utf8'));
  for (const path of Object.keys(known)) if (!current.includes(path)) out.push(path);
  return out;
}

const sources = expand(config.mutate);
const tests = expand(config.jest.config.testMatch.map((p) => p.replace('<rootDir>/', '')));
const result = [...changed(sources, report.files ?? {}), ...changed(tests, report.testFiles ?? {})];
for (const path of [...new Set(result)].sort()) console.log(path);
