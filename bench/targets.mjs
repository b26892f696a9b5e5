// The speed and size targets (issues 12 and 13), checked against one run's results. The thresholds
// live here and nowhere else; RESULTS.md shows them with the measured figures.

/** Thresholds: ratios are the demo's figure divided by the peer's (or the floor's), losses fractions. */
export const TARGETS = Object.freeze({
  /** Pinned req/s of every demo over the thin Express 5 + jose baseline's, at least. */
  pinnedRpsVsBaseline: 1.2,
  /** Pinned req/s of every demo over node-oidc-provider's, at least. */
  pinnedRpsVsOidcProvider: 1.5,
  /** Pinned p99 of every demo over the baseline's (each server's median p99 over the rounds), at most. */
  pinnedP99VsBaseline: 1.0,
  /** Engine, one call at a time, over the node:crypto floor, at least, by algorithm. */
  engineVsFloor: Object.freeze({ RS256: 0.6, ES256: 0.8 }),
  /** A client's first request: its extra cost over a later request divided by what node:crypto pays for a new key (import and first use), at most. */
  firstRequestExtraVsNewKey: 1.0,
  /** req/s lost with 100,000 clients or 1,000,000 replay entries, at most. */
  scaleLoss: 0.1,
  /** Heap bytes per live entry of the in-memory replay store, at most. */
  replayBytesPerEntry: 100,
  /** Ten CEL claim conditions: grants per second over none, at least (rule W2). */
  conditionsVsNone: 0.95,
});

const x = (n) => `${n.toFixed(2)}x`;
const check = (name, measured, format, target, met, note) => ({ name, measured, format, target, met, ...(note ? { note } : {}) });
const INVALID = 'INVALID: some responses were not 2xx';

function pinnedTargets(pinned) {
  const out = [];
  for (const d of pinned.demos) {
    if (d.skipped) {
      out.push(check(`${d.demo}: pinned rps vs baseline`, 'not measured', 'text', `>= ${x(TARGETS.pinnedRpsVsBaseline)}`, false, `skipped: ${d.skipped}`));
      continue;
    }
    const note = d.valid ? undefined : INVALID;
    const { vsBaseline: b, vsOidcProvider: o } = d;
    out.push(check(`${d.demo}: pinned rps vs thin baseline`, b.rps, 'ratio', `>= ${x(TARGETS.pinnedRpsVsBaseline)}`, d.valid && b.rps >= TARGETS.pinnedRpsVsBaseline, note));
    out.push(check(`${d.demo}: pinned rps vs node-oidc-provider`, o.rps, 'ratio', `>= ${x(TARGETS.pinnedRpsVsOidcProvider)}`, d.valid && o.rps >= TARGETS.pinnedRpsVsOidcProvider, note));
    const p99Note = note ?? `the medians of p99 over the rounds; median of the round-by-round ratios ${x(b.p99Paired)}`;
    out.push(check(`${d.demo}: pinned p99 vs thin baseline`, b.p99, 'ratio', `<= ${x(TARGETS.pinnedP99VsBaseline)}`, d.valid && b.p99 <= TARGETS.pinnedP99VsBaseline, p99Note));
  }
  return out;
}

/** One entry per target: { name, measured, format: 'ratio'|'percent'|'bytes'|'text', target, met, note? }. Sections that did not run are left out. */
export function checkTargets(results) {
  const out = [];
  if (results.pinned) out.push(...pinnedTargets(results.pinned));
  for (const [alg, min] of Object.entries(TARGETS.engineVsFloor)) {
    const row = results.engine?.find((r) => r.alg === alg && r.mode === 'one at a time' && r.impl === 'engine');
    if (row) out.push(check(`engine ${alg} one at a time vs node:crypto floor`, row.ratio, 'ratio', `>= ${x(min)}`, row.ratio >= min));
  }
  if (results.firstRequest) {
    const f = results.firstRequest;
    const note = `importKeys at-start-up: first ${f.firstMicros} us, later ${f.warmMicros} us, new key ${f.keyMicros} us; on-first-use: ${x(f.onFirstUse.newKeyRatio)} (first ${f.onFirstUse.firstMicros} us, later ${f.onFirstUse.warmMicros} us)`;
    out.push(check('first request of a client (default importKeys): extra cost over a later one / a new key to node:crypto', f.newKeyRatio, 'ratio', `<= ${x(TARGETS.firstRequestExtraVsNewKey)}`, f.newKeyRatio <= TARGETS.firstRequestExtraVsNewKey, note));
  }
  if (results.scale) {
    const invalid = results.scale.valid ? undefined : INVALID;
    const clients = results.scale.configs.find((c) => c.name === 'manyClients');
    const replay = results.scale.configs.find((c) => c.name === 'manyReplayEntries');
    const note = (c) => invalid ?? (c.quietRpsLoss === null ? undefined : `quiet rounds: ${(c.quietRpsLoss * 100).toFixed(1)}%`);
    const wanted = `<= ${TARGETS.scaleLoss * 100}%`;
    out.push(check(`rps loss, 10 -> ${clients.label.split(' ')[0]} clients`, results.scale.clientsLoss, 'percent', wanted, results.scale.valid && results.scale.clientsLoss <= TARGETS.scaleLoss, note(clients)));
    out.push(check(`rps loss, 0 -> ${replay.label.split(', ')[1].split(' ')[0]} replay entries`, results.scale.replayLoss, 'percent', wanted, results.scale.valid && results.scale.replayLoss <= TARGETS.scaleLoss, note(replay)));
  }
  if (results.replayMemory) {
    const bytes = results.replayMemory.bytesPerEntry;
    out.push(check('in-memory replay store, bytes per live entry', bytes, 'bytes', `<= ${TARGETS.replayBytesPerEntry} B`, bytes <= TARGETS.replayBytesPerEntry));
  }
  for (const row of results.conditions?.rows.filter((r) => r.scenario === 'ten claim_conditions') ?? []) {
    out.push(check(`ten claim conditions vs none, ${row.mode}`, row.ratio, 'ratio', `>= ${x(TARGETS.conditionsVsNone)}`, row.ratio >= TARGETS.conditionsVsNone));
  }
  return out;
}

/** A target's measured figure as text: `1.23x`, `3.4%`, `61.5 B`. */
export function showMeasured(t) {
  if (t.format === 'ratio') return x(t.measured);
  if (t.format === 'percent') return `${(t.measured * 100).toFixed(1)}%`;
  if (t.format === 'bytes') return `${t.measured} B`;
  return String(t.measured);
}
