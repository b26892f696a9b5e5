// Reading a V8 .cpuprofile: self time by function (top N), inclusive time of the functions in this
// repository's packages and apps, and where the time of a request goes, by area (crypto, Node's HTTP
// internals, framework, adapter, engine, …).
import { fileURLToPath } from 'node:url';

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

/** The area a sample's own frame belongs to, from its URL (or V8's pseudo-frame name). */
export function areaOf(frame) {
  const { functionName: fn, url } = frame;
  if (fn === '(idle)') return 'idle';
  if (fn === '(garbage collector)') return 'garbage collector';
  if (fn === '(program)') return 'V8 and native code outside JavaScript (program)';
  if (url.startsWith('node:internal/crypto')) return 'node:crypto (signatures, hashes, random)';
  if (url.startsWith('node:')) return "Node's internals (HTTP, streams, events, URL)";
  if (url === '') return 'native without a script (socket writes, microtask queue, …)';
  if (url.includes('/node_modules/')) return where(url).startsWith('jose/') ? 'jose' : 'framework and other dependencies (node_modules)';
  const path = where(url);
  if (path.startsWith('packages/core/')) return 'engine (packages/core)';
  if (path.startsWith('packages/')) return 'adapter (packages/<framework>)';
  if (path.startsWith('apps/')) return 'demo app and demo-kit (apps/)';
  return 'other';
}

/**
 * Where the profiled process's time went, by area: rows { area, samples, percent (of busy samples),
 * microsPerRequest } sorted by samples, idle left out, and the busy microseconds per request in all.
 * `requests`: how many requests the process served while it was profiled.
 */
export function areasOfProfile(profile, requests) {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts = new Map();
  for (const id of profile.samples) {
    const name = areaOf(nodes.get(id).callFrame);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const microsPerSample = (profile.endTime - profile.startTime) / profile.samples.length;
  const busy = profile.samples.length - (counts.get('idle') ?? 0);
  const perRequest = (samples) => +((samples * microsPerSample) / requests).toFixed(1);
  const rows = [...counts]
    .filter(([name]) => name !== 'idle')
    .sort((a, b) => b[1] - a[1])
    .map(([area, samples]) => ({ area, samples, percent: +((100 * samples) / busy).toFixed(1), microsPerRequest: perRequest(samples) }));
  return { rows, busyMicrosPerRequest: perRequest(busy), idlePercent: +((100 * (counts.get('idle') ?? 0)) / profile.samples.length).toFixed(1) };
}
