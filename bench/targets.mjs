// The speed targets, checked against one run's results.

const check = (name, measured, target, met, note) => ({ name, measured, target, met, ...(note ? { note } : {}) });

/** One entry per target: { name, measured, target, met, note? }. Sections that did not run are left out. */
export function checkTargets(results) {
  const out = [];
  for (const row of results.http ?? []) {
    if (row.skipped) {
      out.push(check(`${row.demo}: token endpoint rps vs baseline`, 'not measured', '>= 1.00x', false, `skipped: ${row.skipped}`));
      continue;
    }
    const quiet = (ratio) => (ratio === null ? undefined : `quiet rounds: ${ratio.toFixed(2)}x`);
    const note = (ratio) => (row.valid ? quiet(ratio) : 'INVALID: some responses were not 2xx');
    out.push(check(`${row.demo}: token endpoint rps vs baseline`, row.rpsRatio, '>= 1.00x', row.valid && row.rpsRatio >= 1.0, note(row.quiet.rpsRatio)));
    out.push(check(`${row.demo}: token endpoint p99 vs baseline`, row.p99Ratio, '<= 1.20x', row.valid && row.p99Ratio <= 1.2, note(row.quiet.p99Ratio)));
  }
  const engineRow = (alg) => results.engine?.find((r) => r.alg === alg && r.mode === 'one at a time' && r.impl === 'engine');
  for (const [alg, min] of [['RS256', 0.6], ['ES256', 0.8]]) {
    const row = engineRow(alg);
    if (row) out.push(check(`engine ${alg} one at a time vs node:crypto floor`, row.ratio, `>= ${min.toFixed(2)}x`, row.ratio >= min));
  }
  if (results.scale) {
    const invalid = results.scale.valid ? undefined : 'INVALID: some responses were not 2xx';
    const clients = results.scale.configs.find((c) => c.name === 'manyClients');
    const replay = results.scale.configs.find((c) => c.name === 'manyReplayEntries');
    const note = (c) => invalid ?? (c.quietRpsLoss === null ? undefined : `quiet rounds: ${(c.quietRpsLoss * 100).toFixed(1)}%`);
    out.push(check(`rps loss, 10 -> ${clients.label.split(' ')[0]} clients`, results.scale.clientsLoss, '<= 10%', results.scale.valid && results.scale.clientsLoss <= 0.1, note(clients)));
    out.push(check(`rps loss, 0 -> ${replay.label.split(', ')[1].split(' ')[0]} replay entries`, results.scale.replayLoss, '<= 10%', results.scale.valid && results.scale.replayLoss <= 0.1, note(replay)));
  }
  if (results.replayMemory) {
    out.push(check('in-memory replay store, bytes per live entry', results.replayMemory.bytesPerEntry, '<= 100 B', results.replayMemory.bytesPerEntry <= 100));
  }
  return out;
}
