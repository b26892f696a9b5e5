/** The test kit's clock: one fake clock for every test; tests move it instead of sleeping. */

/** Where a test clock starts by default: 2026-01-01T00:00:00Z, milliseconds since the epoch. */
export const T0 = Date.UTC(2026, 0, 1);

/**
 * A clock the test moves by hand. `now()` is in milliseconds (what the engine's `now` option takes),
 * `seconds()` in whole seconds (a NumericDate, RFC 7519 §2). Its members are bound: pass `clock.now` on.
 */
export class TestClock {
  /** The time, milliseconds since the epoch. */
  ms: number;

  constructor(start: number = T0) {
    this.ms = start;
  }

  readonly now = (): number => this.ms;

  readonly seconds = (): number => Math.floor(this.ms / 1000);

  /** Moves the clock by `seconds` (negative moves it back). */
  readonly advance = (seconds: number): void => {
    this.ms += seconds * 1000;
  };
}
