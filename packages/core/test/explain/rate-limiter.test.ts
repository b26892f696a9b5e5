import { RateLimiter } from '../../src/explain/rate-limiter.js';

/** A clock the test moves, milliseconds. */
function clock() {
  let ms = 0;
  return { now: () => ms, advance: (seconds: number) => void (ms += seconds * 1000) };
}

describe('RateLimiter: token buckets per client address and for all of them', () => {
  it('a burst, then the per-minute rate: Retry-After is the whole seconds until the next token', () => {
    const c = clock();
    const limiter = new RateLimiter({ perClientPerMinute: 4, burst: 3, perMinute: 1000, maxClients: 10, now: c.now });
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfter: 15 }); // 4 a minute: one every 15 s
    c.advance(14);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfter: 1 });
    c.advance(1);
    expect(limiter.take('a').allowed).toBe(true);
    c.advance(3600); // refills up to the burst, never more
    expect([1, 2, 3, 4].map(() => limiter.take('a').allowed)).toEqual([true, true, true, false]);
  });

  it('a refused request takes no token: waiting the Retry-After is enough', () => {
    const c = clock();
    const limiter = new RateLimiter({ perClientPerMinute: 60, burst: 1, perMinute: 1000, maxClients: 10, now: c.now });
    expect(limiter.take('a').allowed).toBe(true);
    for (let i = 0; i < 5; i++) expect(limiter.take('a')).toEqual({ allowed: false, retryAfter: 1 });
    c.advance(1);
    expect(limiter.take('a').allowed).toBe(true);
  });

  it('remembers at most maxClients addresses, forgetting the least recently seen', () => {
    const c = clock();
    const limiter = new RateLimiter({ perClientPerMinute: 1, burst: 1, perMinute: 1000, maxClients: 2, now: c.now });
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('b').allowed).toBe(true);
    expect(limiter.take('a').allowed).toBe(false); // a is now the most recent
    expect(limiter.take('c').allowed).toBe(true); // b is forgotten
    expect(limiter.size).toBe(2);
    expect(limiter.take('a').allowed).toBe(false); // a was kept, still empty
    expect(limiter.take('b').allowed).toBe(true); // b starts afresh (c forgotten)
    expect(limiter.size).toBe(2);
  });

  it('all clients together: the global bucket refuses once spent, whatever the address', () => {
    const c = clock();
    const limiter = new RateLimiter({ perClientPerMinute: 100, burst: 100, perMinute: 3, maxClients: 1000, now: c.now });
    expect(['a', 'b', 'c', 'd'].map((x) => limiter.take(x).allowed)).toEqual([true, true, true, false]);
    expect(limiter.take('e')).toEqual({ allowed: false, retryAfter: 20 });
  });
});
