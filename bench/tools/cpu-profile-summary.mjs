// Summarises a V8 .cpuprofile: self time by function (top N), and inclusive time of the functions in
// this repository's packages and apps. Usage: node bench/tools/cpu-profile-summary.mjs <file.cpuprofile> [top]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isMain } from '../lib/section.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** `file:///work/main/packages/core/dist/x.js` → `packages/core/dist/x.js`; node internals and deps shortened. */
function where(url) {
  if (url === '') return '';
  let path = url.startsWith('file://') ? fileURLToPath(url) : url;
  if (path.startsWith(ROOT)) path = path.slice(ROOT.length);
  const nm = path.lastIndexOf('node_modules/');
  return nm >= 0 ? path.slice(nm + 'node_modules/'.length) : path;
}

const label = (frame) => `${where(frame.url)}${frame.url ? ':' : ''}${frame.functionName || '(anonymous)'}${frame.url ? `:${frame.lineNumber + 1}` : ''}`;

/** { total, self: [{ name, samples, percent }], inclusive: [...] } of a parsed profile. */
export function summariseProfile(profile, { top = 25, inclusiveFilter = (name) => /^(packages|apps)\//.test(name) } = {}) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfCount = new Map();
  const inclusiveCount = new Map();
  const idleIds = new Set(profile.nodes.filter((n) => n.callFrame.functionName === '(idle)').map((n) => n.id));
  let busy = 0;
  for (const id of profile.samples) {
    const node = nodes.get(id);
    const name = label(node.callFrame);
    selfCount.set(name, (selfCount.get(name) ?? 0) + 1);
    if (idleIds.has(id)) continue;
    busy++;
    // Inclusive: every distinct function on the stack gets the sample once.
    const seen = new Set();
    for (let n = id; n !== undefined; n = parent.get(n)) {
      const fn = label(nodes.get(n).callFrame);
      if (!seen.has(fn)) {
        seen.add(fn);
        inclusiveCount.set(fn, (inclusiveCount.get(fn) ?? 0) + 1);
      }
    }
  }
  const total = profile.samples.length;
  const rows = (map, of) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .map(([name, samples]) => ({ name, samples, percent: +((100 * samples) / of).toFixed(1) }));
  return {
    total,
    busy,
    self: rows(selfCount, total).slice(0, top),
    inclusive: rows(inclusiveCount, busy).filter((r) => inclusiveFilter(r.name)).slice(0, top),
  };
}

if (isMain(import.meta.url)) {
  const summary = summariseProfile(JSON.parse(readFileSync(process.argv[2], 'utf8')), { top: Number(process.argv[3] ?? 25) });
  console.log(JSON.stringify(summary, null, 2));
}
