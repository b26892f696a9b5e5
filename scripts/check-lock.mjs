#!/usr/bin/env node
// Fails when package-lock.json is incomplete: every optional dependency of every locked package (the
// per-platform binaries of @swc/core, resolver bindings…) must have an entry of its own, with a version
// and an integrity hash. `resolved` may be absent: npm here runs with omit-lockfile-registry-resolved=true.
// `npm ci` refuses a lock that lacks such entries (EUSAGE "Missing: … from lock file"), although
// `npm install` on one platform quietly leaves the other platforms' binaries out.
// Usage: node scripts/check-lock.mjs [path/to/package-lock.json]
import { readFileSync } from 'node:fs';

const file = process.argv[2] ?? new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(file, 'utf8'));
const packages = lock.packages ?? {};

/** Where Node would find `name` from the package at `path`: the nearest node_modules going up. */
function resolve(path, name) {
  let base = path;
  for (;;) {
    const candidate = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
    if (candidate in packages) return candidate;
    if (base === '') return undefined;
    const up = base.lastIndexOf('/node_modules/');
    base = up === -1 ? '' : base.slice(0, up);
  }
}

const problems = [];
for (const [path, entry] of Object.entries(packages)) {
  for (const name of Object.keys(entry.optionalDependencies ?? {})) {
    const found = resolve(path, name);
    if (found === undefined) problems.push(`${name} (optional dependency of ${path || 'the root'}) has no entry`);
    else if (!packages[found].link && (!packages[found].version || !packages[found].integrity)) {
      problems.push(`${found} has no version or integrity hash`);
    }
  }
}
if (lock.lockfileVersion !== 3) problems.push(`lockfileVersion is ${lock.lockfileVersion}, expected 3 (npm 9 or later)`);
if (problems.length > 0) {
  console.error(`package-lock.json is incomplete; "npm ci" would refuse it. Run "npm install --package-lock-only" on npm 11 and commit:\n  ${problems.slice(0, 20).join('\n  ')}${problems.length > 20 ? `\n  … and ${problems.length - 20} more` : ''}`);
  process.exit(1);
}
console.log(`package-lock.json lists every optional platform binary (${Object.keys(packages).length} entries)`);
