/** Exit codes of the `rfc7523` CLI, fit for scripts. */
export const EXIT = Object.freeze({
  /** The command did what was asked (an explained assertion would pass). */
  OK: 0,
  /** Refused or failed: a token request refused, an assertion that would fail, a server that cannot be reached. */
  FAILED: 1,
  /** Usage: unknown command or option, a missing or malformed argument, a key or configuration file that cannot be used. */
  USAGE: 2,
});
