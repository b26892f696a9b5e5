import { generateKeyPairSync, sign as cryptoSign } from 'node:crypto';
import type { EventLoopUtilization } from 'node:perf_hooks';
import { importJWK, type CryptoKey, type JWK } from 'jose';
import { createThreadPoolPolicy, onThreadPool, preferThreadPool, processThreadPoolPolicy, setThreadPoolPolicy, type LoadProbe, type PoolTally } from '../../src/jwt/crypto-scheduler.js';
import { verifySignature } from '../../src/jwt/verify-signature.js';
import { CompactSigner } from '../../src/jwt/compact-signer.js';

/** A fake event loop: the test says how long passes and how much of it was busy. */
class FakeLoop implements LoadProbe {
  #now = 1000;
  #active = 0;
  #idle = 0;
  now = (): number => this.#now;
  /** `ms` milliseconds pass, `busy` of them (0–1) with the event loop active. */
  pass(ms: number, busy: number): void {
    this.#now += ms;
    this.#active += ms * busy;
    this.#idle += ms * (1 - busy);
  }
  eventLoopUtilization = (current?: EventLoopUtilization, previous?: EventLoopUtilization): EventLoopUtilization => {
    if (current === undefined) return { idle: this.#idle, active: this.#active, utilization: this.#active / (this.#active + this.#idle || 1) };
    const active = current.active - (previous?.active ?? 0);
    const idle = current.idle - (previous?.idle ?? 0);
    return { idle, active, utilization: active / (active + idle || 1) };
  };
}

describe('thread-pool policy (event-loop utilisation with hysteresis, fake clock)', () => {
  it('stays inline while the event loop is at most 75 % busy, and within a 20 ms window', () => {
    const loop = new FakeLoop();
    const policy = createThreadPoolPolicy(loop);
    loop.pass(20, 0.75);
    expect(policy()).toBe(false);
    loop.pass(19, 1);
    expect(policy()).toBe(false); // window not over
  });

  it('moves to the thread pool after a 20 ms window more than 75 % busy', () => {
    const loop = new FakeLoop();
    const policy = createThreadPoolPolicy(loop);
    loop.pass(20, 0.8);
    expect(policy()).toBe(true);
  });

  it('stays on the pool at 50 % or more over 100 ms windows, leaves under 50 %', () => {
    const loop = new FakeLoop();
    const policy = createThreadPoolPolicy(loop);
    loop.pass(20, 1);
    expect(policy()).toBe(true);
    loop.pass(50, 0);
    expect(policy()).toBe(true); // a 100 ms window on the pool
    loop.pass(50, 1);
    expect(policy()).toBe(true); // 50 % over the window
    loop.pass(100, 0.4);
    expect(policy()).toBe(false);
  });

  it('after leaving a move that did not help, waits 5 s before trying again, then doubles the wait', () => {
    const loop = new FakeLoop();
    const policy = createThreadPoolPolicy(loop);
    loop.pass(20, 1);
    expect(policy()).toBe(true);
    loop.pass(100, 0.2);
    expect(policy()).toBe(false); // left 100 ms after entering: the pool did not help
    loop.pass(4900, 1);
    expect(policy()).toBe(false); // busy, but within the 5 s back-off
    loop.pass(100, 1);
    expect(policy()).toBe(true); // 5 s passed
    loop.pass(100, 0.2);
    expect(policy()).toBe(false); // did not help again: 10 s now
    loop.pass(9000, 1);
    expect(policy()).toBe(false);
    loop.pass(1000, 1);
    expect(policy()).toBe(true);
  });

  it('the wait stops doubling at 60 s, and a stay of a second or more on the pool resets it to 5 s', () => {
    const loop = new FakeLoop();
    const policy = createThreadPoolPolicy(loop);
    const failOnce = (wait: number) => {
      loop.pass(wait, 1);
      expect(policy()).toBe(true);
      loop.pass(100, 0.2);
      expect(policy()).toBe(false);
    };
    failOnce(20);
    for (const wait of [5000, 10_000, 20_000, 40_000, 60_000, 60_000]) {
      loop.pass(wait - 100, 1);
      expect(policy()).toBe(false);
      failOnce(100);
    }
    // Now on the pool for over a second before leaving: the next wait is 5 s again.
    loop.pass(60_000, 1);
    expect(policy()).toBe(true);
    for (let i = 0; i < 10; i++) {
      loop.pass(100, 0.9);
      expect(policy()).toBe(true);
    }
    loop.pass(100, 0.2);
    expect(policy()).toBe(false);
    loop.pass(4900, 1);
    expect(policy()).toBe(false);
    loop.pass(100, 1);
    expect(policy()).toBe(true);
  });

  it('a quiet spell with no calls (a pause between bursts) does not count against the pool', () => {
    const loop = new FakeLoop();
    const policy = createThreadPoolPolicy(loop);
    loop.pass(20, 1);
    expect(policy()).toBe(true);
    loop.pass(500, 0); // no call for five windows
    expect(policy()).toBe(false);
    loop.pass(20, 1);
    expect(policy()).toBe(true); // no back-off after an idle pause
  });
});

describe('thread-pool policy: calls that come one at a time (fake clock, counted hand-offs)', () => {
  /**
   * A policy on the pool, with the tally it reads; `window(handed, overlapped, busy)` ends a 100 ms window
   * with the loop `busy` (default 60 %: above the 50 % exit, under the 75 % entry, as seen with one caller).
   */
  function onPool() {
    const loop = new FakeLoop();
    const tally: PoolTally = { handed: 0, overlapped: 0, pending: 0 };
    const policy = createThreadPoolPolicy(loop, tally);
    loop.pass(20, 1);
    expect(policy()).toBe(true);
    const window = (handed: number, overlapped: number, busy = 0.6) => {
      tally.handed += handed;
      tally.overlapped += overlapped;
      loop.pass(100, busy);
      return policy();
    };
    return { loop, policy, tally, window };
  }

  it('leaves the pool when no hand-off of a window found another on the pool', () => {
    const { window } = onPool();
    expect(window(20, 0)).toBe(false);
  });

  it('leaves when fewer than one in ten overlapped, and stays from one in ten', () => {
    expect(onPool().window(40, 3)).toBe(false);
    const { window } = onPool();
    expect(window(40, 4)).toBe(true);
    expect(window(40, 40)).toBe(true);
  });

  it('judges only windows of at least 8 hand-offs', () => {
    const { window } = onPool();
    expect(window(7, 0)).toBe(true);
    expect(window(0, 0)).toBe(true);
    expect(window(8, 0)).toBe(false);
  });

  it('a loop busier than 75 % stays on the pool without overlaps: the pool works beside other requests', () => {
    const { window } = onPool();
    expect(window(20, 0, 0.76)).toBe(true);
    expect(window(20, 0, 1)).toBe(true);
    expect(window(20, 0, 0.75)).toBe(false);
  });

  it('counts each window on its own: overlaps of an earlier window do not carry over', () => {
    const { window } = onPool();
    expect(window(20, 20)).toBe(true);
    expect(window(20, 0)).toBe(false);
  });

  it('hand-offs while inline do not count toward the first window on the pool', () => {
    const loop = new FakeLoop();
    const tally: PoolTally = { handed: 0, overlapped: 0, pending: 0 };
    const policy = createThreadPoolPolicy(loop, tally);
    tally.handed = 50; // not by this policy's choice (another user of the tally)
    tally.overlapped = 50;
    loop.pass(20, 1);
    expect(policy()).toBe(true);
    tally.handed += 20;
    loop.pass(100, 0.6);
    expect(policy()).toBe(false);
  });

  it('leaving for one-at-a-time calls is a quick exit: the 5 s back-off applies', () => {
    const { loop, policy, window } = onPool();
    expect(window(20, 0)).toBe(false);
    loop.pass(4900, 1);
    expect(policy()).toBe(false);
    loop.pass(100, 1);
    expect(policy()).toBe(true);
  });

  it("the process's verifications and signatures are what the default tally counts", async () => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwk = privateKey.export({ format: 'jwk' }) as JWK;
    const input = Buffer.from('header.payload');
    const signature = cryptoSign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' });
    const signer = new CompactSigner({ ...jwk, alg: 'ES256' }, 'ES256', { typ: 'at+jwt' });
    const restore = setThreadPoolPolicy(() => true); // every operation to the pool
    try {
      const oneAtATime = async () => {
        for (let i = 0; i < 10; i++) {
          expect(await verifySignature('ES256', publicKey, input, signature)).toBe(true);
          await signer.sign({ sub: 'x' });
        }
      };
      // Watched by a policy on the process's tally (the default), on a fake loop 60 % busy.
      const loop = new FakeLoop();
      const watching = createThreadPoolPolicy(loop);
      loop.pass(20, 1);
      expect(watching()).toBe(true);
      await oneAtATime();
      loop.pass(100, 0.6);
      expect(watching()).toBe(false); // 20 hand-offs, none beside another

      const loop2 = new FakeLoop();
      const watching2 = createThreadPoolPolicy(loop2);
      loop2.pass(20, 1);
      expect(watching2()).toBe(true);
      await Promise.all([oneAtATime(), oneAtATime()]);
      loop2.pass(100, 0.6);
      expect(watching2()).toBe(true); // two callers: their hand-offs overlap
    } finally {
      restore();
    }
  });
});

describe('onThreadPool: node:crypto work on the thread pool, counted', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const data = Buffer.from('data');
  const signOnPool = (tally: PoolTally) => onThreadPool<Buffer>((done) => cryptoSign('sha256', data, privateKey, done), tally);

  it('counts hand-offs, those made while another was pending, and what is pending', async () => {
    const tally: PoolTally = { handed: 0, overlapped: 0, pending: 0 };
    const first = signOnPool(tally);
    expect(tally).toEqual({ handed: 1, overlapped: 0, pending: 1 });
    const second = signOnPool(tally);
    expect(tally).toEqual({ handed: 2, overlapped: 1, pending: 2 });
    const signatures = await Promise.all([first, second]);
    expect(signatures.every((s) => s.length > 0)).toBe(true);
    expect(tally).toEqual({ handed: 2, overlapped: 1, pending: 0 });
    await signOnPool(tally);
    expect(tally).toEqual({ handed: 3, overlapped: 1, pending: 0 });
  });

  it('rejects with the error its callback gets, and on a synchronous throw; neither stays pending', async () => {
    const tally: PoolTally = { handed: 0, overlapped: 0, pending: 0 };
    await expect(onThreadPool((done) => setImmediate(() => done(new Error('from the pool'), undefined)), tally)).rejects.toThrow('from the pool');
    await expect(
      onThreadPool(() => {
        throw new TypeError('bad input');
      }, tally),
    ).rejects.toThrow('bad input');
    expect(tally).toEqual({ handed: 2, overlapped: 0, pending: 0 });
  });
});

describe('signature work on either path gives the same answers', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = privateKey.export({ format: 'jwk' }) as JWK;
  const input = Buffer.from('header.payload');
  const signature = cryptoSign('sha256', input, { key: privateKey, dsaEncoding: 'ieee-p1363' });

  it.each([
    ['inline', false],
    ['the thread pool', true],
  ])('verifies and signs correctly on %s', async (_, pool) => {
    const restore = setThreadPoolPolicy(() => pool);
    try {
      const key = (await importJWK(publicKey.export({ format: 'jwk' }) as JWK, 'ES256')) as CryptoKey;
      const pending = verifySignature('ES256', key, input, signature);
      expect(typeof pending === 'boolean').toBe(!pool); // a boolean inline, a promise from the pool
      expect(await pending).toBe(true);
      const tampered = Buffer.from(signature);
      tampered[5]! ^= 1;
      expect(await verifySignature('ES256', key, input, tampered)).toBe(false);

      const signed = new CompactSigner({ ...jwk, alg: 'ES256' }, 'ES256', { typ: 'at+jwt' }).sign({ sub: 'x' });
      expect(typeof signed === 'string').toBe(!pool); // a string inline, a promise from the pool
      const [h, p, s] = (await signed).split('.');
      expect(await verifySignature('ES256', key, Buffer.from(`${h}.${p}`), Buffer.from(s!, 'base64url'))).toBe(true);
    } finally {
      restore();
    }
  });
});

describe('process-wide thread-pool policy by available CPUs', () => {
  it('never uses the thread pool on one CPU, however busy the event loop', () => {
    const loop = new FakeLoop();
    const policy = processThreadPoolPolicy(1, loop);
    for (let i = 0; i < 10; i++) {
      loop.pass(100, 1);
      expect(policy()).toBe(false);
    }
  });

  it('on two CPUs decides by event-loop utilisation, as createThreadPoolPolicy does', () => {
    const loop = new FakeLoop();
    const policy = processThreadPoolPolicy(2, loop);
    loop.pass(20, 0.5);
    expect(policy()).toBe(false);
    loop.pass(20, 1);
    expect(policy()).toBe(true);
  });
});

describe('thread-pool policy boundaries (fake clock)', () => {
  it('a gap of exactly two windows is not a pause: leaving then still waits the back-off', () => {
    const loop = new FakeLoop();
    const policy = createThreadPoolPolicy(loop);
    loop.pass(20, 1);
    expect(policy()).toBe(true);
    loop.pass(200, 0); // two 100 ms windows, not more
    expect(policy()).toBe(false);
    loop.pass(20, 1);
    expect(policy()).toBe(false); // within the 5 s back-off
  });

  it('leaving exactly a second after entering is not quick: the wait stays 5 s and does not double', () => {
    const loop = new FakeLoop();
    const policy = createThreadPoolPolicy(loop);
    loop.pass(20, 1);
    expect(policy()).toBe(true);
    for (let i = 0; i < 9; i++) {
      loop.pass(100, 0.9);
      expect(policy()).toBe(true);
    }
    loop.pass(100, 0.2); // 1000 ms after entering
    expect(policy()).toBe(false);
    loop.pass(5000, 1);
    expect(policy()).toBe(true);
    loop.pass(100, 0.2); // a quick exit now: it waits 5 s (only the one after it 10 s)
    expect(policy()).toBe(false);
    loop.pass(4900, 1);
    expect(policy()).toBe(false);
    loop.pass(100, 1);
    expect(policy()).toBe(true);
  });

  it('setThreadPoolPolicy gives back a function restoring the policy it replaced', () => {
    const restoreFirst = setThreadPoolPolicy(() => true);
    try {
      const restoreSecond = setThreadPoolPolicy(() => false);
      expect(preferThreadPool()).toBe(false);
      restoreSecond();
      expect(preferThreadPool()).toBe(true);
    } finally {
      restoreFirst();
    }
  });
});
