import { ConfigurationError } from '../../src/config/configuration-error.js';
import { DpopNonces } from '../../src/dpop/dpop-nonces.js';
import { frozenClock } from '../support/fixtures.js';

describe('DpopNonces (RFC 9449 §8, §9)', () => {
  it('gives one nonce per window, accepted in its window and the next, refused after', () => {
    const clock = frozenClock();
    const nonces = new DpopNonces({ window: 60, now: clock.now });
    const first = nonces.current();
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/); // RFC 9449 §8.1 NQCHAR, base64url of 32 bytes
    expect(nonces.current()).toBe(first);
    expect(nonces.accepts(first)).toBe(true);
    clock.advance(60);
    const second = nonces.current();
    expect(second).not.toBe(first);
    expect(nonces.accepts(first)).toBe(true);
    expect(nonces.accepts(second)).toBe(true);
    clock.advance(60);
    expect(nonces.accepts(first)).toBe(false);
    expect(nonces.accepts(second)).toBe(true);
  });

  it('refuses a guessed or foreign nonce', () => {
    const clock = frozenClock();
    const a = new DpopNonces({ now: clock.now });
    const b = new DpopNonces({ now: clock.now });
    expect(a.accepts('')).toBe(false);
    expect(a.accepts('x'.repeat(43))).toBe(false);
    expect(a.accepts(b.current())).toBe(false); // random keys: one instance's nonces only
  });

  it('shares nonces between instances given one secret', () => {
    const clock = frozenClock();
    const secret = Buffer.alloc(32, 9);
    const a = new DpopNonces({ now: clock.now, secret });
    const b = new DpopNonces({ now: clock.now, secret });
    expect(b.accepts(a.current())).toBe(true);
  });

  it.each([
    [{ window: 5 }, 'window'],
    [{ window: 1.5 }, 'window'],
    [{ secret: Buffer.alloc(16) }, 'secret'],
    [{ secret: 'a string' }, 'secret'],
    [{ now: 1 }, 'now'],
    [{ windw: 60 }, 'windw'],
  ])('refuses bad options %j, naming %s', (options, field) => {
    expect(() => new DpopNonces(options as never)).toThrow(ConfigurationError);
    expect(() => new DpopNonces(options as never)).toThrow(`"${field}"`);
  });
});
