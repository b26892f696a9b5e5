import { MemoryReplayStore } from '@rfc7523/core';
import { frozenClock } from '../support/fixtures.js';

/** Whether a key remembered until now + `lifetime` seconds is still held (a replay) `elapsed` seconds later. */
async function heldAfter(lifetime: number, elapsed: number): Promise<boolean> {
  const clock = frozenClock();
  const store = new MemoryReplayStore({ now: clock.now });
  await store.remember('a', clock.seconds() + lifetime);
  clock.advance(elapsed);
  return !(await store.remember('a', clock.seconds() + 60));
}

describe('MemoryReplayStore (J7)', () => {
  it('J7 remembers a key: new once, a replay after that', async () => {
    const clock = frozenClock();
    const store = new MemoryReplayStore({ now: clock.now });
    const exp = clock.seconds() + 60;
    await expect(store.remember('a', exp)).resolves.toBe(true);
    await expect(store.remember('a', exp)).resolves.toBe(false);
    await expect(store.remember('b', exp)).resolves.toBe(true);
  });

  it('J7 keeps a key until its expiry, then lets it go', async () => {
    const clock = frozenClock();
    const store = new MemoryReplayStore({ now: clock.now });
    await store.remember('a', clock.seconds() + 60);
    clock.advance(59);
    await expect(store.remember('a', clock.seconds() + 60)).resolves.toBe(false);
    clock.advance(1);
    await expect(store.remember('a', clock.seconds() + 60)).resolves.toBe(true);
  });

  it('J7 check-and-remember is atomic: of 20 concurrent calls exactly one wins', async () => {
    const store = new MemoryReplayStore({ now: frozenClock().now });
    const results = await Promise.all(Array.from({ length: 20 }, () => store.remember('same', Number.MAX_SAFE_INTEGER)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('sweep keeps live entries and drops expired ones, an entry expiring this second included', async () => {
    const clock = frozenClock();
    const store = new MemoryReplayStore({ now: clock.now });
    await store.remember('short', clock.seconds() + 10);
    await store.remember('long', clock.seconds() + 100);
    await store.remember('long2', clock.seconds() + 1000);
    clock.advance(10);
    store.sweep();
    expect(store.size).toBe(2);
    clock.advance(40);
    await expect(store.remember('long', clock.seconds() + 100)).resolves.toBe(false);
    clock.advance(100);
    store.sweep();
    expect(store.size).toBe(1);
  });

  it('sweeps on its own once the map has grown, without evicting live entries', async () => {
    const clock = frozenClock();
    const store = new MemoryReplayStore({ now: clock.now });
    for (let i = 0; i < 1023; i++) await store.remember(`old${i}`, clock.seconds() + 1);
    expect(store.size).toBe(1023);
    clock.advance(2);
    await store.remember('fresh', clock.seconds() + 60);
    expect(store.size).toBe(1);
    for (let i = 0; i < 3000; i++) await store.remember(`live${i}`, clock.seconds() + 60);
    expect(store.size).toBe(3001);
    for (const key of ['fresh', 'live0', 'live1500', 'live2999']) await expect(store.remember(key, clock.seconds() + 60)).resolves.toBe(false);
  });

  it('J7 holds a key until its expiry to the millisecond, a fractional expiry rounded up', async () => {
    expect(await heldAfter(10, 9.999)).toBe(true);
    expect(await heldAfter(10, 10)).toBe(false);
    expect(await heldAfter(10.5, 10.999)).toBe(true);
    expect(await heldAfter(10.5, 11)).toBe(false);
    expect(await heldAfter(0.25, 0.5)).toBe(true);
  });

  it('memory is bounded under churn: expired entries are swept as new ones arrive', async () => {
    const clock = frozenClock();
    const store = new MemoryReplayStore({ now: clock.now });
    let largest = 0;
    for (let i = 0; i < 10_000; i++) {
      await store.remember(`k${i}`, clock.seconds() + 1);
      clock.advance(1);
      largest = Math.max(largest, store.size);
    }
    // Each entry lives one second, so at most one is live: the map fills up to the sweep mark of 1024
    // entries and is swept back each time it reaches it.
    expect(largest).toBe(1023);
  });

  it('sweeps amortised: 5000 live keys cost a handful of sweeps, not one per call', async () => {
    const clock = frozenClock();
    let reads = 0;
    const store = new MemoryReplayStore({ now: () => (reads++, clock.now()) });
    reads = 0;
    for (let i = 0; i < 5000; i++) await store.remember(`live${i}`, clock.seconds() + 60);
    // One clock read per call, and one per sweep: at 1024, 2048 and 4096 entries.
    expect(reads).toBe(5000 + 3);
    expect(store.size).toBe(5000);
  });

  it('uses Date.now when no clock is given', async () => {
    const store = new MemoryReplayStore();
    const exp = Math.floor(Date.now() / 1000) + 3600;
    await expect(store.remember('a', exp)).resolves.toBe(true);
    await expect(store.remember('a', exp)).resolves.toBe(false);
    await expect(store.remember('b', Math.floor(Date.now() / 1000) - 3600)).resolves.toBe(true);
    await expect(store.remember('b', exp)).resolves.toBe(true);
  });
});
