// Replay-store memory: heap bytes per live entry of the engine's MemoryReplayStore, with keys in the
// engine's own format ('j' + JSON.stringify([clientId, jti]), replay-store.ts jtiReplayKey). Measured
// in a child process started with --expose-gc: gc, heapUsed, insert N entries, gc, heapUsed.
// Also measures the key strings alone and, for comparison, the store with flattened keys and a Map
// keyed by a 128-bit digest of the key.
import { execFileSync } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { defineSection, isMain, runAlone } from '../lib/section.mjs';
import { table } from '../lib/table.mjs';

const FAR_FUTURE = Math.floor(Date.now() / 1000) + 365 * 86400;
const realisticKey = (i) => 'j' + JSON.stringify([`client-${String(i % 10).padStart(5, '0')}`, randomUUID()]);

function heapAfterGc() {
  for (let i = 0; i < 3; i++) globalThis.gc();
  return process.memoryUsage().heapUsed;
}

/** Bytes of heap per item that `fill(n)` keeps reachable. */
async function bytesPerItem(n, fill) {
  const before = heapAfterGc();
  const held = await fill(n);
  const after = heapAfterGc();
  void held;
  return (after - before) / n;
}

async function measure(n) {
  const { MemoryReplayStore } = await import('@rfc7523/core');
  const store = await bytesPerItem(n, async (count) => {
    const s = new MemoryReplayStore();
    for (let i = 0; i < count; i++) await s.remember(realisticKey(i), FAR_FUTURE);
    if (s.size !== count) throw new Error(`store holds ${s.size} entries, expected ${count}`);
    return s;
  });
  // The key strings alone, in an array (8 bytes a slot, subtracted).
  const keys = (await bytesPerItem(n, async (count) => Array.from({ length: count }, (_, i) => realisticKey(i)))) - 8;
  // The same store with each key flattened into one sequential string first (what a flat key would cost).
  const flatKeyStore = await bytesPerItem(n, async (count) => {
    const s = new MemoryReplayStore();
    for (let i = 0; i < count; i++) await s.remember(Buffer.from(realisticKey(i), 'latin1').toString('latin1'), FAR_FUTURE);
    return s;
  });
  // A Map from a 128-bit digest of the key (22 base64url characters) to the expiry, the same job in less.
  const digestMap = await bytesPerItem(n, async (count) => {
    const map = new Map();
    for (let i = 0; i < count; i++) map.set(createHash('sha256').update(realisticKey(i)).digest().subarray(0, 16).toString('base64url'), FAR_FUTURE);
    return map;
  });
  const round = (x) => Math.round(x * 10) / 10;
  return { entries: n, bytesPerEntry: round(store), keyStringBytes: round(keys), storeOverheadBytes: round(store - keys), flatKeyStoreBytes: round(flatKeyStore), digestKeyedMapBytes: round(digestMap), sampleKey: realisticKey(0) };
}

/** Runs the measurement in a child process with --expose-gc; resolves its figures. */
function benchReplayMemory({ entries }) {
  const output = execFileSync(process.execPath, ['--expose-gc', fileURLToPath(import.meta.url), '--child', String(entries)], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(output);
}

const SETTINGS = { quick: { entries: 100_000 }, full: { entries: 1_000_000 } };

/** The section's tables: (result, settings) → [{ title, header, rows }]. */
const tables = (m) => [
  table(`In-memory replay store: heap per live entry (${m.entries.toLocaleString('en')} entries, keys like ${m.sampleKey})`, ['what', 'bytes per entry'], [
    ['MemoryReplayStore, engine key format', m.bytesPerEntry],
    ['  of which the key string', m.keyStringBytes],
    ['  of which the Map entry and expiry', m.storeOverheadBytes],
    ['MemoryReplayStore, same keys flattened', m.flatKeyStoreBytes],
    ['Map keyed by a 128-bit digest of the key', m.digestKeyedMapBytes],
  ]),
];

export const section = defineSection('replayMemory', 'Replay store memory: inserting entries in a child process with --expose-gc…', SETTINGS, benchReplayMemory, tables);

if (isMain(import.meta.url)) {
  if (process.argv[2] !== '--child') await runAlone(section);
  else if (typeof globalThis.gc !== 'function') throw new Error('run with node --expose-gc');
  else process.stdout.write(JSON.stringify(await measure(Number(process.argv[3]))));
}
